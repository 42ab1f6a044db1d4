<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AdaFaceMarginPlot</name>
    <message>
        <source>AdaFace margin functions</source>
        <translation>AdaFace 间隔函数</translation>
    </message>
    <message>
        <source>margin term (g_angular: rad, g_additive: cos)</source>
        <translation>间隔项（g_angular：rad，g_additive：cos）</translation>
    </message>
    <message>
        <source>normalised norm ẑ</source>
        <translation>归一化范数 ẑ</translation>
    </message>
    <message>
        <source>No data yet: waiting for the first report</source>
        <translation>暂无数据：等待第一次报告</translation>
    </message>
    <message>
        <source>AdaFace only: this run trains %1</source>
        <translation>仅适用于 AdaFace：本次运行训练的是 %1</translation>
    </message>
    <message>
        <source>another head</source>
        <translation>其他分类头</translation>
    </message>
    <message>
        <source>AdaFace&apos;s m and h are not known yet</source>
        <translation>AdaFace 的 m 和 h 尚未获知</translation>
    </message>
    <message>
        <source>feature norm ‖z‖</source>
        <translation>特征范数 ‖z‖</translation>
    </message>
    <message>
        <source>m = %1, h = %2</source>
        <translation>m = %1, h = %2</translation>
    </message>
    <message>
        <source>  ·  EMA μ = %1, σ = %2</source>
        <translation>  ·  EMA μ = %1, σ = %2</translation>
    </message>
    <message>
        <source>normalised norm ẑ (EMA norm μ, σ unknown: plotted against ẑ, not ‖z‖)</source>
        <translation>归一化范数 ẑ（范数的 EMA μ、σ 未知：横轴为 ẑ 而非 ‖z‖）</translation>
    </message>
    <message>
        <source>g_angular</source>
        <translation>g_angular</translation>
    </message>
    <message>
        <source>g_additive</source>
        <translation>g_additive</translation>
    </message>
    <message>
        <source>samples g_angular</source>
        <translation>样本 g_angular</translation>
    </message>
    <message>
        <source>samples g_additive</source>
        <translation>样本 g_additive</translation>
    </message>
    <message>
        <source>g_angular = −m·ẑ (rad, on θ)</source>
        <translation>g_angular = −m·ẑ（rad，加在 θ 上）</translation>
    </message>
    <message>
        <source>g_additive = m(1+ẑ) (on cos)</source>
        <translation>g_additive = m(1+ẑ)（从 cos 中减去）</translation>
    </message>
    <message>
        <source>samples: g_angular</source>
        <translation>样本：g_angular</translation>
    </message>
    <message>
        <source>samples: g_additive</source>
        <translation>样本：g_additive</translation>
    </message>
</context>
<context>
    <name>AngleDistributionPlot</name>
    <message>
        <source>Angle to the own class centre by difficulty and quality</source>
        <translation>按难度和质量划分的到自身类中心的夹角</translation>
    </message>
    <message>
        <source>Hard:</source>
        <translation>困难：</translation>
    </message>
    <message>
        <source>misclassified by the cosine classifier</source>
        <translation>被余弦分类器误分类</translation>
    </message>
    <message>
        <source>θ above</source>
        <translation>θ 大于</translation>
    </message>
    <message>
        <source>Low quality:</source>
        <translation>低质量：</translation>
    </message>
    <message>
        <source>q &lt; </source>
        <translation>q &lt; </translation>
    </message>
    <message>
        <source>‖z‖ below percentile </source>
        <translation>‖z‖ 低于百分位 </translation>
    </message>
    <message>
        <source>θ to own class centre (degrees)</source>
        <translation>到自身类中心的 θ（度）</translation>
    </message>
    <message>
        <source>density per degree (area 1 per group)</source>
        <translation>每度密度（每组面积为 1）</translation>
    </message>
    <message>
        <source>easy · low quality</source>
        <translation>简单 · 低质量</translation>
    </message>
    <message>
        <source>easy · high quality</source>
        <translation>简单 · 高质量</translation>
    </message>
    <message>
        <source>hard · low quality</source>
        <translation>困难 · 低质量</translation>
    </message>
    <message>
        <source>hard · high quality</source>
        <translation>困难 · 高质量</translation>
    </message>
    <message>
        <source>Waiting for the first snapshot of the run</source>
        <translation>等待本次运行的第一个快照</translation>
    </message>
    <message>
        <source>No labelled samples in the window yet</source>
        <translation>窗口中尚无带标签的样本</translation>
    </message>
    <message>
        <source>using the data source&apos;s true quality q</source>
        <translation>使用数据源的真实质量 q</translation>
    </message>
    <message>
        <source>quality unknown for this source: feature norm ‖z‖ &lt; %1 counts as low</source>
        <translation>此数据源的质量未知：特征范数 ‖z‖ &lt; %1 视为低质量</translation>
    </message>
    <message>
        <source> · %1 samples without a quality left out</source>
        <translation> · 已略去 %1 个无质量信息的样本</translation>
    </message>
    <message>
        <source>%1 (n = %2)</source>
        <translation>%1 (n = %2)</translation>
    </message>
</context>
<context>
    <name>BenchmarkRocPlot</name>
    <message>
        <source>IJB ROC</source>
        <translation>IJB ROC 曲线</translation>
    </message>
    <message>
        <source>Benchmark:</source>
        <translation>基准：</translation>
    </message>
    <message>
        <source>IJB target and N/D/F mode (N1: raw norms, D1: weighted by the detector score, F1: the mirror image added)</source>
        <translation>IJB 目标与 N/D/F 模式（N1：保留原始范数，D1：按检测器得分加权，F1：加上镜像图像）</translation>
    </message>
    <message>
        <source>false accept rate (FAR, log scale)</source>
        <translation>误接受率（FAR，对数刻度）</translation>
    </message>
    <message>
        <source>true accept rate (TAR)</source>
        <translation>真接受率（TAR）</translation>
    </message>
    <message>
        <source>No IJB results in the open runs:
marginlab-cli ijb --root DIR --target IJBC --checkpoint RUN</source>
        <translation>打开的运行中没有 IJB 结果：
marginlab-cli ijb --root DIR --target IJBC --checkpoint RUN</translation>
    </message>
    <message>
        <source>%1 (TAR@1e-4 %2%)</source>
        <translation>%1（TAR@1e-4 %2%）</translation>
    </message>
</context>
<context>
    <name>BenchmarkTable</name>
    <message>
        <source>run / published</source>
        <translation>运行 / 已发表</translation>
    </message>
    <message>
        <source>benchmark</source>
        <translation>基准</translation>
    </message>
    <message>
        <source>protocol</source>
        <translation>协议</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <source>TAR (%)
@%1</source>
        <translation>TAR (%)
@%1</translation>
    </message>
    <message>
        <source>rank-%1
(%)</source>
        <translation>rank-%1
(%)</translation>
    </message>
    <message>
        <source>IJB 1:1: true accept rate at the false accept rate nearest %1 on the thinned ROC, as eval_ijbc.py reads it (the papers&apos; tables)</source>
        <translation>IJB 1:1：在精简后的 ROC 上误接受率最接近 %1 处的真接受率，与 eval_ijbc.py 的读法相同（论文表格所用）</translation>
    </message>
    <message>
        <source>Identification: share of searches with a mate among the first %1 (IJB 1:N, TinyFace)</source>
        <translation>识别：前 %1 名中包含同一身份的检索所占比例（IJB 1:N，TinyFace）</translation>
    </message>
    <message>
        <source>No benchmark results in the open runs. Compute them with marginlab-cli ijb --root DIR --target IJBC --checkpoint RUN, or marginlab-cli tinyface --root DIR --checkpoint RUN (docs/benchmarks.md); they appear here as the run records them.</source>
        <translation>打开的运行中没有基准结果。请用 marginlab-cli ijb --root DIR --target IJBC --checkpoint RUN 或 marginlab-cli tinyface --root DIR --checkpoint RUN 计算（见 docs/benchmarks.md）；运行记录后即显示在此。</translation>
    </message>
    <message>
        <source>In italics: published numbers of the same backbone depth (and training set, where the run&apos;s data names one); hover a row for its source and protocol.</source>
        <translation>斜体：相同骨干网络深度（若运行的数据指明了训练集，则还要求训练集相同）的已发表数值；将鼠标悬停在行上可查看来源和协议。</translation>
    </message>
    <message>
        <source>No published numbers for these backbones: the papers report IResNet-50 and -100.</source>
        <translation>这些骨干网络没有已发表数值：论文报告的是 IResNet-50 和 -100。</translation>
    </message>
</context>
<context>
    <name>ClassDetails</name>
    <message>
        <source>images</source>
        <translation>图像数</translation>
    </message>
    <message>
        <source>size rank</source>
        <translation>规模排名</translation>
    </message>
    <message>
        <source>concentration κ</source>
        <translation>集中度 κ</translation>
    </message>
    <message>
        <source>margin weight ψ</source>
        <translation>间隔权重 ψ</translation>
    </message>
    <message>
        <source>margin m₀·ψ</source>
        <translation>间隔 m₀·ψ</translation>
    </message>
    <message>
        <source>mean θ to own centre</source>
        <translation>到自身中心的平均 θ</translation>
    </message>
    <message>
        <source>No sample images</source>
        <translation>无样本图像</translation>
    </message>
    <message>
        <source>Class details</source>
        <translation>类别详情</translation>
    </message>
    <message>
        <source>No class selected: click a point of the κ plot or a row of the class table</source>
        <translation>未选择类别：请点击 κ 图中的点或类别表中的一行</translation>
    </message>
    <message>
        <source>Class %1</source>
        <translation>类别 %1</translation>
    </message>
    <message>
        <source>No class sizes yet: waiting for the first snapshot</source>
        <translation>尚无类别规模：等待第一个快照</translation>
    </message>
    <message>
        <source>Class %1 is not in this run (classes 0 to %2)</source>
        <translation>类别 %1 不在本次运行中（类别 0 至 %2）</translation>
    </message>
    <message>
        <source>%1 of %2 (1 = largest)</source>
        <translation>第 %1 / %2（1 = 最大）</translation>
    </message>
    <message>
        <source> · %1 classes have this size</source>
        <translation> · 共有 %1 个类别为此规模</translation>
    </message>
    <message>
        <source>%1 (one image: not estimable)</source>
        <translation>%1（仅一张图像：无法估计）</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>%1 rad (%2°)</source>
        <translation>%1 rad (%2°)</translation>
    </message>
    <message>
        <source>%1°</source>
        <translation>%1°</translation>
    </message>
    <message>
        <source>not among the recent samples</source>
        <translation>不在近期样本中</translation>
    </message>
    <message>
        <source>unreadable</source>
        <translation>无法读取</translation>
    </message>
</context>
<context>
    <name>ClassSizePlot</name>
    <message>
        <source>Images per class</source>
        <translation>每类图像数</translation>
    </message>
    <message>
        <source>images per class (log scale, log-spaced bins)</source>
        <translation>每类图像数（对数刻度，对数间隔分箱）</translation>
    </message>
    <message>
        <source>classes per decade of size</source>
        <translation>每个数量级内的类别数</translation>
    </message>
    <message>
        <source>Waiting for the first snapshot of the run</source>
        <translation>等待本次运行的第一个快照</translation>
    </message>
    <message>
        <source>The data source reported no class sizes</source>
        <translation>数据源未报告类别规模</translation>
    </message>
    <message>
        <source>Every class is empty</source>
        <translation>所有类别均为空</translation>
    </message>
    <message>
        <source>%1 classes · %2 to %3 images per class · median %4 · imbalance max/min = %5×</source>
        <translation>%1 个类别 · 每类 %2 至 %3 张图像 · 中位数 %4 · 不平衡度 最大/最小 = %5×</translation>
    </message>
    <message>
        <source> · %1 empty classes not shown</source>
        <translation> · 未显示 %1 个空类别</translation>
    </message>
