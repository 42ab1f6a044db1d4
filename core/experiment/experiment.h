#pragma once
// The experiment file: one JSON format that the GUI and the CLI read and write, and that every run directory keeps
// (resolved, defaults filled in) as the record of what was run. Torch-free, so the GUI can edit it directly.
//
// Parsing is strict: unknown keys are errors (a typo must not silently fall back to a default), and every message
// names the file, the key path and the value, e.g. "demo.json: optimizer.lr = -1: must be in (0, 100]". Keys, types,
// ranges and defaults come from one table (experiment_fields.h).
#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/data/synthface_config.h"
#include "core/eval/flip_test.h"
#include "core/experiment/param_schedule.h"
#include "core/heads/head_values.h"

namespace marginlab::train {

enum class DeviceChoice { automatic, cpu, cuda };
enum class Precision { fp32, fp16, bf16 };  // fp16/bf16: autocast on CUDA, the head stays in float32
enum class OptimizerKind { sgd, adamw };
enum class ScheduleKind { constant, multistep, cosine, poly };

struct DataSettings {
  std::string source = "synthface";     // synthface | image_folder | recordio
  std::string path;                     // dataset location, for file-based sources
  nlohmann::json synthface = nlohmann::json::object();  // SynthFace generator settings, checked by the data setup
  std::int64_t image_size = 112;        // square side the network sees
  std::string color_order = "rgb";      // rgb | bgr: the tensor channel order
  std::array<float, 3> mean{0.5f, 0.5f, 0.5f};  // per channel on [0, 1] pixels, in tensor channel order
  std::array<float, 3> std{0.5f, 0.5f, 0.5f};
  double flip = 0.5;                    // augmentation probabilities (AdaFace: crop, low-res, photometric 0.2)
  double crop = 0.0;
  double low_resolution = 0.0;
  double photometric = 0.0;
  int loader_threads = 1;
  int prefetch_batches = 4;
};

struct ModelSettings {
  std::string backbone = "ir50";
  std::int64_t embedding_dim = 512;
  double dropout = 0.0;
  bool channels_last = true;  // measured 2.7× faster convolutions on the target CPU
  // Fine-tuning: the weights a new run starts from (an arcface_torch, AdaFace or CVLface file or folder, or a
  // MarginLab run or export; engine/import reads them), instead of a random start. Their architecture must be
  // model.backbone's. "" : a random start.
  std::string init_from;
  // With init_from: take the classifier too (its columns become the head's kernel) when its class count is the
  // data's; otherwise the head starts new, of any kind.
  bool init_classifier = false;
};

struct HeadSettings {
  std::string kind = "adaface";  // a kind of the head registry (`marginlab-cli heads`)
  // By name, as `marginlab-cli heads` lists them: numbers, and the names of choices (ArcFace's form, KappaFace's
  // statistics and formula); absent ones keep the head's defaults. Files that name an older kind
  // ("arcface-legacy") or KappaFace's statistics as head.kappa_statistics are read into kind and choices.
  heads::HeadValues params;
  // Partial FC: the share of the classes outside the batch in each step's softmax (1: all of them), drawn per class
  // and step (engine/distributed/class_sampling.h). For very many classes: arcface_torch uses 0.1–0.3 at millions.
  double sample_rate = 1.0;
  // Live parameters changed at given steps (param_schedule.h): a tuned run's changes, or a warm-up written by hand.
  ParamSchedule schedule;
};

struct OptimizerSettings {
  OptimizerKind kind = OptimizerKind::sgd;
  double lr = 0.1;
  double momentum = 0.9;                      // SGD
  double weight_decay = 5e-4;                 // conv/FC weights and the head kernel; never BatchNorm (AdaFace recipe)
  std::array<double, 2> betas{0.9, 0.999};    // AdamW
  double eps = 1e-8;                          // AdamW
  double clip_grad_norm = 0.0;                // 0: no clipping
  ParamSchedule schedule;                     // the base learning rate ("lr") changed at given steps
  // Fine-tuning: the backbone's learning rate as a multiple of the head's (1: one rate for all), and the steps at the
  // start during which the backbone is frozen (evaluation mode, no gradient) while the new head settles.
  double backbone_lr_scale = 1.0;
  std::int64_t freeze_backbone_steps = 0;
};

struct ScheduleSettings {
  ScheduleKind kind = ScheduleKind::multistep;
  double warmup_epochs = 0.0;           // linear warm-up from 0 to lr (fractional epochs allowed)
  std::vector<double> milestones;       // multistep: epochs at which lr is multiplied by gamma
  double gamma = 0.1;
  double min_lr = 0.0;                  // cosine / poly floor
  double power = 2.0;                   // poly exponent
};

struct TrainSettings {
  std::int64_t epochs = 1;
  std::int64_t max_steps = 0;           // 0: no limit beyond the epochs
  std::int64_t batch_size = 64;
  Precision precision = Precision::fp32;
  DeviceChoice device = DeviceChoice::automatic;
  int threads = 0;                      // intra-op threads; 0: all cores
  std::uint64_t seed = 1;
  // A distributed run's BatchNorm normalises with the global batch's statistics (summed over the ranks in the forward
  // and backward passes) instead of each rank's share; off by default, as in arcface_torch.
  bool sync_batchnorm = false;
  // Ghost BatchNorm: a one-process run normalises its batch in this many equal groups, each with its own statistics:
  // what that many ranks without synchronised BatchNorm compute (a W-rank run reproduced on one device).
  int batchnorm_groups = 1;
  // Processes on this machine that train the run together (one per GPU, or shares of the CPU's cores): `train` and the
  // workbench start them through the launcher (`marginlab-cli launch --nproc`). Ignored when a launcher (torchrun,
  // SLURM, launch) started the process: then the group is the launcher's.
  int processes = 1;
};

struct ReportSettings {
  std::int64_t every_steps = 10;        // telemetry snapshot (per-sample and per-class arrays) interval
  std::int64_t samples = 2048;          // per-sample diagnostics kept for the snapshot (most recent batches)
  std::int64_t histogram_bins = 48;
  std::int64_t save_every_steps = 50;   // snapshots written to the run directory for replay; 0: none
  // Before the first step of a new run: the starting model on the first batches (norms, margins, θ to the class
  // centres; nothing learned) as a snapshot at step 0, and an evaluation. With train.epochs = 0 that is the whole
  // run: a look at how the data sits under a model (an imported one, or model.init_from's).
  bool at_start = false;
};

struct CheckpointSettings {
  std::int64_t every_steps = 500;       // 0: only at the end and at stop
};

struct EvalSettings {
  std::int64_t every_steps = 0;         // verification during training; 0: only at the end
  bool at_end = true;
  // "synthface" (the generator's held-out identities, for a synthface source) or verification files: insightface
  // .bin packs and pair lists. Relative paths are looked up in data.path's folder first (insightface ships
  // lfw.bin, cfp_fp.bin, agedb_30.bin beside train.rec), then in the working directory.
  std::vector<std::string> sets{"synthface"};
  eval::FlipTest flip_test = eval::FlipTest::norm_weighted;
  std::int64_t batch_size = 0;          // 0: train.batch_size
};

struct Experiment {
  std::string name = "experiment";
  std::string description;              // free text: where the recipe comes from, what the run is for
  DataSettings data;
  ModelSettings model;
  HeadSettings head;
  OptimizerSettings optimizer;
  ScheduleSettings schedule;
  TrainSettings train;
  ReportSettings report;
  CheckpointSettings checkpoint;
  EvalSettings eval;
  std::string runs_dir = "runs";        // where run directories are created (relative to the working directory)
};

// `origin` names the file (or "--set") in error messages. Throws marginlab::InvalidParameter.
Experiment experiment_from_json(const nlohmann::json& json, const std::string& origin);
nlohmann::json to_json(const Experiment& experiment);  // every key, defaults included
nlohmann::json to_json(const heads::HeadValues& values);  // {"m": 0.5, "form": "legacy"}
// The file's JSON, unchecked (to apply overrides before reading it); InvalidFile when unreadable / not JSON.
nlohmann::json read_experiment_document(const std::string& path);
Experiment load_experiment(const std::string& path);  // read_experiment_document + experiment_from_json
void save_experiment(const Experiment& experiment, const std::string& path);

// Applies "a.b.c=value" overrides (value parsed as JSON when it is JSON, else taken as a string) to a document
// before it is read, so overrides go through the same validation as the file.
void apply_override(nlohmann::json& document, const std::string& assignment);

// Checks what one field alone cannot: the head kind and its parameter names, types and ranges (the head registry), the
// backbone kind, the evaluation sets against the source, the SynthFace settings together. experiment_from_json
// calls it; the workbench calls it on every edit.
void check_experiment(const Experiment& experiment, const std::string& origin);

// `data.synthface` as the generator's settings (unknown keys and bad values name themselves); the image side comes
// from data.image_size so that the generator renders at the size the network sees.
data::SynthFaceConfig synthface_config(const DataSettings& data, const std::string& origin);

std::string to_string(Precision precision);
std::string to_string(DeviceChoice device);
// "auto", "cpu" or "cuda" (train.device's values, the CLI's --device); InvalidParameter naming `origin` otherwise.
DeviceChoice device_choice_from_string(const std::string& name, const std::string& origin);

}  // namespace marginlab::train
