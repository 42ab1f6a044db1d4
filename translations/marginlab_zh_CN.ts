<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AdaFaceMarginPlot</name>
    <message>
        <source>AdaFace margin functions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>margin term (g_angular: rad, g_additive: cos)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>g_angular = −m·ẑ (rad, added to θ)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>g_additive = m(1+ẑ) (subtracted from cos θ)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>recent samples: g_angular applied</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>recent samples: g_additive applied</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>normalised norm ẑ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No data yet: waiting for the first report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AdaFace only: this run trains %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>another head</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AdaFace&apos;s m and h are not known yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>feature norm ‖z‖</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>m = %1, h = %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>  ·  EMA μ = %1, σ = %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>normalised norm ẑ (EMA norm μ, σ unknown: plotted against ẑ, not ‖z‖)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>g_angular</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>g_additive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>samples g_angular</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>samples g_additive</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EvaluationTable</name>
    <message>
        <source>set</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stratum</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pairs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>accuracy (%)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AUC</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>EER (%)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TAR@FAR=%1 (%)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>k-fold verification accuracy: mean ± std over the folds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Equal error rate: where false accepts and false rejects are equally frequent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>True accept rate at a false accept rate of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 genuine, %2 impostor pairs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 ± %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>mean best threshold over the folds: cosine %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not computed in this evaluation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unsupported: FAR %1 needs at least %2 impostor pairs (1/FAR); this stratum has %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No ROC: needs both genuine and impostor pairs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TAR %1% at FAR %2 (accepting cosine ≥ %3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>strata by %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>flip test: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Spearman ρ(norm, quality) = %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2 images unreadable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (e.g. %1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pairs dropped: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stratum %1 left out (pairs: %2, fewer than the folds)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No validation results yet.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ExperimentPanel</name>
    <message>
        <source>Names the run directories; no &apos;/&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Replace the whole experiment with a preset recipe</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load a preset…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Where the recipe comes from, what the run is for</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Description</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Where run directories are created (relative to the working directory)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Runs folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A run is active: the experiment is read-only. Tune the head and the learning rate live in the Live parameters panel.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Where the training images come from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Synthetic faces with known identity and image quality</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A folder with one subfolder of images per identity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An insightface train.rec (with train.idx beside it)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>RecordIO file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>RecordIO (*.rec);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Image folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Path</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SynthFace generator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>default: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Images and augmentation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Square side the network sees (multiple of 16)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Image size (px)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Channel order of the tensors the network sees</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Colour order</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mean</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Per channel on [0, 1] pixels, in tensor order</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Std</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Probability of a horizontal flip</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flip probability</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Probability of a random crop (AdaFace: 0.2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Crop probability</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Probability of down- and up-sampling (AdaFace: 0.2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Low-resolution probability</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Probability of a brightness/contrast/saturation jitter (AdaFace: 0.2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Photometric probability</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Threads decoding and augmenting images</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loader threads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Batches prepared ahead of the trainer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Prefetch batches</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Validation sets</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;synthface&quot; (held-out SynthFace identities) or verification files: insightface .bin packs and pair lists. Relative paths are looked up beside the dataset first. Double-click to edit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add SynthFace</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add files…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Verification sets</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Verification sets (*.bin *.txt *.csv *.lst);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model and head</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backbone network</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backbone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Length of the face embedding</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Embedding dimension</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dropout before the embedding layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dropout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Channels-last memory format</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>NHWC convolutions: usually much faster on CPUs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Head</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Margin loss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Where KappaFace&apos;s class statistics come from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Per-sample memory buffer of normalised features (the authors&apos; memory.py)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Features of a momentum encoder, an EMA copy of the backbone (the shipped configuration)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Class statistics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The engine lists no parameters for this head kind.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Optimiser and schedule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Optimiser</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SGD with momentum (the face-recognition recipes)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AdamW</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Base learning rate, in (0, 100]; the schedule scales it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SGD momentum</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Momentum</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AdamW β%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Betas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AdamW ε</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Epsilon</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On conv/FC weights and the head kernel; never on BatchNorm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Weight decay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Global gradient-norm clip; 0: no clipping</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clip gradient norm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Learning-rate schedule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How the learning rate changes over the epochs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Constant after the warm-up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Multiplied by gamma at each milestone epoch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cosine decay to the minimum learning rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Polynomial decay to the minimum learning rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Linear warm-up from 0 (fractional epochs allowed)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Warm-up epochs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. 12, 20, 24</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Epochs at which the learning rate is multiplied by gamma, comma separated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Milestones (epochs)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Factor at each milestone, in (0, 1]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gamma</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Floor of the cosine / polynomial decay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Minimum learning rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exponent of the polynomial decay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Power</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Passes over the training data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop after this many steps; 0: no limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Max steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Images per step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Where the model runs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CUDA when available, else the CPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The CPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The first CUDA GPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Arithmetic precision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>32-bit floats everywhere</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>fp16 autocast on CUDA; the head stays in fp32</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>bf16 autocast on CUDA; the head stays in fp32</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Precision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Intra-op threads; 0: all cores</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Threads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seed of the initialisation, shuffling and augmentation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reports and evaluation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Telemetry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Steps between snapshots of the per-sample and per-class diagnostics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Snapshot every (steps)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Most recent samples kept for a snapshot</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Samples per snapshot</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bins of the feature-norm histogram</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Histogram bins</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Snapshots written to the run directory for replay; 0: none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save snapshot every (steps)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checkpoints</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>0: only at the end and at stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every (steps)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Evaluation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Verification during training; 0: only at the end</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Evaluate at the end of the run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How an embedding is combined with its mirror image&apos;s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The image alone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unit(u + u_flip): both views count equally</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sum of the raw features: the higher-norm view dominates (insightface, AdaFace)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flip test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>0: the training batch size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not a known source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not a known channel order</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not in the engine&apos;s list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not in the engine&apos;s list of heads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>allowed: %1, default: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a .rec file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the folder of identity folders</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a folder with train.rec and train.idx, or a .rec file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a folder with one subfolder per identity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The generator&apos;s held-out identities</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only for data source synthface</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FigureExportDialog</name>
    <message>
        <source>Also write the plotted data as CSV beside it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export “%1”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PNG image</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PDF (vector)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SVG (vector)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> dpi</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>File:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Format:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolution (PNG):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export the figure</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 files (*.%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” does not end in .png, .pdf or .svg</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The folder %1 does not exist</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LiveParameterPanel</name>
    <message>
        <source>learning rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start a run to tune live.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The head&apos;s parameters appear here when a run reports them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>allowed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Head: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Optimiser</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type a value in %1 and press Enter; Esc restores the current value.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 … %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (logarithmic)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: “%2” is not a number; allowed: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 = %2 is outside %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>requested, applied at the next step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>applied at step %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 applied at step %2; %3 requested</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 = %2, change %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 = %2 was not applied</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>MarginLab</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Data preview: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start training the experiment (Ctrl+R)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause or resume at the next step boundary (Ctrl+P)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop the run; it always leaves a checkpoint to resume from (Ctrl+.)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Checkpoint now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open &amp;run…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Overlay another run&apos;s curves…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear the overlay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export &amp;all plots…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Experiment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Live hyperparameters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open experiment…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Save experiment as…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recent runs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export the current plot…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About MarginLab</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open experiment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opening the data source…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The experiment is not valid:
%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting %1 (%2, %3 backbone)…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run directory %1 on %2: %3 steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>step %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 = %2 requested (version %3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Res&amp;ume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Idle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopping (writing a checkpoint)…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>step %1 / %2 · epoch %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 samples/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ETA %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop the active run before opening another.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The run&apos;s experiment.json does not load here (%1); its plots are shown anyway.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 records cut short by a crash were skipped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opened %1: %2 steps, %3 evaluations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Overlay a run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a run directory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Overlay the curves of a run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open an experiment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Experiment files (*.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save experiment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the experiment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: choose a .png, .pdf or .svg file name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exported %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unknown figure format &quot;%1&quot; (png, pdf or svg)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot create the folder %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export every plot (figure + CSV) into a folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export all</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exported %1 files into %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The language changes when MarginLab starts the next time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A run is active. Stop it (it writes a checkpoint you can resume from) and quit?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About MarginLab</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;MarginLab %1&lt;/b&gt;&lt;p&gt;A workbench for training face-recognition models with adaptive margin losses (AdaFace, KappaFace and their baselines) and watching them learn.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MarginHistogramPlot</name>
    <message>
        <source>Applied margin histogram</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>samples per bin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No samples yet: waiting for the first report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No labelled samples with a margin in this report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>applied margin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>applied margin (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>easy (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>hard (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>mean = %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>mean = %1 %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>easy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>hard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>mean</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MarginNormPlot</name>
    <message>
        <source>Applied margin vs feature norm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>feature norm ‖z‖</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>margin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No samples yet: waiting for the first report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No labelled samples with a margin in this report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>margin (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>easy (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>hard (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>easy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>hard</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NormBandsPlot</name>
    <message>
        <source>Feature norm distribution over time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>feature norm ‖z‖</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>5th–95th percentile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>25th–75th percentile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>median</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AdaFace EMA μ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AdaFace EMA μ ± σ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No feature norms yet: waiting for the first report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No norm history in this report</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NormHistogramPlot</name>
    <message>
        <source>Feature norm histogram</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>split by true quality</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>low quality: q &lt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>True-quality threshold between the low- and high-quality histograms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>feature norm ‖z‖</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>samples per bin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>all samples</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>low quality</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>high quality</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>quality unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stack the histograms of low- and high-quality samples</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>True quality is known only for SynthFace data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No feature norms yet: waiting for the first report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No feature norms in this report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>low quality, q &lt; %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>high quality, q ≥ %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>EMA μ = %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>EMA μ ± σ (σ = %1)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NormQualityPlot</name>
    <message>
        <source>Feature norm vs true quality</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>true image quality q</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>feature norm ‖z‖</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>median norm per quality bin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No samples yet: waiting for the first report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>True quality is known only for SynthFace data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No labelled samples with a known quality in this report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Spearman ρ = %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Spearman ρ: not available</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%1, %n samples</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>easy (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>hard (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>easy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>hard</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PlotBoard</name>
    <message>
        <source>Training</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Feature norms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Margins</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Per-class κ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Angles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Evaluation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Verification results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Per-class statistics</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>q %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>flip</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>crop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>low resolution</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>photometric</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>class %1 · %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>class %1 (%2 images), image %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (the experiment applies it with probability %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not valid JSON: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No built-in preset named &quot;%1&quot; (known: %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot export %1: the figure size %2 × %3 in is outside (0, 100] inches</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot export %1: %2 dpi is outside [36, 1200]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write the figure %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot move the figure into place at %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RocPlot</name>
    <message>
        <source>ROC</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Validation set:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>false accept rate (FAR, log scale)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>true accept rate (TAR)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ROC — %1 at step %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>strata by %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No validation results yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No ROC for %1:
it needs both genuine and impostor pairs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (AUC %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (AUC —)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TargetLogitPlot</name>
    <message>
        <source>Target logit of each head against θ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>angle to the class centre θ (degrees)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>target logit / s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>series</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>theta_degrees</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>target_logit_over_s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TrainingBridge</name>
    <message>
        <source>A run is already active: stop it first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopped before the first step: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TrainingCurvesPlot</name>
    <message>
        <source>Training curve: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The quantity drawn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>epoch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>wall time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Horizontal axis</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>log y</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Smoothing: exponential moving average weight (debiased, as in TensorBoard)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>loss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>learning rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>samples / s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>mean feature norm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>mean margin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>gradient norm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Logarithmic vertical axis (values &lt;= 0 are left out)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not for %1: it is not a positive quantity on a ratio scale</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>this run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>training loss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>training accuracy (0–1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>throughput (samples / s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>mean feature norm ‖z‖</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>mean applied margin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>mean applied margin (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>gradient norm (before clipping)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>other run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 skipped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2 skipped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>epoch (epochs completed)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>epoch (whole epochs until the first one ends and its length is known)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>wall time (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing to draw yet: %1 skipped
(non-finite loss or gradients)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No training steps yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This run does not report the %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 left out (≤ 0 on a log axis)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>MarginLab: watch margin losses learn.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load a built-in preset (default: synthface-demo).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load an experiment file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a finished run and show its plots.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start training the experiment right away.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show this plot tab (0–6).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the window as a PNG after --screenshot-delay seconds, then quit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seconds before the screenshot (default 1).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>marginlab::app</name>
    <message>
        <source>NormFace (no margin)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CosFace m = 0.4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ArcFace m = 0.5</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>marginlab::widgets::ExperimentPanel</name>
    <message>
        <source>Seed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Generator seed: identities, images and pairs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Identities</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training identities (classes)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Max images per identity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size of the largest class</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Imbalance ratio</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Largest over smallest class size (power-law long tail); at most the max images per identity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Low-quality fraction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Weight of the low-quality part of the quality mixture</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Verification identities</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Held-out identities for the verification pairs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pairs per stratum</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Verification pairs per quality stratum, half genuine</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>marginlab::widgets::ParameterChangeCommand</name>
    <message>
        <source>Set %1 to %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>marginlab::widgets::Plot</name>
    <message>
        <source>Export “%1”…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