</context>
<context>
    <name>ClassTable</name>
    <message>
        <source>class</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>images n</source>
        <translation>图像数 n</translation>
    </message>
    <message>
        <source>κ</source>
        <translation>κ</translation>
    </message>
    <message>
        <source>r</source>
        <translation>r</translation>
    </message>
    <message>
        <source>ψ</source>
        <translation>ψ</translation>
    </message>
    <message>
        <source>margin (rad)</source>
        <translation>间隔（rad）</translation>
    </message>
    <message>
        <source>margin (°)</source>
        <translation>间隔（°）</translation>
    </message>
    <message>
        <source>mean θ (°)</source>
        <translation>平均 θ（°）</translation>
    </message>
    <message>
        <source>Class index (label) in the training set</source>
        <translation>训练集中的类别索引（标签）</translation>
    </message>
    <message>
        <source>Images of the class in the training set</source>
        <translation>该类别在训练集中的图像数</translation>
    </message>
    <message>
        <source>Estimated von Mises–Fisher concentration κ of the class&apos;s features</source>
        <translation>该类别特征的 von Mises–Fisher 集中度 κ 的估计值</translation>
    </message>
    <message>
        <source>Mean resultant length r of the class&apos;s unit features (κ is estimated from it)</source>
        <translation>该类别单位特征的平均合成向量长度 r（κ 由其估计）</translation>
    </message>
    <message>
        <source>KappaFace&apos;s margin weight ψ, mixing concentration and population weights</source>
        <translation>KappaFace 的间隔权重 ψ，由集中度权重与样本数权重混合而成</translation>
    </message>
    <message>
        <source>Angular margin m₀·ψ the class gets</source>
        <translation>该类别得到的角度间隔 m₀·ψ</translation>
    </message>
    <message>
        <source>Mean angle to the own class centre over the recent sample window; blank when the class was not among those samples</source>
        <translation>近期样本窗口内到自身类中心的平均夹角；该类别不在这些样本中时为空</translation>
    </message>
    <message>
        <source>Waiting for the first snapshot of the run</source>
        <translation>等待本次运行的第一个快照</translation>
    </message>
    <message>
        <source>classes: %1 · KappaFace statistics of refresh %2 · click a header to sort</source>
        <translation>类别：%1 · 第 %2 次刷新的 KappaFace 统计量 · 点击表头可排序</translation>
    </message>
    <message>
        <source>classes: %1 · no κ yet: KappaFace computes it at the first refresh</source>
        <translation>类别：%1 · 尚无 κ：KappaFace 在首次刷新时计算</translation>
    </message>
    <message>
        <source>classes: %1 · %2 has no per-class κ: sizes and mean θ only</source>
        <translation>类别：%1 · %2 没有逐类别 κ：仅显示规模和平均 θ</translation>
    </message>
</context>
<context>
    <name>EvaluationTable</name>
    <message>
        <source>set</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>stratum</source>
        <translation>分层</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <source>pairs</source>
        <translation>样本对</translation>
    </message>
    <message>
        <source>accuracy (%)</source>
        <translation>准确率（%）</translation>
    </message>
    <message>
        <source>AUC</source>
        <translation>AUC</translation>
    </message>
    <message>
        <source>EER (%)</source>
        <translation>EER（%）</translation>
    </message>
    <message>
        <source>TAR@FAR=%1 (%)</source>
        <translation>TAR@FAR=%1（%）</translation>
    </message>
    <message>
        <source>k-fold verification accuracy: mean ± std over the folds</source>
        <translation>k 折验证准确率：各折的均值 ± 标准差</translation>
    </message>
    <message>
        <source>Equal error rate: where false accepts and false rejects are equally frequent</source>
        <translation>等错误率：误接受与误拒绝频率相等时的错误率</translation>
    </message>
    <message>
        <source>True accept rate at a false accept rate of %1</source>
        <translation>误接受率为 %1 时的真接受率</translation>
    </message>
    <message>
        <source>%1 genuine, %2 impostor pairs</source>
        <translation>%1 个正样本对，%2 个负样本对</translation>
    </message>
    <message>
        <source>%1 ± %2</source>
        <translation>%1 ± %2</translation>
    </message>
    <message>
        <source>mean best threshold over the folds: cosine %1</source>
        <translation>各折最佳阈值的均值：余弦 %1</translation>
    </message>
    <message>
        <source>Not computed in this evaluation</source>
        <translation>本次评估未计算</translation>
    </message>
    <message>
        <source>Unsupported: FAR %1 needs at least %2 impostor pairs (1/FAR); this stratum has %3</source>
        <translation>不支持：FAR %1 至少需要 %2 个负样本对（1/FAR）；此分层只有 %3 个</translation>
    </message>
    <message>
        <source>No ROC: needs both genuine and impostor pairs</source>
        <translation>无 ROC：需要同时有正样本对和负样本对</translation>
    </message>
    <message>
        <source>TAR %1% at FAR %2 (accepting cosine ≥ %3)</source>
        <translation>FAR %2 时 TAR 为 %1%（接受余弦 ≥ %3）</translation>
    </message>
    <message>
        <source>strata by %1</source>
        <translation>按 %1 分层</translation>
    </message>
    <message>
        <source>flip test: %1</source>
        <translation>翻转测试：%1</translation>
    </message>
    <message>
        <source>Spearman ρ(norm, quality) = %1</source>
        <translation>Spearman ρ(范数, 质量) = %1</translation>
    </message>
    <message>
        <source>%1 of %2 images unreadable</source>
        <translation>%2 张图像中有 %1 张无法读取</translation>
    </message>
    <message>
        <source> (e.g. %1)</source>
        <translation> (例如 %1)</translation>
    </message>
    <message>
        <source>pairs dropped: %1</source>
        <translation>丢弃的样本对：%1</translation>
    </message>
    <message>
        <source>stratum %1 left out (pairs: %2, fewer than the folds)</source>
        <translation>已略去分层 %1（样本对：%2，少于折数）</translation>
    </message>
    <message>
        <source>No validation results yet.</source>
        <translation>尚无验证结果。</translation>
    </message>
</context>
<context>
    <name>ExperimentField</name>
    <message>
        <source>32-bit floats everywhere</source>
        <translation>全部使用 32 位浮点数</translation>
    </message>
    <message>
        <source>fp16 autocast on CUDA; the head stays in fp32</source>
        <translation>在 CUDA 上使用 fp16 自动混合精度；分类头保持 fp32</translation>
    </message>
    <message>
        <source>bf16 autocast on CUDA; the head stays in fp32</source>
        <translation>在 CUDA 上使用 bf16 自动混合精度；分类头保持 fp32</translation>
    </message>
    <message>
        <source>CUDA when available, else the CPU</source>
        <translation>有 CUDA 时使用 CUDA，否则使用 CPU</translation>
    </message>
    <message>
        <source>The CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>The first CUDA GPU</source>
        <translation>第一块 CUDA GPU</translation>
    </message>
    <message>
        <source>SGD with momentum (the face-recognition recipes)</source>
        <translation>带动量的 SGD（人脸识别的常用配方）</translation>
    </message>
    <message>
        <source>AdamW</source>
        <translation>AdamW</translation>
    </message>
    <message>
        <source>Constant after the warm-up</source>
        <translation>预热后保持不变</translation>
    </message>
    <message>
        <source>Multiplied by gamma at each milestone epoch</source>
        <translation>在每个里程碑轮次乘以 gamma</translation>
    </message>
    <message>
        <source>Cosine decay to the minimum learning rate</source>
        <translation>余弦衰减至最小学习率</translation>
    </message>
    <message>
        <source>Polynomial decay to the minimum learning rate</source>
        <translation>多项式衰减至最小学习率</translation>
    </message>
    <message>
        <source>The image alone</source>
        <translation>仅使用原图</translation>
    </message>
    <message>
        <source>unit(u + u_flip): both views count equally</source>
        <translation>unit(u + u_flip)：两个视图权重相同</translation>
    </message>
    <message>
        <source>The sum of the raw features: the higher-norm view dominates (insightface, AdaFace)</source>
        <translation>原始特征之和：范数较大的视图占主导（insightface、AdaFace）</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Names the run directories; no &apos;/&apos;</source>
        <translation>用于命名运行目录；不能包含 &apos;/&apos;</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <source>Where the recipe comes from, what the run is for</source>
        <translation>配方的来源，以及本次运行的目的</translation>
    </message>
    <message>
        <source>Runs folder</source>
        <translation>运行文件夹</translation>
    </message>
    <message>
        <source>Where run directories are created (relative to the working directory)</source>
        <translation>创建运行目录的位置（相对于工作目录）</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>数据源</translation>
    </message>
    <message>
        <source>Where the training images come from</source>
        <translation>训练图像的来源</translation>
    </message>
    <message>
        <source>Synthetic faces with known identity and image quality</source>
        <translation>身份和图像质量已知的合成人脸</translation>
    </message>
    <message>
        <source>A folder with one subfolder of images per identity</source>
        <translation>每个身份对应一个图像子文件夹的文件夹</translation>
    </message>
    <message>
        <source>An insightface train.rec (with train.idx beside it)</source>
        <translation>insightface 的 train.rec（同目录下需有 train.idx）</translation>
    </message>
    <message>
        <source>Path</source>
        <translation>路径</translation>
    </message>
    <message>
        <source>The dataset: a folder of identity folders, or a folder with train.rec and train.idx</source>
        <translation>数据集：每个身份一个子文件夹的文件夹，或含 train.rec 与 train.idx 的文件夹</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Generator seed: identities, images and pairs</source>
        <translation>生成器种子：决定身份、图像和样本对</translation>
    </message>
    <message>
        <source>Identities</source>
        <translation>身份数</translation>
    </message>
    <message>
        <source>Training identities (classes)</source>
        <translation>训练身份（类别）数</translation>
    </message>
    <message>
        <source>Max images per identity</source>
        <translation>每个身份的最大图像数</translation>
    </message>
    <message>
        <source>Size of the largest class</source>
        <translation>最大类别的规模</translation>
    </message>
    <message>
        <source>Imbalance ratio</source>
        <translation>不平衡比</translation>
    </message>
    <message>
        <source>Largest over smallest class size (power-law long tail); at most the max images per identity</source>
        <translation>最大与最小类别规模之比（幂律长尾）；不超过每个身份的最大图像数</translation>
    </message>
    <message>
        <source>Low-quality fraction</source>
        <translation>低质量比例</translation>
    </message>
    <message>
        <source>Weight of the low-quality part of the quality mixture</source>
        <translation>质量混合分布中低质量部分的权重</translation>
    </message>
    <message>
        <source>Family size</source>
        <translation>家族大小</translation>
    </message>
    <message>
        <source>Identities per family of near-twins; 1 makes every identity unrelated</source>
        <translation>每个近似双胞胎家族的身份数；1 表示各身份互不相关</translation>
    </message>
    <message>
        <source>Identity spread</source>
        <translation>身份离散度</translation>
    </message>
    <message>
        <source>How far family members stray from their family&apos;s prototype</source>
        <translation>家族成员偏离家族原型的程度</translation>
    </message>
    <message>
        <source>Verification identities</source>
        <translation>验证身份数</translation>
    </message>
    <message>
        <source>Held-out identities for the verification pairs</source>
        <translation>用于验证样本对的留出身份</translation>
    </message>
    <message>
        <source>Pairs per stratum</source>
        <translation>每个分层的样本对数</translation>
    </message>
    <message>
        <source>Verification pairs per quality stratum, half genuine</source>
        <translation>每个质量分层的验证样本对数，其中一半为正样本对</translation>
    </message>
    <message>
        <source>Image size</source>
        <translation>图像尺寸</translation>
    </message>
    <message>
        <source>Square side the network sees (multiple of 16)</source>
        <translation>网络输入的正方形边长（16 的倍数）</translation>
    </message>
    <message>
        <source>Colour order</source>
        <translation>颜色通道顺序</translation>
    </message>
    <message>
        <source>Channel order of the tensors the network sees</source>
        <translation>网络输入张量的通道顺序</translation>
    </message>
    <message>
        <source>Mean</source>
        <translation>均值</translation>
    </message>
    <message>
        <source>Per channel on [0, 1] pixels, in tensor order</source>
        <translation>逐通道，针对 [0, 1] 范围的像素值，按张量通道顺序</translation>
    </message>
    <message>
        <source>Std</source>
        <translation>标准差</translation>
    </message>
    <message>
        <source>Flip probability</source>
        <translation>翻转概率</translation>
    </message>
    <message>
        <source>Probability of a horizontal flip</source>
        <translation>水平翻转的概率</translation>
    </message>
    <message>
        <source>Crop probability</source>
        <translation>裁剪概率</translation>
    </message>
    <message>
        <source>Probability of a random crop (AdaFace: 0.2)</source>
        <translation>随机裁剪的概率（AdaFace：0.2）</translation>
    </message>
    <message>
        <source>Low-resolution probability</source>
        <translation>低分辨率概率</translation>
    </message>
    <message>
        <source>Probability of down- and up-sampling (AdaFace: 0.2)</source>
        <translation>先下采样再上采样的概率（AdaFace：0.2）</translation>
    </message>
    <message>
        <source>Photometric probability</source>
        <translation>光度变换概率</translation>
    </message>
    <message>
        <source>Probability of a brightness/contrast/saturation jitter (AdaFace: 0.2)</source>
        <translation>亮度/对比度/饱和度抖动的概率（AdaFace：0.2）</translation>
    </message>
    <message>
        <source>Loader threads</source>
        <translation>加载线程数</translation>
    </message>
    <message>
        <source>Threads decoding and augmenting images</source>
        <translation>解码和增强图像的线程数</translation>
    </message>
    <message>
        <source>Prefetch batches</source>
        <translation>预取批次数</translation>
    </message>
    <message>
        <source>Batches prepared ahead of the trainer</source>
        <translation>提前为训练器准备的批次数</translation>
    </message>
    <message>
        <source>Backbone</source>
        <translation>骨干网络</translation>
    </message>
    <message>
        <source>Backbone network (marginlab-cli model-info lists them)</source>
        <translation>主干网络（marginlab-cli model-info 列出全部）</translation>
    </message>
    <message>
        <source>Embedding dimension</source>
        <translation>嵌入维度</translation>
    </message>
    <message>
        <source>Length of the face embedding</source>
        <translation>人脸嵌入的长度</translation>
    </message>
    <message>
        <source>Dropout</source>
        <translation>Dropout</translation>
    </message>
    <message>
        <source>Dropout before the embedding layer</source>
        <translation>嵌入层之前的 Dropout</translation>
    </message>
    <message>
        <source>Channels-last memory format</source>
        <translation>Channels-last 内存格式</translation>
    </message>
    <message>
        <source>NHWC convolutions: usually much faster on CPUs</source>
        <translation>NHWC 卷积：在 CPU 上通常快得多</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Margin loss (marginlab-cli heads lists them)</source>
        <translation>边距损失（marginlab-cli heads 列出全部）</translation>
    </message>
    <message>
        <source>Optimiser</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Base learning rate; the schedule scales it. Live: can change while a run goes</source>
        <translation>基础学习率；调度器按其缩放。可实时调整：运行中可更改</translation>
    </message>
    <message>
        <source>Momentum</source>
        <translation>动量</translation>
    </message>
    <message>
        <source>SGD momentum</source>
        <translation>SGD 动量</translation>
    </message>
    <message>
        <source>Betas</source>
        <translation>β 参数</translation>
    </message>
    <message>
        <source>AdamW β1, β2</source>
        <translation>AdamW β1、β2</translation>
    </message>
    <message>
        <source>Epsilon</source>
        <translation>Epsilon</translation>
    </message>
    <message>
        <source>AdamW ε</source>
        <translation>AdamW ε</translation>
    </message>
    <message>
        <source>Weight decay</source>
        <translation>权重衰减</translation>
    </message>
    <message>
        <source>On conv/FC weights and the head kernel; never on BatchNorm</source>
        <translation>作用于卷积/全连接层权重和分类头的权重矩阵；从不作用于 BatchNorm</translation>
    </message>
    <message>
        <source>Clip gradient norm</source>
        <translation>梯度范数裁剪</translation>
    </message>
    <message>
        <source>Global gradient-norm clip; 0: no clipping</source>
        <translation>全局梯度范数裁剪；0：不裁剪</translation>
    </message>
    <message>
        <source>How the learning rate changes over the epochs</source>
        <translation>学习率随轮次的变化方式</translation>
    </message>
    <message>
        <source>Warm-up</source>
        <translation>预热</translation>
    </message>
    <message>
        <source>Linear warm-up from 0 (fractional epochs allowed)</source>
        <translation>从 0 开始线性预热（允许非整数轮数）</translation>
    </message>
    <message>
        <source>Milestones</source>
        <translation>里程碑</translation>
    </message>
    <message>
        <source>Epochs at which the learning rate is multiplied by gamma, comma separated</source>
        <translation>学习率乘以 gamma 的轮次，以逗号分隔</translation>
    </message>
    <message>
        <source>Gamma</source>
        <translation>Gamma</translation>
    </message>
    <message>
        <source>Factor at each milestone, in (0, 1]</source>
        <translation>每个里程碑处的乘数，取值范围 (0, 1]</translation>
    </message>
    <message>
        <source>Minimum learning rate</source>
        <translation>最小学习率</translation>
    </message>
    <message>
        <source>Floor of the cosine / polynomial decay</source>
        <translation>余弦/多项式衰减的下限</translation>
    </message>
    <message>
        <source>Power</source>
        <translation>幂次</translation>
    </message>
    <message>
        <source>Exponent of the polynomial decay</source>
        <translation>多项式衰减的指数</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>轮数</translation>
    </message>
    <message>
        <source>Max steps</source>
        <translation>最大步数</translation>
    </message>
    <message>
        <source>Stop after this many steps; 0: no limit</source>
        <translation>达到此步数后停止；0：不限制</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>Images per step</source>
        <translation>每步的图像数</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Where the model runs</source>
        <translation>模型运行的设备</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>精度</translation>
    </message>
    <message>
        <source>Arithmetic precision</source>
        <translation>运算精度</translation>
    </message>
    <message>
        <source>Threads</source>
        <translation>线程数</translation>
    </message>
    <message>
        <source>Intra-op threads; 0: all cores</source>
        <translation>算子内线程数；0：使用全部核心</translation>
    </message>
    <message>
        <source>Seed of the initialisation, shuffling and augmentation</source>
        <translation>用于初始化、数据打乱和数据增强的随机种子</translation>
    </message>
    <message>
        <source>Snapshot every</source>
        <translation>快照间隔</translation>
    </message>
    <message>
        <source>Steps between snapshots of the per-sample and per-class diagnostics</source>
        <translation>逐样本和逐类别诊断快照之间间隔的步数</translation>
    </message>
    <message>
        <source>Samples per snapshot</source>
        <translation>每个快照的样本数</translation>
    </message>
    <message>
        <source>Most recent samples kept for a snapshot</source>
        <translation>快照保留的最近样本数</translation>
    </message>
    <message>
        <source>Histogram bins</source>
        <translation>直方图分箱数</translation>
    </message>
    <message>
        <source>Bins of the feature-norm histogram</source>
        <translation>特征范数直方图的分箱数</translation>
    </message>
    <message>
        <source>Save snapshot every</source>
        <translation>保存快照间隔</translation>
    </message>
    <message>
        <source>Snapshots written to the run directory for replay; 0: none</source>
        <translation>写入运行目录以供回放的快照间隔；0：不写入</translation>
    </message>
    <message>
        <source>Checkpoint every</source>
        <translation>检查点间隔</translation>
    </message>
    <message>
        <source>0: only at the end and at stop</source>
        <translation>0：仅在结束和停止时保存</translation>
    </message>
    <message>
        <source>Evaluate every</source>
        <translation>评估间隔</translation>
    </message>
    <message>
        <source>Verification during training; 0: only at the end</source>
        <translation>训练期间的验证间隔；0：仅在结束时验证</translation>
    </message>
    <message>
        <source>Evaluate at the end of the run</source>
        <translation>运行结束时进行评估</translation>
    </message>
    <message>
        <source>Verification on every set when the run ends</source>
        <translation>运行结束时在每个集合上做验证</translation>
    </message>
    <message>
        <source>Validation sets</source>
        <translation>验证集</translation>
    </message>
    <message>
        <source>Flip test</source>
        <translation>翻转测试</translation>
    </message>
    <message>
        <source>How an embedding is combined with its mirror image&apos;s</source>
        <translation>嵌入与其镜像图像的嵌入的组合方式</translation>
    </message>
    <message>
        <source>0: the training batch size</source>
        <translation>0：使用训练批大小</translation>
    </message>
    <message>
        <source>px</source>
        <translation>像素</translation>
    </message>
    <message>
        <source>epochs</source>
        <translation>轮</translation>
    </message>
    <message>
        <source>steps</source>
        <translation>步</translation>
    </message>
    <message>
        <source>images</source>
        <translation>张图像</translation>
    </message>
    <message>
        <source>Synchronised BatchNorm</source>
        <translation>同步 BatchNorm</translation>
    </message>
    <message>
        <source>Distributed runs: BatchNorm statistics of the global batch rather than each rank&apos;s share</source>
        <translation>分布式训练：BatchNorm 使用全局批次的统计量，而非各进程各自的部分</translation>
    </message>
    <message>
        <source>Sample rate</source>
        <translation>采样率</translation>
    </message>
    <message>
        <source>Partial FC: share of the other classes in each step&apos;s softmax; the batch&apos;s classes always</source>
        <translation>Partial FC：每步 softmax 中其他类别所占的比例；批次中的类别总是包含在内</translation>
    </message>
    <message>
        <source>BatchNorm groups</source>
        <translation>BatchNorm 分组数</translation>
    </message>
    <message>
        <source>One process: BatchNorm statistics per group of the batch, as that many ranks compute them</source>
        <translation>单进程：按批次的每个分组计算 BatchNorm 统计量，与相同数量的进程各自计算的一致</translation>
    </message>
    <message>
        <source>Parameter schedule</source>
        <translation>参数计划</translation>
    </message>
    <message>
        <source>Head parameters changed at given steps, in force from the next step (&quot;0: m=0; 2000: m=0.4&quot;); the changes made while a run goes are recorded here</source>
        <translation>在指定步数修改的头部参数，自下一步起生效（&quot;0: m=0; 2000: m=0.4&quot;）；运行中所做的修改记录于此</translation>
    </message>
    <message>
        <source>Learning-rate changes</source>
        <translation>学习率修改</translation>
    </message>
    <message>
        <source>The base learning rate changed at given steps (&quot;5000: lr=0.01&quot;), in force from the next step; the schedule keeps scaling it</source>
        <translation>在指定步数修改的基础学习率（&quot;5000: lr=0.01&quot;），自下一步起生效；学习率调度继续对其缩放</translation>
    </message>
    <message>
        <source>Processes</source>
        <translation>进程数</translation>
    </message>
    <message>
        <source>Processes on this machine training the run together (one per GPU); started through the launcher</source>
        <translation>本机上共同训练此运行的进程数（每个 GPU 一个）；通过启动器启动</translation>
    </message>
    <message>
        <source>Start from weights</source>
        <translation>从权重开始</translation>
    </message>
    <message>
        <source>Fine-tune: the weights the run starts from (arcface_torch .pth or shards, AdaFace .ckpt, CVLface safetensors, a MarginLab run); empty: a random start</source>
        <translation>微调：运行开始时载入的权重（arcface_torch 的 .pth 或分片、AdaFace 的 .ckpt、CVLface 的 safetensors、MarginLab 运行）；留空：随机初始化</translation>
    </message>
    <message>
        <source>Take its classifier</source>
        <translation>同时采用其分类器</translation>
    </message>
    <message>
        <source>Start the head&apos;s class centres from the weights&apos; classifier (same classes as the data)</source>
        <translation>用权重中的分类器作为头部的类中心初值（类别须与数据相同）</translation>
    </message>
    <message>
        <source>Backbone lr scale</source>
        <translation>主干学习率倍数</translation>
    </message>
    <message>
        <source>Fine-tune: the backbone&apos;s learning rate as a multiple of the head&apos;s</source>
        <translation>微调：主干网络的学习率为头部学习率的倍数</translation>
    </message>
    <message>
        <source>Freeze backbone for</source>
        <translation>冻结主干的步数</translation>
    </message>
    <message>
        <source>Fine-tune: steps at the start during which only the head learns (the backbone frozen, BatchNorm statistics included)</source>
        <translation>微调：开始时只训练头部的步数（主干冻结，包括 BatchNorm 统计量）</translation>
    </message>
    <message>
        <source>Passes over the training data; 0 with &quot;Report the start&quot;: only look</source>
        <translation>遍历训练数据的次数；为 0 且勾选“报告起点”时：只查看不训练</translation>
    </message>
    <message>
        <source>Report the start</source>
        <translation>报告起点</translation>
    </message>
    <message>
        <source>Before the first step: the starting model&apos;s norms, margins and θ on the first batches, and an evaluation</source>
        <translation>第一步之前：起始模型在前几个批次上的范数、间隔与 θ，以及一次评估</translation>
    </message>
    <message>
        <source>&quot;synthface&quot; (held-out SynthFace identities), &quot;synthface-closed&quot; (closed-set accuracy by class size on unseen images of the training identities) or verification files: insightface .bin packs and pair lists. Relative paths are looked up beside the dataset first.</source>
        <translation>&quot;synthface&quot;（留出的 SynthFace 身份）、&quot;synthface-closed&quot;（在训练身份的未见图像上按类别规模统计的闭集准确率）或验证文件：insightface .bin 包和配对列表。相对路径先在数据集旁查找。</translation>
    </message>
</context>
<context>
    <name>ExperimentPanel</name>
    <message>
        <source>Replace the whole experiment with a preset recipe</source>
        <translation>用预设配方替换整个实验</translation>
    </message>
    <message>
        <source>Load a preset…</source>
        <translation>加载预设…</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Runs folder</source>
        <translation>运行文件夹</translation>
    </message>
    <message>
        <source>A run is active: the experiment is read-only. Tune the head and the learning rate live in the Live hyperparameters panel.</source>
        <translation>有运行正在进行：实验为只读。可在“实时超参数”面板中实时调节分类头和学习率。</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>数据源</translation>
    </message>
    <message>
        <source>RecordIO file</source>
        <translation>RecordIO 文件</translation>
    </message>
    <message>
        <source>RecordIO (*.rec);;All files (*)</source>
        <translation>RecordIO (*.rec);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Image folder</source>
        <translation>图像文件夹</translation>
    </message>
    <message>
        <source>SynthFace generator</source>
        <translation>SynthFace 生成器</translation>
    </message>
    <message>
        <source>Images and augmentation</source>
        <translation>图像与数据增强</translation>
    </message>
    <message>
        <source>Add SynthFace</source>
        <translation>添加 SynthFace</translation>
    </message>
    <message>
        <source>Add files…</source>
        <translation>添加文件…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Verification sets</source>
        <translation>验证集</translation>
    </message>
    <message>
        <source>Verification sets (*.bin *.txt *.csv *.lst);;All files (*)</source>
        <translation>验证集 (*.bin *.txt *.csv *.lst);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Model and head</source>
        <translation>模型与分类头</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Head</source>
        <translation>分类头</translation>
    </message>
    <message>
        <source>Optimiser and schedule</source>
        <translation>优化器与学习率调度</translation>
    </message>
    <message>
        <source>Optimiser</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>Learning-rate schedule</source>
        <translation>学习率调度</translation>
    </message>
    <message>
        <source>e.g. 12, 20, 24</source>
        <translation>例如 12, 20, 24</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Reports and evaluation</source>
        <translation>报告与评估</translation>
    </message>
    <message>
        <source>Telemetry</source>
        <translation>遥测</translation>
    </message>
    <message>
        <source>Checkpoints</source>
        <translation>检查点</translation>
    </message>
    <message>
        <source>Evaluation</source>
        <translation>评估</translation>
    </message>
    <message>
        <source>Not in the engine&apos;s list</source>
        <translation>不在引擎的列表中</translation>
    </message>
    <message>
        <source>Not in the engine&apos;s list of heads</source>
        <translation>不在引擎的分类头列表中</translation>
    </message>
    <message>
        <source>allowed: %1, default: %2</source>
        <translation>允许值：%1，默认：%2</translation>
    </message>
    <message>
        <source>Choose a .rec file</source>
        <translation>选择 .rec 文件</translation>
    </message>
    <message>
        <source>Choose the folder of identity folders</source>
        <translation>选择包含各身份文件夹的文件夹</translation>
    </message>
    <message>
        <source>a folder with train.rec and train.idx, or a .rec file</source>
        <translation>包含 train.rec 和 train.idx 的文件夹，或一个 .rec 文件</translation>
    </message>
    <message>
        <source>a folder with one subfolder per identity</source>
        <translation>每个身份对应一个子文件夹的文件夹</translation>
    </message>
    <message>
        <source>The generator&apos;s held-out identities</source>
        <translation>生成器留出的身份</translation>
    </message>
    <message>
        <source>Only for data source synthface</source>
        <translation>仅适用于数据源 synthface</translation>
    </message>
    <message>
        <source>Double-click to edit.</source>
        <translation>双击编辑。</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <comment>a field&apos;s label and its unit</comment>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>This head kind is not in the registry: it has no parameters to show.</source>
        <translation>此分类头类型不在注册表中：没有可显示的参数。</translation>
    </message>
    <message>
        <source>Not one of the head&apos;s choices</source>
        <translation>不是该分类头的可选项</translation>
    </message>
    <message>
        <source>fixed for a run; default: %1</source>
        <translation>一次运行中固定不变；默认：%1</translation>
    </message>
    <message>
        <source>e.g. 5000: lr=0.01</source>
        <translation>例如 5000: lr=0.01</translation>
    </message>
    <message>
        <source>e.g. 0: m=0; 2000: m=0.4</source>
        <translation>例如 0: m=0; 2000: m=0.4</translation>
    </message>
    <message>
        <source>step: name=value, ... ; entries in step order, each in force from the next step</source>
        <translation>步数: 名称=值, ... ；各项按步数排序，每项自下一步起生效</translation>
    </message>
    <message>
        <source>Start from weights</source>
        <translation>从权重开始</translation>
    </message>
    <message>
        <source>Weights (*.pth *.pt *.ckpt *.safetensors);;All files (*)</source>
        <translation>权重 (*.pth *.pt *.ckpt *.safetensors);;所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>FigureExportDialog</name>
    <message>
        <source>Also write the plotted data as CSV beside it</source>
        <translation>同时在同一目录下写出绘图数据的 CSV 文件</translation>
    </message>
    <message>
        <source>Export “%1”</source>
        <translation>导出“%1”</translation>
    </message>
    <message>
        <source>PNG image</source>
        <translation>PNG 图像</translation>
    </message>
    <message>
        <source>PDF (vector)</source>
        <translation>PDF（矢量）</translation>
    </message>
    <message>
        <source>SVG (vector)</source>
        <translation>SVG（矢量）</translation>
    </message>
    <message>
        <source> in</source>
        <translation> in</translation>
    </message>
    <message>
        <source> dpi</source>
        <translation> dpi</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>File:</source>
        <translation>文件：</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>格式：</translation>
    </message>
    <message>
        <source>Size:</source>
        <translation>尺寸：</translation>
    </message>
    <message>
        <source>Resolution (PNG):</source>
        <translation>分辨率（PNG）：</translation>
    </message>
    <message>
        <source>Export the figure</source>
        <translation>导出图表</translation>
    </message>
    <message>
        <source>%1 files (*.%2)</source>
        <translation>%1 文件 (*.%2)</translation>
    </message>
    <message>
        <source>“%1” does not end in .png, .pdf or .svg</source>
        <translation>“%1”的扩展名不是 .png、.pdf 或 .svg</translation>
    </message>
    <message>
        <source>The folder %1 does not exist</source>
        <translation>文件夹 %1 不存在</translation>
    </message>
    <message>
        <source>%1: choose a .png, .pdf or .svg file name</source>
        <translation>%1：请选择 .png、.pdf 或 .svg 文件名</translation>
    </message>
</context>
<context>
    <name>KappaHistogramPlot</name>
    <message>
        <source>Distribution of per-class κ</source>
        <translation>逐类别 κ 的分布</translation>
    </message>
    <message>
        <source>estimated concentration κ (vMF)</source>
        <translation>估计的集中度 κ（vMF）</translation>
    </message>
    <message>
        <source>classes per bin</source>
        <translation>每个分箱的类别数</translation>
    </message>
    <message>
        <source>No class has the two images κ needs</source>
        <translation>没有类别具备估计 κ 所需的两张图像</translation>
    </message>
    <message>
        <source>median κ = %1</source>
        <translation>κ 中位数 = %1</translation>
    </message>
    <message>
        <source>  ·  %1 classes</source>
        <translation>  ·  %1 个类别</translation>
    </message>
    <message>
        <source>, %1 with fewer than 2 images not shown</source>
        <translation>，未显示 %1 个少于 2 张图像的类别</translation>
    </message>
</context>
<context>
    <name>KappaSizePlot</name>
    <message>
        <source>Per-class κ̂ against class size</source>
        <translation>逐类别 κ̂ 与类别规模的关系</translation>
    </message>
    <message>
        <source>class size (images per class, log scale)</source>
        <translation>类别规模（每类图像数，对数刻度）</translation>
    </message>
    <message>
        <source>estimated concentration κ (vMF)</source>
        <translation>估计的集中度 κ（vMF）</translation>
    </message>
    <message>
        <source>margin m₀·ψ (rad)</source>
        <translation>间隔 m₀·ψ（rad）</translation>
    </message>
    <message>
        <source>No class has the two images κ̂ needs</source>
        <translation>没有类别具备估计 κ̂ 所需的两张图像</translation>
    </message>
    <message>
        <source>class %1
n = %2 images · κ = %3
margin = %4 rad (%5°)</source>
        <translation>类别 %1
n = %2 张图像 · κ = %3
间隔 = %4 rad (%5°)</translation>
    </message>
    <message>
        <source>not shown: classes with fewer than 2 images (κ not estimable): %1</source>
        <translation>未显示：少于 2 张图像的类别（无法估计 κ）：%1</translation>
    </message>
</context>
<context>
    <name>LiveParameterPanel</name>
    <message>
        <source>learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Start a run to tune live.</source>
        <translation>开始一次运行即可实时调节。</translation>
    </message>
    <message>
        <source>The head&apos;s parameters appear here when a run reports them.</source>
        <translation>运行报告分类头的参数后，参数会显示在这里。</translation>
    </message>
    <message>
        <source>allowed: %1</source>
        <translation>允许值：%1</translation>
    </message>
    <message>
        <source>Head: %1</source>
        <translation>分类头：%1</translation>
    </message>
    <message>
        <source>Optimiser</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>Type a value in %1 and press Enter; Esc restores the current value.</source>
        <translation>输入 %1 范围内的值并按 Enter；按 Esc 恢复当前值。</translation>
    </message>
    <message>
        <source>%1 … %2</source>
        <translation>%1 … %2</translation>
    </message>
    <message>
        <source> (logarithmic)</source>
        <translation> (对数刻度)</translation>
    </message>
    <message>
        <source>%1: “%2” is not a number; allowed: %3</source>
        <translation>%1：“%2”不是数字；允许值：%3</translation>
    </message>
    <message>
        <source>%1 = %2 is outside %3</source>
        <translation>%1 = %2 超出范围 %3</translation>
    </message>
    <message>
        <source>requested, applied at the next step</source>
        <translation>已请求，将在下一步应用</translation>
    </message>
    <message>
        <source>applied at step %1</source>
        <translation>已在第 %1 步应用</translation>
    </message>
    <message>
        <source>%1 applied at step %2; %3 requested</source>
        <translation>%1 已在第 %2 步应用；已请求 %3</translation>
    </message>
    <message>
        <source>%1 = %2, change %3</source>
        <translation>%1 = %2，第 %3 次更改</translation>
    </message>
    <message>
        <source>%1 = %2 was not applied</source>
        <translation>%1 = %2 未被应用</translation>
    </message>
    <message>
        <source>Head: %1 (%2)</source>
        <translation>分类头：%1（%2）</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>MarginLab</source>
        <translation>MarginLab</translation>
    </message>
    <message>
        <source>Data preview: %1</source>
        <translation>数据预览：%1</translation>
    </message>
    <message>
        <source>&amp;Start</source>
        <translation>开始(&amp;S)</translation>
    </message>
    <message>
        <source>Start training the experiment (Ctrl+R)</source>
        <translation>开始训练该实验（Ctrl+R）</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>暂停(&amp;P)</translation>
    </message>
    <message>
        <source>Pause or resume at the next step boundary (Ctrl+P)</source>
        <translation>在下一步的边界处暂停或继续（Ctrl+P）</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>停止(&amp;T)</translation>
    </message>
    <message>
        <source>Stop the run; it always leaves a checkpoint to resume from (Ctrl+.)</source>
        <translation>停止运行；总会留下一个可从中恢复的检查点（Ctrl+.）</translation>
    </message>
    <message>
        <source>&amp;Checkpoint now</source>
        <translation>立即保存检查点(&amp;C)</translation>
    </message>
    <message>
        <source>Open &amp;run…</source>
        <translation>打开运行(&amp;R)…</translation>
    </message>
    <message>
        <source>Export &amp;all plots…</source>
        <translation>导出所有图表(&amp;A)…</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Experiment</source>
        <translation>实验</translation>
    </message>
    <message>
        <source>Live hyperparameters</source>
        <translation>实时超参数</translation>
    </message>
    <message>
        <source>Run log</source>
        <translation>运行日志</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open experiment…</source>
        <translation>打开实验(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Save experiment as…</source>
        <translation>实验另存为(&amp;S)…</translation>
    </message>
    <message>
        <source>Recent runs</source>
        <translation>最近的运行</translation>
    </message>
    <message>
        <source>Export the current plot…</source>
        <translation>导出当前图表…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>运行(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>设置(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>系统默认</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About MarginLab</source>
        <translation>关于 MarginLab(&amp;A)</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <source>Open experiment</source>
        <translation>打开实验</translation>
    </message>
    <message>
        <source>Opening the data source…</source>
        <translation>正在打开数据源…</translation>
    </message>
    <message>
        <source>Cannot start</source>
        <translation>无法开始</translation>
    </message>
    <message>
        <source>The experiment is not valid:
%1</source>
        <translation>实验无效：
%1</translation>
    </message>
    <message>
        <source>Starting %1 (%2, %3 backbone)…</source>
        <translation>正在启动 %1（%2，骨干网络 %3）…</translation>
    </message>
    <message>
        <source>Run directory %1 on %2: %3 steps</source>
        <translation>运行目录 %1，设备 %2：共 %3 步</translation>
    </message>
    <message>
        <source>Run failed: %1</source>
        <translation>运行失败：%1</translation>
    </message>
    <message>
        <source>Run %1</source>
        <translation>运行 %1</translation>
    </message>
    <message>
        <source>Training failed</source>
        <translation>训练失败</translation>
    </message>
    <message>
        <source>step %1: %2</source>
        <translation>第 %1 步：%2</translation>
    </message>
    <message>
        <source>%1 = %2 requested (version %3)</source>
        <translation>已请求 %1 = %2（版本 %3）</translation>
    </message>
    <message>
        <source>Res&amp;ume</source>
        <translation>继续(&amp;U)</translation>
    </message>
    <message>
        <source>Idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>Stopping (writing a checkpoint)…</source>
        <translation>正在停止（写入检查点）…</translation>
    </message>
    <message>
        <source>step %1 / %2 · epoch %3</source>
        <translation>第 %1 / %2 步 · 第 %3 轮</translation>
    </message>
    <message>
        <source>%1 samples/s</source>
        <translation>%1 样本/秒</translation>
    </message>
    <message>
        <source>ETA %1</source>
        <translation>预计剩余 %1</translation>
    </message>
    <message>
        <source>Open run</source>
        <translation>打开运行</translation>
    </message>
    <message>
        <source>Stop the active run before opening another.</source>
        <translation>请先停止当前运行，再打开另一个。</translation>
    </message>
    <message>
        <source>The run&apos;s experiment.json does not load here (%1); its plots are shown anyway.</source>
        <translation>该运行的 experiment.json 无法在此加载（%1）；仍会显示其图表。</translation>
    </message>
    <message>
        <source>Open a run directory</source>
        <translation>打开运行目录</translation>
    </message>
    <message>
        <source>Open an experiment</source>
        <translation>打开实验</translation>
    </message>
    <message>
        <source>Experiment files (*.json)</source>
        <translation>实验文件 (*.json)</translation>
    </message>
    <message>
        <source>Save experiment</source>
        <translation>保存实验</translation>
    </message>
    <message>
        <source>Save the experiment</source>
        <translation>保存该实验</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Exported %1</source>
        <translation>已导出 %1</translation>
    </message>
    <message>
        <source>Export every plot (figure + CSV) into a folder</source>
        <translation>将所有图表（图形 + CSV）导出到一个文件夹</translation>
    </message>
    <message>
        <source>Export all</source>
        <translation>全部导出</translation>
    </message>
    <message>
        <source>Exported %1 files into %2</source>
        <translation>已将 %1 个文件导出到 %2</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>The language changes when MarginLab starts the next time.</source>
        <translation>语言将在下次启动 MarginLab 时更改。</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>About MarginLab</source>
        <translation>关于 MarginLab</translation>
    </message>
    <message>
        <source>&lt;b&gt;MarginLab %1&lt;/b&gt;&lt;p&gt;A workbench for training face-recognition models with adaptive margin losses (AdaFace, KappaFace and their baselines) and watching them learn.&lt;/p&gt;</source>
        <translation>&lt;b&gt;MarginLab %1&lt;/b&gt;&lt;p&gt;一个用自适应间隔损失（AdaFace、KappaFace 及其基线方法）训练人脸识别模型并观察其学习过程的工作台。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
    <message>
        <source>System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>Export &amp;model…</source>
        <translation>导出模型(&amp;M)…</translation>
    </message>
    <message>
        <source>The run&apos;s trained model as ONNX and PyTorch weights, with a model card</source>
        <translation>将该运行训练好的模型导出为 ONNX 和 PyTorch 权重，并附模型卡</translation>
    </message>
    <message>
        <source>Export model</source>
        <translation>导出模型</translation>
    </message>
    <message>
        <source>Start or open a run first: the model comes from its checkpoint.</source>
        <translation>请先开始或打开一个运行：模型来自它的检查点。</translation>
    </message>
    <message>
        <source>An export is already running.</source>
        <translation>已有一个导出正在进行。</translation>
    </message>
    <message>
        <source>Exporting the model of %1 (%2) to %3</source>
        <translation>正在将 %1 的模型（%2）导出到 %3</translation>
    </message>
    <message>
        <source>Resume the &amp;shown run</source>
        <translation>继续所显示的运行(&amp;S)</translation>
    </message>
    <message>
        <source>Continue the shown run from its latest checkpoint, in a new training process</source>
        <translation>在新的训练进程中从最新检查点继续所显示的运行</translation>
    </message>
    <message>
        <source>The run&apos;s records were rewritten (resumed from an earlier checkpoint): reading them again</source>
        <translation>运行记录已被重写（从较早的检查点继续）：正在重新读取</translation>
    </message>
    <message>
        <source>Recorded run</source>
        <translation>已记录的运行</translation>
    </message>
    <message>
        <source>%1 — %2 — MarginLab</source>
        <translation>%1 — %2 — MarginLab</translation>
    </message>
    <message>
        <source>Following %1</source>
        <translation>正在跟随 %1</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Resuming %1…</source>
        <translation>正在继续 %1…</translation>
    </message>
    <message>
        <source>The run %1 is still going. Stop it (it writes a checkpoint you can resume from), or leave it running and follow it again later from File ▸ Recent runs?</source>
        <translation>运行 %1 仍在进行。停止它（会写入可用于继续的检查点），还是让它继续运行，稍后从“文件 ▸ 最近的运行”再次跟随？</translation>
    </message>
    <message>
        <source>Stop the run</source>
        <translation>停止运行</translation>
    </message>
    <message>
        <source>Leave it running</source>
        <translation>让它继续运行</translation>
    </message>
    <message>
        <source>&amp;Compare with another run…</source>
        <translation>与另一运行比较(&amp;C)…</translation>
    </message>
    <message>
        <source>Open another run in the runs table and overlay its training curves</source>
        <translation>在运行表中打开另一运行并叠加其训练曲线</translation>
    </message>
    <message>
        <source>Clear the overlays</source>
        <translation>清除叠加</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Compare runs</source>
        <translation>比较运行</translation>
    </message>
    <message>
        <source>%1: not a run directory (no experiment.json)</source>
        <translation>%1：不是运行目录（没有 experiment.json）</translation>
    </message>
    <message>
        <source>Compare with another run</source>
        <translation>与另一运行比较</translation>
    </message>
    <message>
        <source>Open &amp;model…</source>
        <translation>打开模型(&amp;M)…</translation>
    </message>
    <message>
        <source>A model of arcface_torch, AdaFace or CVLface: imported as a run, then the experiment&apos;s data looked at under it before any step</source>
        <translation>arcface_torch、AdaFace 或 CVLface 的模型：导入为一次运行，然后在任何训练步之前查看实验数据在其下的分布</translation>
    </message>
    <message>
        <source>Imported %1:</source>
        <translation>已导入 %1：</translation>
    </message>
    <message>
        <source>Open model</source>
        <translation>打开模型</translation>
    </message>
    <message>
        <source>Open a model</source>
        <translation>打开模型</translation>
    </message>
    <message>
        <source>Weights (*.pth *.pt *.ckpt *.safetensors);;All files (*)</source>
        <translation>权重 (*.pth *.pt *.ckpt *.safetensors);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Stop the active run before opening a model.</source>
        <translation>请先停止正在进行的运行，再打开模型。</translation>
    </message>
    <message>
        <source>Another model is being imported.</source>
        <translation>另一个模型正在导入。</translation>
    </message>
    <message>
        <source>Importing %1…</source>
        <translation>正在导入 %1…</translation>
    </message>
    <message>
        <source>Looking at the data under %1 before any step; set the epochs to fine-tune from it</source>
        <translation>在任何训练步之前查看 %1 下的数据；设置轮数即可从它开始微调</translation>
    </message>
    <message>
        <source>St&amp;udy</source>
        <translation>研究(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;New study…</source>
        <translation>新建研究(&amp;N)…</translation>
    </message>
    <message>
        <source>Study file (base experiment, axes, seeds, metric)</source>
        <translation>研究文件（基础实验、变量轴、种子、指标）</translation>
    </message>
    <message>
        <source>Study files (*.json)</source>
        <translation>研究文件 (*.json)</translation>
    </message>
    <message>
        <source>Folder to hold the new study&apos;s folder</source>
        <translation>存放新研究文件夹的目录</translation>
    </message>
    <message>
        <source>&amp;Open study…</source>
        <translation>打开研究(&amp;O)…</translation>
    </message>
    <message>
        <source>Study folder (holds study.json)</source>
        <translation>研究文件夹（包含 study.json）</translation>
    </message>
    <message>
        <source>Open study</source>
        <translation>打开研究</translation>
    </message>
    <message>
        <source>%1: no such folder</source>
        <translation>%1：文件夹不存在</translation>
    </message>
    <message>
        <source>New study</source>
        <translation>新建研究</translation>
    </message>
</context>
<context>
    <name>MarginCurves</name>
    <message>
        <source>NormFace (no margin)</source>
        <translation>NormFace（无间隔）</translation>
    </message>
    <message>
        <source>CosFace m = 0.4</source>
        <translation>CosFace m = 0.4</translation>
    </message>
    <message>
        <source>ArcFace m = 0.5</source>
        <translation>ArcFace m = 0.5</translation>
    </message>
    <message>
        <source>AdaFace m = 0.4, ẑ = −1 (low quality)</source>
        <translation>AdaFace m = 0.4，ẑ = −1（低质量）</translation>
    </message>
    <message>
        <source>AdaFace m = 0.4, ẑ = +1 (high quality)</source>
        <translation>AdaFace m = 0.4，ẑ = +1（高质量）</translation>
    </message>
    <message>
        <source>AdaFace m = 0.4, ẑ = 0 (equals CosFace)</source>
        <translation>AdaFace m = 0.4，ẑ = 0（等同于 CosFace）</translation>
    </message>
</context>
<context>
    <name>MarginHistogramPlot</name>
    <message>
        <source>Applied margin histogram</source>
        <translation>实际施加间隔的直方图</translation>
    </message>
    <message>
        <source>samples per bin</source>
        <translation>每个分箱的样本数</translation>
    </message>
    <message>
        <source>No samples yet: waiting for the first report</source>
        <translation>尚无样本：等待第一次报告</translation>
    </message>
    <message>
        <source>No labelled samples with a margin in this report</source>
        <translation>此报告中没有带间隔的已标注样本</translation>
    </message>
    <message>
        <source>applied margin</source>
        <translation>实际施加的间隔</translation>
    </message>
    <message>
        <source>applied margin (%1)</source>
        <translation>实际施加的间隔（%1）</translation>
    </message>
    <message>
        <source>easy (%1)</source>
        <translation>简单（%1）</translation>
    </message>
    <message>
        <source>hard (%1)</source>
        <translation>困难（%1）</translation>
    </message>
    <message>
        <source>mean = %1</source>
        <translation>均值 = %1</translation>
    </message>
    <message>
        <source>mean = %1 %2</source>
        <translation>均值 = %1 %2</translation>
    </message>
    <message>
        <source>easy</source>
        <translation>简单</translation>
    </message>
    <message>
        <source>hard</source>
        <translation>困难</translation>
    </message>
    <message>
        <source>mean</source>
        <translation>均值</translation>
    </message>
</context>
<context>
    <name>MarginNormPlot</name>
    <message>
        <source>Applied margin vs feature norm</source>
        <translation>实际施加的间隔与特征范数的关系</translation>
    </message>
    <message>
        <source>feature norm ‖z‖</source>
        <translation>特征范数 ‖z‖</translation>
    </message>
    <message>
        <source>margin</source>
        <translation>间隔</translation>
    </message>
    <message>
        <source>No samples yet: waiting for the first report</source>
        <translation>尚无样本：等待第一次报告</translation>
    </message>
    <message>
        <source>No labelled samples with a margin in this report</source>
        <translation>此报告中没有带间隔的已标注样本</translation>
    </message>
    <message>
        <source>margin (%1)</source>
        <translation>间隔（%1）</translation>
    </message>
    <message>
        <source>easy (%1)</source>
        <translation>简单（%1）</translation>
    </message>
    <message>
        <source>hard (%1)</source>
        <translation>困难（%1）</translation>
    </message>
    <message>
        <source>easy</source>
        <translation>简单</translation>
    </message>
    <message>
        <source>hard</source>
        <translation>困难</translation>
    </message>
</context>
<context>
    <name>ModelExportDialog</name>
    <message>
        <source>Export the model of %1</source>
        <translation>导出 %1 的模型</translation>
    </message>
    <message>
        <source>ONNX and PyTorch weights</source>
        <translation>ONNX 和 PyTorch 权重</translation>
    </message>
    <message>
        <source>ONNX</source>
        <translation>ONNX</translation>
    </message>
    <message>
        <source>PyTorch weights</source>
        <translation>PyTorch 权重</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Checkpoint:</source>
        <translation>检查点：</translation>
    </message>
    <message>
        <source>the run&apos;s latest (checkpoints/latest.pt)</source>
        <translation>该运行最新的检查点（checkpoints/latest.pt）</translation>
    </message>
    <message>
        <source>Formats:</source>
        <translation>格式：</translation>
    </message>
    <message>
        <source>Folder:</source>
        <translation>文件夹：</translation>
    </message>
    <message>
        <source>Export the model into</source>
        <translation>将模型导出到</translation>
    </message>
    <message>
        <source>Choose a folder to export into.</source>
        <translation>请选择要导出到的文件夹。</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>the backbone: images → raw embedding (its length is the quality proxy), any batch size; checked through OpenCV DNN against LibTorch on the run&apos;s own images before it is kept</source>
        <translation>骨干网络：图像 → 原始嵌入（其长度即质量代理），任意批大小；保留前先在该运行自己的图像上用 OpenCV DNN 与 LibTorch 对照检验</translation>
    </message>
    <message>
        <source>the state dict under insightface arcface_torch&apos;s names: torch.load, then load_state_dict</source>
        <translation>采用 insightface arcface_torch 命名的 state dict：torch.load 后 load_state_dict</translation>
    </message>
    <message>
        <source>the head&apos;s class centres (kernel) and buffers</source>
        <translation>分类头的类中心（kernel）和缓冲区</translation>
    </message>
    <message>
        <source>training config, the head and its final hyperparameters, metrics, the exact preprocessing</source>
        <translation>训练配置、分类头及其最终超参数、指标、精确的预处理</translation>
    </message>
</context>
<context>
    <name>NormBandsPlot</name>
    <message>
        <source>Feature norm distribution over time</source>
        <translation>特征范数分布随时间的变化</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <source>feature norm ‖z‖</source>
        <translation>特征范数 ‖z‖</translation>
    </message>
    <message>
        <source>5th–95th percentile</source>
        <translation>第 5–95 百分位</translation>
    </message>
    <message>
        <source>25th–75th percentile</source>
        <translation>第 25–75 百分位</translation>
    </message>
    <message>
        <source>median</source>
        <translation>中位数</translation>
    </message>
    <message>
        <source>AdaFace EMA μ</source>
        <translation>AdaFace EMA μ</translation>
    </message>
    <message>
        <source>AdaFace EMA μ ± σ</source>
        <translation>AdaFace EMA μ ± σ</translation>
    </message>
    <message>
        <source>No feature norms yet: waiting for the first report</source>
        <translation>尚无特征范数：等待第一次报告</translation>
    </message>
    <message>
        <source>No norm history in this report</source>
        <translation>此报告中没有范数历史</translation>
    </message>
</context>
<context>
    <name>NormHistogramPlot</name>
    <message>
        <source>Feature norm histogram</source>
        <translation>特征范数直方图</translation>
    </message>
    <message>
        <source>split by true quality</source>
        <translation>按真实质量拆分</translation>
    </message>
    <message>
        <source>low quality: q &lt;</source>
        <translation>低质量：q &lt;</translation>
    </message>
    <message>
        <source>True-quality threshold between the low- and high-quality histograms</source>
        <translation>区分低质量与高质量直方图的真实质量阈值</translation>
    </message>
    <message>
        <source>feature norm ‖z‖</source>
        <translation>特征范数 ‖z‖</translation>
    </message>
    <message>
        <source>samples per bin</source>
        <translation>每个分箱的样本数</translation>
    </message>
    <message>
        <source>all samples</source>
        <translation>全部样本</translation>
    </message>
    <message>
        <source>low quality</source>
        <translation>低质量</translation>
    </message>
    <message>
        <source>high quality</source>
        <translation>高质量</translation>
    </message>
    <message>
        <source>quality unknown</source>
        <translation>质量未知</translation>
    </message>
    <message>
        <source>Stack the histograms of low- and high-quality samples</source>
        <translation>堆叠低质量与高质量样本的直方图</translation>
    </message>
    <message>
        <source>True quality is known only for SynthFace data</source>
        <translation>仅 SynthFace 数据有已知的真实质量</translation>
    </message>
    <message>
        <source>No feature norms yet: waiting for the first report</source>
        <translation>尚无特征范数：等待第一次报告</translation>
    </message>
    <message>
        <source>No feature norms in this report</source>
        <translation>此报告中没有特征范数</translation>
    </message>
    <message>
        <source>low quality, q &lt; %1</source>
        <translation>低质量，q &lt; %1</translation>
    </message>
    <message>
        <source>high quality, q ≥ %1</source>
        <translation>高质量，q ≥ %1</translation>
    </message>
    <message>
        <source>EMA μ = %1</source>
        <translation>EMA μ = %1</translation>
    </message>
    <message>
        <source>EMA μ ± σ (σ = %1)</source>
        <translation>EMA μ ± σ (σ = %1)</translation>
    </message>
</context>
<context>
    <name>NormQualityPlot</name>
    <message>
        <source>Feature norm vs true quality</source>
        <translation>特征范数与真实质量的关系</translation>
    </message>
    <message>
        <source>true image quality q</source>
        <translation>真实图像质量 q</translation>
    </message>
    <message>
        <source>feature norm ‖z‖</source>
        <translation>特征范数 ‖z‖</translation>
    </message>
    <message>
        <source>median norm per quality bin</source>
        <translation>各质量分箱的范数中位数</translation>
    </message>
    <message>
        <source>No samples yet: waiting for the first report</source>
        <translation>尚无样本：等待第一次报告</translation>
    </message>
    <message>
        <source>True quality is known only for SynthFace data</source>
        <translation>仅 SynthFace 数据有已知的真实质量</translation>
    </message>
    <message>
        <source>No labelled samples with a known quality in this report</source>
        <translation>此报告中没有质量已知的已标注样本</translation>
    </message>
    <message>
        <source>Spearman ρ = %1</source>
        <translation>Spearman ρ = %1</translation>
    </message>
    <message>
        <source>Spearman ρ: not available</source>
        <translation>Spearman ρ：不可用</translation>
    </message>
    <message numerus="yes">
        <source>%1, %n samples</source>
        <translation>
            <numerusform>%1，%n 个样本</numerusform>
        </translation>
    </message>
    <message>
        <source>easy (%1)</source>
        <translation>简单（%1）</translation>
    </message>
    <message>
        <source>hard (%1)</source>
        <translation>困难（%1）</translation>
    </message>
    <message>
        <source>easy</source>
        <translation>简单</translation>
    </message>
    <message>
        <source>hard</source>
        <translation>困难</translation>
    </message>
</context>
<context>
    <name>OpenRuns</name>
    <message>
        <source>reading…</source>
        <translation>读取中…</translation>
    </message>
    <message>
        <source>recorded (%1 steps)</source>
        <translation>已记录（%1 步）</translation>
    </message>
</context>
<context>
    <name>ParallelCoordinatesPlot</name>
    <message>
        <source>Parallel coordinates</source>
        <translation>平行坐标</translation>
    </message>
    <message>
        <source>Parallel coordinates: the varied keys and %1</source>
        <translation>平行坐标：所变化的键与 %1</translation>
    </message>
    <message>
        <source>No finished run yet</source>
        <translation>尚无已完成的运行</translation>
    </message>
</context>
<context>
    <name>PlotBoard</name>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Feature norms</source>
        <translation>特征范数</translation>
    </message>
    <message>
        <source>Margins</source>
        <translation>间隔</translation>
    </message>
    <message>
        <source>Per-class κ</source>
        <translation>逐类别 κ</translation>
    </message>
    <message>
        <source>Angles</source>
        <translation>角度</translation>
    </message>
    <message>
        <source>Evaluation</source>
        <translation>评估</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>Verification results</source>
        <translation>验证结果</translation>
    </message>
    <message>
        <source>Per-class statistics</source>
        <translation>逐类别统计</translation>
    </message>
    <message>
        <source>Export “%1”…</source>
        <translation>导出“%1”…</translation>
    </message>
    <message>
        <source>Verification</source>
        <translation>验证</translation>
    </message>
    <message>
        <source>Benchmarks: IJB-B/C, TinyFace</source>
        <translation>基准：IJB-B/C、TinyFace</translation>
    </message>
    <message>
        <source>Benchmark results</source>
        <translation>基准结果</translation>
    </message>
</context>
<context>
    <name>PlotExport</name>
    <message>
        <source>Unknown figure format &quot;%1&quot; (png, pdf or svg)</source>
        <translation>未知的图形格式“%1”（png、pdf 或 svg）</translation>
    </message>
    <message>
        <source>Cannot create the folder %1</source>
        <translation>无法创建文件夹 %1</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>q %1</source>
        <translation>q %1</translation>
    </message>
    <message>
        <source>flip</source>
        <translation>翻转</translation>
    </message>
    <message>
        <source>crop</source>
        <translation>裁剪</translation>
    </message>
    <message>
        <source>low resolution</source>
        <translation>低分辨率</translation>
    </message>
    <message>
        <source>photometric</source>
        <translation>光度变换</translation>
    </message>
    <message>
        <source>class %1 (%2 images), image %3</source>
        <translation>类别 %1（%2 张图像），图像 %3</translation>
    </message>
    <message>
        <source>%1 (the experiment applies it with probability %2)</source>
        <translation>%1（实验以概率 %2 应用此变换）</translation>
    </message>
    <message>
        <source>%1 is not valid JSON: %2</source>
        <translation>%1 不是有效的 JSON：%2</translation>
    </message>
    <message>
        <source>No built-in preset named &quot;%1&quot; (known: %2)</source>
        <translation>没有名为“%1”的内置预设（已知：%2）</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>Cannot export %1: the figure size %2 × %3 in is outside (0, 100] inches</source>
        <translation>无法导出 %1：图形尺寸 %2 × %3 in 超出 (0, 100] 英寸范围</translation>
    </message>
    <message>
        <source>Cannot export %1: %2 dpi is outside [36, 1200]</source>
        <translation>无法导出 %1：%2 dpi 超出 [36, 1200] 范围</translation>
    </message>
    <message>
        <source>Cannot write the figure %1</source>
        <translation>无法写入图形 %1</translation>
    </message>
    <message>
        <source>Cannot move the figure into place at %1: %2</source>
        <translation>无法将图形移动到 %1：%2</translation>
    </message>
    <message>
        <source>No κ yet: KappaFace computes it at the first refresh</source>
        <translation>尚无 κ：KappaFace 在首次刷新时计算</translation>
    </message>
    <message>
        <source>Waiting for the first snapshot of the run</source>
        <translation>等待本次运行的第一个快照</translation>
    </message>
    <message>
        <source>Per-class κ is KappaFace&apos;s: this run trains %1</source>
        <translation>逐类别 κ 仅属于 KappaFace：本次运行训练的是 %1</translation>
    </message>
    <message>
        <source>#%1 %2</source>
        <translation>#%1 %2</translation>
    </message>
    <message>
        <source>Exported %1 (step %2) to %3</source>
        <translation>已将 %1（第 %2 步）导出到 %3</translation>
    </message>
    <message>
        <source>; ONNX checked on %1 images, smallest cosine %2</source>
        <translation>；ONNX 已在 %1 张图像上检验，最小余弦 %2</translation>
    </message>
    <message>
        <source>θ is measured to the model&apos;s own class centres: its classifier has the data&apos;s %1 classes</source>
        <translation>θ 以模型自身的类中心度量：其分类器的类别数与数据相同（%1 类）</translation>
    </message>
    <message>
        <source>The model&apos;s classifier has %1 classes, the data %2: θ is measured to a new head&apos;s class centres</source>
        <translation>模型的分类器有 %1 类，数据有 %2 类：θ 以新头部的类中心度量</translation>
    </message>
    <message>
        <source>The data&apos;s classes are unknown (%1): θ is measured to a new head&apos;s class centres</source>
        <translation>数据的类别数未知（%1）：θ 以新头部的类中心度量</translation>
    </message>
</context>
<context>
    <name>RocPlot</name>
    <message>
        <source>ROC</source>
        <translation>ROC</translation>
    </message>
    <message>
        <source>Validation set:</source>
        <translation>验证集：</translation>
    </message>
    <message>
        <source>false accept rate (FAR, log scale)</source>
        <translation>误接受率（FAR，对数刻度）</translation>
    </message>
    <message>
        <source>true accept rate (TAR)</source>
        <translation>真接受率（TAR）</translation>
    </message>
    <message>
        <source>ROC — %1 at step %2</source>
        <translation>ROC — %1，第 %2 步</translation>
    </message>
    <message>
        <source>strata by %1</source>
        <translation>按 %1 分层</translation>
    </message>
    <message>
        <source>No validation results yet</source>
        <translation>尚无验证结果</translation>
    </message>
    <message>
        <source>No ROC for %1:
it needs both genuine and impostor pairs</source>
        <translation>%1 无 ROC：
需要同时有正样本对和负样本对</translation>
    </message>
    <message>
        <source>%1 (AUC %2)</source>
        <translation>%1 (AUC %2)</translation>
    </message>
    <message>
        <source>%1 (AUC —)</source>
        <translation>%1 (AUC —)</translation>
    </message>
</context>
<context>
    <name>RunState</name>
    <message>
        <source>Stalled: no progress since %1</source>
        <translation>停滞：自 %1 起无进展</translation>
    </message>
    <message>
        <source>Ended without a word (last heard of at %1)</source>
        <translation>无声结束（最后消息于 %1）</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练中</translation>
    </message>
</context>
<context>
    <name>RunsTable</name>
    <message>
        <source>Tick a run to overlay its training curves; double-click it to show it in every plot</source>
        <translation>勾选运行以叠加其训练曲线；双击以在所有图表中显示它</translation>
    </message>
    <message>
        <source>Close this run (its files stay)</source>
        <translation>关闭此运行（文件保留）</translation>
    </message>
    <message>
        <source>overlay</source>
        <translation>叠加</translation>
    </message>
    <message>
        <source>run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>state</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>head</source>
        <translation>头部</translation>
    </message>
    <message>
        <source>backbone</source>
        <translation>骨干网络</translation>
    </message>
    <message>
        <source>%1 last %</source>
        <translation>%1 最新 %</translation>
    </message>
    <message>
        <source>%1 best %</source>
        <translation>%1 最佳 %</translation>
    </message>
    <message>
        <source>norm–quality ρ</source>
        <translation>范数–质量 ρ</translation>
    </message>
    <message>
        <source>The run the plots show</source>
        <translation>图表所显示的运行</translation>
    </message>
    <message>
        <source>Overlay this run&apos;s training curves</source>
        <translation>叠加此运行的训练曲线</translation>
    </message>
    <message>
        <source>at step %1</source>
        <translation>于第 %1 步</translation>
    </message>
</context>
<context>
    <name>SampleGrid</name>
    <message>
        <source>Tile size</source>
        <translation>缩略图大小</translation>
    </message>
    <message>
        <source>No samples to show yet</source>
        <translation>暂无可显示的样本</translation>
    </message>
    <message>
        <source>%1 of %2 samples</source>
        <translation>%1 / %2 个样本</translation>
    </message>
    <message>
        <source>samples: %1</source>
        <translation>样本：%1</translation>
    </message>
    <message>
        <source>%1 px</source>
        <translation>%1 px</translation>
    </message>
    <message>
        <source>no image</source>
        <translation>无图像</translation>
    </message>
</context>
<context>
    <name>StudyCurvesPlot</name>
    <message>
        <source>Curves by setting</source>
        <translation>按设置分组的曲线</translation>
    </message>
    <message>
        <source>Series:</source>
        <translation>序列：</translation>
    </message>
    <message>
        <source>Ranking metric at each evaluation</source>
        <translation>每次评估时的排序指标</translation>
    </message>
    <message>
        <source>Training loss</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <source>%1 by setting</source>
        <translation>按设置分组的 %1</translation>
    </message>
    <message>
        <source>Training loss by setting</source>
        <translation>按设置分组的训练损失</translation>
    </message>
    <message>
        <source>training loss</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <source>No evaluations yet: the runs report the metric at eval.every_steps and at the end</source>
        <translation>尚无评估：各运行在 eval.every_steps 处及结束时报告该指标</translation>
    </message>
    <message>
        <source>No training steps yet</source>
        <translation>尚无训练步</translation>
    </message>
    <message>
        <source>line: mean over seeds · band: lowest to highest seed · faint: each run</source>
        <translation>线：各种子的均值 · 带：最低到最高的种子 · 淡线：每次运行</translation>
    </message>
    <message>
        <source>%1 (n = %2)</source>
        <translation>%1（n = %2）</translation>
    </message>
</context>
<context>
    <name>StudyHeatmapPlot</name>
    <message>
        <source>Heatmap of two keys</source>
        <translation>两个键的热力图</translation>
    </message>
    <message>
        <source>Across:</source>
        <translation>横向：</translation>
    </message>
    <message>
        <source>Down:</source>
        <translation>纵向：</translation>
    </message>
    <message>
        <source>%1 by %2 and %3</source>
        <translation>%1，按 %2 与 %3</translation>
    </message>
    <message>
        <source>A heatmap needs a study that varies two keys</source>
        <translation>热力图需要变化两个键的研究</translation>
    </message>
    <message>
        <source>No finished run yet</source>
        <translation>尚无已完成的运行</translation>
    </message>
</context>
<context>
    <name>StudyKeyPlot</name>
    <message>
        <source>Metric against a key</source>
        <translation>指标随键的变化</translation>
    </message>
    <message>
        <source>Key:</source>
        <translation>键：</translation>
    </message>
    <message>
        <source>%1 against %2</source>
        <translation>%1 随 %2 的变化</translation>
    </message>
    <message>
        <source>No finished run yet</source>
        <translation>尚无已完成的运行</translation>
    </message>
    <message>
        <source>runs</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>mean, 95% interval over runs</source>
        <translation>均值，运行间 95% 置信区间</translation>
    </message>
</context>
<context>
    <name>StudyRunsTable</name>
    <message>
        <source>run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>outcome</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <source>%1 ρ</source>
        <translation>%1 ρ</translation>
    </message>
</context>
<context>
    <name>StudyWindow</name>
    <message>
        <source>Stop study</source>
        <translation>停止研究</translation>
    </message>
    <message>
        <source>Resume study</source>
        <translation>继续研究</translation>
    </message>
    <message>
        <source>Write report</source>
        <translation>写出报告</translation>
    </message>
    <message>
        <source>Export all…</source>
        <translation>全部导出…</translation>
    </message>
    <message>
        <source>Study — %1</source>
        <translation>研究 — %1</translation>
    </message>
    <message>
        <source>Ask the study to stop: each running run stops at its next step with a checkpoint</source>
        <translation>请求研究停止：每个正在进行的运行在下一步停止并写入检查点</translation>
    </message>
    <message>
        <source>Run what is left: finished runs and runs stopped by the rule stay as they are</source>
        <translation>运行剩余部分：已完成的运行和被规则停止的运行保持不变</translation>
    </message>
    <message>
        <source>Export the figures into the study folder and write its report.md</source>
        <translation>将图表导出到研究文件夹并写出其 report.md</translation>
    </message>
    <message>
        <source>Curves</source>
        <translation>曲线</translation>
    </message>
    <message>
        <source>Metric vs key</source>
        <translation>指标与键</translation>
    </message>
    <message>
        <source>Parallel coordinates</source>
        <translation>平行坐标</translation>
    </message>
    <message>
        <source>Heatmap</source>
        <translation>热力图</translation>
    </message>
    <message>
        <source>Export “%1”…</source>
        <translation>导出“%1”…</translation>
    </message>
    <message>
        <source>Report written: %1</source>
        <translation>报告已写出：%1</translation>
    </message>
    <message>
        <source>Cannot read the study: %1</source>
        <translation>无法读取研究：%1</translation>
    </message>
    <message>
        <source>Waiting for the study to start in %1…</source>
        <translation>正在等待研究在 %1 中启动…</translation>
    </message>
    <message>
        <source>ranked by %1</source>
        <translation>按 %1 排序</translation>
    </message>
    <message>
        <source>%1 finished, %2 stopped early, %3 running, %4 to run or failed</source>
        <translation>%1 个已完成，%2 个提前停止，%3 个运行中，%4 个待运行或失败</translation>
    </message>
    <message>
        <source>Running: %1</source>
        <translation>运行中：%1</translation>
    </message>
    <message>
        <source>Not running (%1): %2</source>
        <translation>未运行（%1）：%2</translation>
    </message>
    <message>
        <source>never started</source>
        <translation>从未启动</translation>
    </message>
    <message>
        <source>Stopping: each running run writes a checkpoint…</source>
        <translation>正在停止：每个正在进行的运行写入检查点…</translation>
    </message>
    <message>
        <source>Cannot find marginlab-cli beside this program or on the PATH: it runs the study.</source>
        <translation>在本程序旁或 PATH 中找不到 marginlab-cli：研究由它运行。</translation>
    </message>
    <message>
        <source>Cannot start %1: %2</source>
        <translation>无法启动 %1：%2</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Export every study plot (figure + CSV) and the runs table into a folder</source>
        <translation>将研究的所有图表（图形 + CSV）和运行表导出到一个文件夹</translation>
    </message>
    <message>
        <source>Study runs</source>
        <translation>研究的运行</translation>
    </message>
    <message>
        <source>Export all</source>
        <translation>全部导出</translation>
    </message>
    <message>
        <source>The study is not loaded yet</source>
        <translation>研究尚未加载</translation>
    </message>
</context>
<context>
    <name>TargetGradientPlot</name>
    <message>
        <source>Target gradient against angle, by quality</source>
        <translation>按质量划分的目标梯度与角度的关系</translation>
    </message>
    <message>
        <source>θ to own class centre (degrees)</source>
        <translation>到自身类中心的 θ（度）</translation>
    </message>
    <message>
        <source>target gradient |∂L/∂cos θ_y|</source>
        <translation>目标梯度 |∂L/∂cos θ_y|</translation>
    </message>
    <message>
        <source>Waiting for the first snapshot of the run</source>
        <translation>等待本次运行的第一个快照</translation>
    </message>
    <message>
        <source>This head reports no per-sample target gradient</source>
        <translation>此分类头不报告逐样本的目标梯度</translation>
    </message>
    <message>
        <source>No labelled samples in the window yet</source>
        <translation>窗口中尚无带标签的样本</translation>
    </message>
    <message>
        <source>image quality q (data source)</source>
        <translation>图像质量 q（数据源）</translation>
    </message>
    <message>
        <source>feature norm ‖z‖ (quality unknown)</source>
        <translation>特征范数 ‖z‖（质量未知）</translation>
    </message>
    <message>
        <source>quality unknown</source>
        <translation>质量未知</translation>
    </message>
</context>
<context>
    <name>TargetLogitPlot</name>
    <message>
        <source>Target logit of each head against θ</source>
        <translation>各分类头的目标 logit 与 θ 的关系</translation>
    </message>
    <message>
        <source>angle to the class centre θ (degrees)</source>
        <translation>到类中心的夹角 θ（度）</translation>
    </message>
    <message>
        <source>target logit / s</source>
        <translation>目标 logit / s</translation>
    </message>
</context>
<context>
    <name>TrainingBridge</name>
    <message>
        <source>A run is active: stop it first.</source>
        <translation>有运行正在进行：请先停止它。</translation>
    </message>
    <message>
        <source>Cannot find marginlab-cli beside this program or on the PATH: it runs the training.</source>
        <translation>在本程序旁或 PATH 中找不到 marginlab-cli：训练由它执行。</translation>
    </message>
    <message>
        <source>Cannot start %1: %2</source>
        <translation>无法启动 %1：%2</translation>
    </message>
    <message>
        <source>%1: not a run directory (no experiment.json)</source>
        <translation>%1：不是运行目录（没有 experiment.json）</translation>
    </message>
    <message>
        <source>The training process ended before it started.</source>
        <translation>训练进程在开始前就已结束。</translation>
    </message>
    <message>
        <source>The training process %1</source>
        <translation>训练进程%1</translation>
    </message>
</context>
<context>
    <name>TrainingCurvesPlot</name>
    <message>
        <source>Training curve: %1</source>
        <translation>训练曲线：%1</translation>
    </message>
    <message>
        <source>The quantity drawn</source>
        <translation>绘制的量</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>轮</translation>
    </message>
    <message>
        <source>wall time</source>
        <translation>墙钟时间</translation>
    </message>
    <message>
        <source>Horizontal axis</source>
        <translation>横轴</translation>
    </message>
    <message>
        <source>log y</source>
        <translation>对数 y 轴</translation>
    </message>
    <message>
        <source>Smoothing: exponential moving average weight (debiased, as in TensorBoard)</source>
        <translation>平滑：指数移动平均权重（已去偏，与 TensorBoard 相同）</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>samples / s</source>
        <translation>样本/秒</translation>
    </message>
    <message>
        <source>mean feature norm</source>
        <translation>平均特征范数</translation>
    </message>
    <message>
        <source>mean margin</source>
        <translation>平均间隔</translation>
    </message>
    <message>
        <source>gradient norm</source>
        <translation>梯度范数</translation>
    </message>
    <message>
        <source>Logarithmic vertical axis (values &lt;= 0 are left out)</source>
        <translation>对数纵轴（略去 &lt;= 0 的值）</translation>
    </message>
    <message>
        <source>Not for %1: it is not a positive quantity on a ratio scale</source>
        <translation>不适用于 %1：它不是比率尺度上的正值量</translation>
    </message>
    <message>
        <source>this run</source>
        <translation>本次运行</translation>
    </message>
    <message>
        <source>training loss</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <source>training accuracy (0–1)</source>
        <translation>训练准确率（0–1）</translation>
    </message>
    <message>
        <source>throughput (samples / s)</source>
        <translation>吞吐量（样本/秒）</translation>
    </message>
    <message>
        <source>mean feature norm ‖z‖</source>
        <translation>平均特征范数 ‖z‖</translation>
    </message>
    <message>
        <source>mean applied margin</source>
        <translation>平均实际施加间隔</translation>
    </message>
    <message>
        <source>mean applied margin (%1)</source>
        <translation>平均实际施加间隔（%1）</translation>
    </message>
    <message>
        <source>gradient norm (before clipping)</source>
        <translation>梯度范数（裁剪前）</translation>
    </message>
    <message>
        <source>s</source>
        <translation>s</translation>
    </message>
    <message>
        <source>min</source>
        <translation>min</translation>
    </message>
    <message>
        <source>h</source>
        <translation>h</translation>
    </message>
    <message>
        <source>%1 skipped</source>
        <translation>已跳过 %1 步</translation>
    </message>
    <message>
        <source>%1: %2 skipped</source>
        <translation>%1：已跳过 %2 步</translation>
    </message>
    <message>
        <source>epoch (epochs completed)</source>
        <translation>轮（已完成的轮数）</translation>
    </message>
    <message>
        <source>epoch (whole epochs until the first one ends and its length is known)</source>
        <translation>轮（第一轮结束、其长度确定之前按整轮计）</translation>
    </message>
    <message>
        <source>wall time (%1)</source>
        <translation>墙钟时间（%1）</translation>
    </message>
    <message>
        <source>Nothing to draw yet: %1 skipped
(non-finite loss or gradients)</source>
        <translation>暂无可绘制的内容：已跳过 %1 步
（损失或梯度为非有限值）</translation>
    </message>
    <message>
        <source>No training steps yet</source>
        <translation>尚无训练步</translation>
    </message>
    <message>
        <source>This run does not report the %1</source>
        <translation>本次运行未报告 %1</translation>
    </message>
    <message>
        <source>%1 left out (≤ 0 on a log axis)</source>
        <translation>已略去 %1 个（在对数轴上 ≤ 0）</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>MarginLab: watch margin losses learn.</source>
        <translation>MarginLab：观察间隔损失的学习过程。</translation>
    </message>
    <message>
        <source>Load a built-in preset (default: synthface-demo).</source>
        <translation>加载内置预设（默认：synthface-demo）。</translation>
    </message>
    <message>
        <source>Load an experiment file.</source>
        <translation>加载实验文件。</translation>
    </message>
    <message>
        <source>Start training the experiment right away.</source>
        <translation>立即开始训练该实验。</translation>
    </message>
    <message>
        <source>Show this plot tab (0–6).</source>
        <translation>显示此图表标签页（0–6）。</translation>
    </message>
    <message>
        <source>Save the window as a PNG after --screenshot-delay seconds, then quit.</source>
        <translation>在 --screenshot-delay 秒后将窗口保存为 PNG，然后退出。</translation>
    </message>
    <message>
        <source>Seconds before the screenshot (default 1).</source>
        <translation>截图前等待的秒数（默认 1）。</translation>
    </message>
    <message>
        <source>Train the experiment with the plots live, then print the event loop&apos;s latency (p50, p99, max) and the run directory, and quit (scripts/bench_gui.sh).</source>
        <translation>在图表实时更新的情况下训练该实验，然后打印事件循环的延迟（p50、p99、最大值）和运行目录，并退出（scripts/bench_gui.sh）。</translation>
    </message>
    <message>
        <source>Colours for this start: system, light or dark.</source>
        <translation>本次启动使用的配色：system（跟随系统）、light（浅色）或 dark（深色）。</translation>
    </message>
    <message>
        <source>Follow a run directory: a finished run&apos;s plots, or a running one&apos;s as it goes (here, or on a server&apos;s disk mounted here).</source>
        <translation>跟随一个运行目录：已完成运行的图表，或正在进行的运行的实时图表（本机，或挂载到本机的服务器磁盘上）。</translation>
    </message>
    <message>
        <source>Open another run beside the followed one: in the runs table, its curves overlaid (repeat for more).</source>
        <translation>在所跟随的运行旁打开另一运行：列入运行表，并叠加其曲线（可重复以打开更多）。</translation>
    </message>
    <message>
        <source>Import a model of arcface_torch, AdaFace or CVLface and look at the experiment&apos;s data under it before any step.</source>
        <translation>导入 arcface_torch、AdaFace 或 CVLface 的模型，并在任何训练步之前查看实验数据在其下的分布。</translation>
    </message>
    <message>
        <source>Open this study directory in its window.</source>
        <translation>在其窗口中打开此研究目录。</translation>
    </message>
    <message>
        <source>With --study: export its figures, write its report.md, and quit.</source>
        <translation>与 --study 一起使用：导出其图表，写出其 report.md，然后退出。</translation>
    </message>
</context>
<context>
    <name>marginlab::widgets::ParameterChangeCommand</name>
    <message>
        <source>Set %1 to %2</source>
        <translation>将 %1 设为 %2</translation>
    </message>
</context>
</TS>
