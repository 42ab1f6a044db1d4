#include "core/experiment/experiment_fields.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>

#include "core/data/synthface_config.h"
#include "core/translatable.h"

namespace marginlab::train {
namespace {

using nlohmann::json;

constexpr double kHuge = 1e300;                     // "no upper bound" for numbers
constexpr double kHugeInt = 1099511627776.0;        // 2^40: "no upper bound" for counts of steps and seeds
constexpr Range kProbability{0.0, 1.0};

// One enum's names, in the order forms list them, with translatable tips.
template <class Enum>
struct EnumName {
  const char* name;
  Enum value;
  const char* tip;
};

template <class Enum>
using EnumNames = std::vector<EnumName<Enum>>;

const EnumNames<Precision> kPrecisions{
    {"fp32", Precision::fp32, ML_TRANSLATABLE("ExperimentField", "32-bit floats everywhere")},
    {"fp16", Precision::fp16, ML_TRANSLATABLE("ExperimentField", "fp16 autocast on CUDA; the head stays in fp32")},
    {"bf16", Precision::bf16, ML_TRANSLATABLE("ExperimentField", "bf16 autocast on CUDA; the head stays in fp32")}};
const EnumNames<DeviceChoice> kDevices{
    {"auto", DeviceChoice::automatic, ML_TRANSLATABLE("ExperimentField", "CUDA when available, else the CPU")},
    {"cpu", DeviceChoice::cpu, ML_TRANSLATABLE("ExperimentField", "The CPU")},
    {"cuda", DeviceChoice::cuda, ML_TRANSLATABLE("ExperimentField", "The first CUDA GPU")}};
const EnumNames<OptimizerKind> kOptimizers{
    {"sgd", OptimizerKind::sgd,
     ML_TRANSLATABLE("ExperimentField", "SGD with momentum (the face-recognition recipes)")},
    {"adamw", OptimizerKind::adamw, ML_TRANSLATABLE("ExperimentField", "AdamW")}};
const EnumNames<ScheduleKind> kSchedules{
    {"constant", ScheduleKind::constant, ML_TRANSLATABLE("ExperimentField", "Constant after the warm-up")},
    {"multistep", ScheduleKind::multistep,
     ML_TRANSLATABLE("ExperimentField", "Multiplied by gamma at each milestone epoch")},
    {"cosine", ScheduleKind::cosine, ML_TRANSLATABLE("ExperimentField", "Cosine decay to the minimum learning rate")},
    {"poly", ScheduleKind::poly, ML_TRANSLATABLE("ExperimentField", "Polynomial decay to the minimum learning rate")}};
const EnumNames<eval::FlipTest> kFlipTests{
    {"none", eval::FlipTest::none, ML_TRANSLATABLE("ExperimentField", "The image alone")},
    {"sum", eval::FlipTest::sum, ML_TRANSLATABLE("ExperimentField", "unit(u + u_flip): both views count equally")},
    {"norm_weighted", eval::FlipTest::norm_weighted,
     ML_TRANSLATABLE("ExperimentField",
                     "The sum of the raw features: the higher-norm view dominates (insightface, AdaFace)")}};

template <class Enum>
std::vector<FieldChoice> choices_of(const EnumNames<Enum>& names) {
  std::vector<FieldChoice> choices;
  for (const auto& n : names) choices.push_back({n.name, n.tip});
  return choices;
}

template <class Enum>
std::string enum_name(Enum value, const EnumNames<Enum>& names) {
  for (const auto& n : names) {
    if (n.value == value) return n.name;
  }
  return "?";
}

template <class Enum>
Enum enum_value(const std::string& name, const EnumNames<Enum>& names) {
  for (const auto& n : names) {
    if (name == n.name) return n.value;
  }
  return names.front().value;  // unreachable: set() only sees names that check() accepted
}

// Builds the table: each add() returns the new entry for the optional parts (unit, condition, rule).
class TableBuilder {
 public:
  // A member of a section of the Experiment (e.optimizer.lr) or of the Experiment itself (e.name).
  template <class Section, class T>
  ExperimentField& add(std::string key, FieldType type, Section Experiment::*section, T Section::*member,
                       const char* label, const char* tooltip) {
    auto& f = push(std::move(key), type, label, tooltip);
    f.get = [section, member](const Experiment& e) { return json(e.*section.*member); };
    f.set = [section, member](Experiment& e, const json& v) { v.get_to(e.*section.*member); };
    return f;
  }
  template <class T>
  ExperimentField& add(std::string key, FieldType type, T Experiment::*member, const char* label,
                       const char* tooltip) {
    auto& f = push(std::move(key), type, label, tooltip);
    f.get = [member](const Experiment& e) { return json(e.*member); };
    f.set = [member](Experiment& e, const json& v) { v.get_to(e.*member); };
    return f;
  }
  template <class Section, class Enum>
  ExperimentField& add_choice(std::string key, Section Experiment::*section, Enum Section::*member,
                              const EnumNames<Enum>& names, const char* label, const char* tooltip) {
    auto& f = push(std::move(key), FieldType::choice, label, tooltip);
    f.choices = choices_of(names);
    f.get = [section, member, &names](const Experiment& e) { return json(enum_name(e.*section.*member, names)); };
    f.set = [section, member, &names](Experiment& e, const json& v) {
      e.*section.*member = enum_value(v.get<std::string>(), names);
    };
    return f;
  }
  // A SynthFace generator setting: absent unless given, so the generator's own default applies.
  template <class T>
  ExperimentField& add_synthface(const std::string& name, FieldType type, T data::SynthFaceConfig::*member,
                                 Range range, const char* label, const char* tooltip) {
    auto& f = push("data.synthface." + name, type, label, tooltip);
    f.range = range;
    f.optional = true;
    f.default_value = json(data::SynthFaceConfig{}.*member);
    f.applies_when = FieldCondition{"data.source", {"synthface"}};
    f.get = [name](const Experiment& e) {
      const auto it = e.data.synthface.find(name);
      return it == e.data.synthface.end() ? json() : *it;
    };
    f.set = [name](Experiment& e, const json& v) {
      if (!e.data.synthface.is_object()) e.data.synthface = json::object();
      e.data.synthface[name] = v;
    };
    return f;
  }

  ExperimentField& last() { return fields_.back(); }

  std::vector<ExperimentField> finish() {
    const Experiment defaults;
    for (auto& f : fields_) {
      if (!f.optional) f.default_value = f.get(defaults);
    }
    return std::move(fields_);
  }

 private:
  ExperimentField& push(std::string key, FieldType type, const char* label, const char* tooltip) {
    ExperimentField f;
    f.key = std::move(key);
    f.type = type;
    f.label = label;
    f.tooltip = tooltip;
    if (type == FieldType::number || type == FieldType::numbers) f.range = Range{-kHuge, kHuge};
    if (type == FieldType::integer) f.range = Range{0, kHugeInt};
    fields_.push_back(std::move(f));
    return fields_.back();
  }

  std::vector<ExperimentField> fields_;
};

std::vector<ExperimentField> build_table() {
  TableBuilder t;
  using F = FieldType;
  using E = Experiment;

  t.add("name", F::text, &E::name, ML_TRANSLATABLE("ExperimentField", "Name"),
        ML_TRANSLATABLE("ExperimentField", "Names the run directories; no '/'"))
      .rule = [](const json& v) {
    const auto name = v.get<std::string>();
    return name.empty() || name.find('/') != std::string::npos ? std::string("must be a non-empty name without '/'")
                                                               : std::string();
  };
  t.add("description", F::text, &E::description, ML_TRANSLATABLE("ExperimentField", "Description"),
        ML_TRANSLATABLE("ExperimentField", "Where the recipe comes from, what the run is for"));
  t.add("runs_dir", F::text, &E::runs_dir, ML_TRANSLATABLE("ExperimentField", "Runs folder"),
        ML_TRANSLATABLE("ExperimentField", "Where run directories are created (relative to the working directory)"));

  // --- data ---
  auto& source = t.add("data.source", F::text, &E::data, &DataSettings::source,
                       ML_TRANSLATABLE("ExperimentField", "Source"),
                       ML_TRANSLATABLE("ExperimentField", "Where the training images come from"));
  source.type = F::choice;
  source.choices = {
      {"synthface", ML_TRANSLATABLE("ExperimentField", "Synthetic faces with known identity and image quality")},
      {"image_folder", ML_TRANSLATABLE("ExperimentField", "A folder with one subfolder of images per identity")},
      {"recordio", ML_TRANSLATABLE("ExperimentField", "An insightface train.rec (with train.idx beside it)")}};
  t.add("data.path", F::text, &E::data, &DataSettings::path, ML_TRANSLATABLE("ExperimentField", "Path"),
        ML_TRANSLATABLE("ExperimentField",
                        "The dataset: a folder of identity folders, or a folder with train.rec and train.idx"))
      .applies_when = FieldCondition{"data.source", {"image_folder", "recordio"}};
  using S = data::SynthFaceConfig;
  t.add_synthface("seed", F::integer, &S::seed, {0, kHugeInt}, ML_TRANSLATABLE("ExperimentField", "Seed"),
                  ML_TRANSLATABLE("ExperimentField", "Generator seed: identities, images and pairs"));
  t.add_synthface("identities", F::integer, &S::identities, {2, 1e6}, ML_TRANSLATABLE("ExperimentField", "Identities"),
                  ML_TRANSLATABLE("ExperimentField", "Training identities (classes)"));
  t.add_synthface("max_images_per_identity", F::integer, &S::max_images_per_identity, {1, 100000},
                  ML_TRANSLATABLE("ExperimentField", "Max images per identity"),
                  ML_TRANSLATABLE("ExperimentField", "Size of the largest class"));
  t.add_synthface("imbalance_ratio", F::number, &S::imbalance_ratio, {1, 100000},
                  ML_TRANSLATABLE("ExperimentField", "Imbalance ratio"),
                  ML_TRANSLATABLE("ExperimentField", "Largest over smallest class size (power-law long tail); at "
                                                     "most the max images per identity"));
  t.add_synthface("low_quality_fraction", F::number, &S::low_quality_fraction, kProbability,
                  ML_TRANSLATABLE("ExperimentField", "Low-quality fraction"),
                  ML_TRANSLATABLE("ExperimentField", "Weight of the low-quality part of the quality mixture"));
  t.add_synthface("family_size", F::integer, &S::family_size, {1, 1e6}, ML_TRANSLATABLE("ExperimentField", "Family size"),
                  ML_TRANSLATABLE("ExperimentField", "Identities per family of near-twins; 1 makes every identity "
                                                     "unrelated"));
  t.add_synthface("identity_spread", F::number, &S::identity_spread, {0, 1, true},
                  ML_TRANSLATABLE("ExperimentField", "Identity spread"),
                  ML_TRANSLATABLE("ExperimentField", "How far family members stray from their family's prototype"));
  t.add_synthface("verification_identities", F::integer, &S::verification_identities, {2, 1e6},
                  ML_TRANSLATABLE("ExperimentField", "Verification identities"),
                  ML_TRANSLATABLE("ExperimentField", "Held-out identities for the verification pairs"));
  t.add_synthface("pairs_per_stratum", F::integer, &S::pairs_per_stratum, {2, 1e6},
                  ML_TRANSLATABLE("ExperimentField", "Pairs per stratum"),
                  ML_TRANSLATABLE("ExperimentField", "Verification pairs per quality stratum, half genuine"));
  auto& image_size = t.add("data.image_size", F::integer, &E::data, &DataSettings::image_size,
                           ML_TRANSLATABLE("ExperimentField", "Image size"),
                           ML_TRANSLATABLE("ExperimentField", "Square side the network sees (multiple of 16)"));
  image_size.range = {16, 1024};
  image_size.unit = ML_TRANSLATABLE("ExperimentField", "px");
  image_size.rule = [](const json& v) {
    return v.get<std::int64_t>() % 16 == 0 ? std::string()
                                           : std::string("must be a multiple of 16 (the backbones downsample 16×)");
  };
  auto& color_order = t.add("data.color_order", F::choice, &E::data, &DataSettings::color_order,
                            ML_TRANSLATABLE("ExperimentField", "Colour order"),
                            ML_TRANSLATABLE("ExperimentField", "Channel order of the tensors the network sees"));
  color_order.choices = {{"rgb", ""}, {"bgr", ""}};
  auto& mean = t.add("data.mean", F::numbers, &E::data, &DataSettings::mean, ML_TRANSLATABLE("ExperimentField", "Mean"),
                     ML_TRANSLATABLE("ExperimentField", "Per channel on [0, 1] pixels, in tensor order"));
  mean.range = {0, 1};
  mean.count = 3;
  auto& std = t.add("data.std", F::numbers, &E::data, &DataSettings::std, ML_TRANSLATABLE("ExperimentField", "Std"),
                    ML_TRANSLATABLE("ExperimentField", "Per channel on [0, 1] pixels, in tensor order"));
  std.range = {0, 10, true};
  std.count = 3;
  t.add("data.flip", F::number, &E::data, &DataSettings::flip, ML_TRANSLATABLE("ExperimentField", "Flip probability"),
        ML_TRANSLATABLE("ExperimentField", "Probability of a horizontal flip"))
      .range = kProbability;
  t.add("data.crop", F::number, &E::data, &DataSettings::crop, ML_TRANSLATABLE("ExperimentField", "Crop probability"),
        ML_TRANSLATABLE("ExperimentField", "Probability of a random crop (AdaFace: 0.2)"))
      .range = kProbability;
  t.add("data.low_resolution", F::number, &E::data, &DataSettings::low_resolution,
        ML_TRANSLATABLE("ExperimentField", "Low-resolution probability"),
        ML_TRANSLATABLE("ExperimentField", "Probability of down- and up-sampling (AdaFace: 0.2)"))
      .range = kProbability;
  t.add("data.photometric", F::number, &E::data, &DataSettings::photometric,
        ML_TRANSLATABLE("ExperimentField", "Photometric probability"),
        ML_TRANSLATABLE("ExperimentField", "Probability of a brightness/contrast/saturation jitter (AdaFace: 0.2)"))
      .range = kProbability;
  t.add("data.loader_threads", F::integer, &E::data, &DataSettings::loader_threads,
        ML_TRANSLATABLE("ExperimentField", "Loader threads"),
        ML_TRANSLATABLE("ExperimentField", "Threads decoding and augmenting images"))
      .range = {1, 256};
  t.add("data.prefetch_batches", F::integer, &E::data, &DataSettings::prefetch_batches,
        ML_TRANSLATABLE("ExperimentField", "Prefetch batches"),
        ML_TRANSLATABLE("ExperimentField", "Batches prepared ahead of the trainer"))
      .range = {1, 1024};

  // --- model ---
  t.add("model.backbone", F::text, &E::model, &ModelSettings::backbone, ML_TRANSLATABLE("ExperimentField", "Backbone"),
        ML_TRANSLATABLE("ExperimentField", "Backbone network (marginlab-cli model-info lists them)"));
  t.add("model.embedding_dim", F::integer, &E::model, &ModelSettings::embedding_dim,
        ML_TRANSLATABLE("ExperimentField", "Embedding dimension"),
        ML_TRANSLATABLE("ExperimentField", "Length of the face embedding"))
      .range = {2, 65536};
  t.add("model.dropout", F::number, &E::model, &ModelSettings::dropout, ML_TRANSLATABLE("ExperimentField", "Dropout"),
        ML_TRANSLATABLE("ExperimentField", "Dropout before the embedding layer"))
      .range = {0, 0.999};
  t.add("model.channels_last", F::boolean, &E::model, &ModelSettings::channels_last,
        ML_TRANSLATABLE("ExperimentField", "Channels-last memory format"),
        ML_TRANSLATABLE("ExperimentField", "NHWC convolutions: usually much faster on CPUs"));
  t.add("model.init_from", F::text, &E::model, &ModelSettings::init_from,
        ML_TRANSLATABLE("ExperimentField", "Start from weights"),
        ML_TRANSLATABLE("ExperimentField",
                        "Fine-tune: the weights the run starts from (arcface_torch .pth or shards, AdaFace .ckpt, "
                        "CVLface safetensors, a MarginLab run); empty: a random start"));
  t.add("model.init_classifier", F::boolean, &E::model, &ModelSettings::init_classifier,
        ML_TRANSLATABLE("ExperimentField", "Take its classifier"),
        ML_TRANSLATABLE("ExperimentField",
                        "Start the head's class centres from the weights' classifier (same classes as the data)"));

  // --- head: the kind and its parameters (head.params) are checked against the head registry (check_experiment) ---
  t.add("head.kind", F::text, &E::head, &HeadSettings::kind, ML_TRANSLATABLE("ExperimentField", "Kind"),
        ML_TRANSLATABLE("ExperimentField", "Margin loss (marginlab-cli heads lists them)"));
  t.add("head.sample_rate", F::number, &E::head, &HeadSettings::sample_rate,
        ML_TRANSLATABLE("ExperimentField", "Sample rate"),
        ML_TRANSLATABLE("ExperimentField",
                        "Partial FC: share of the other classes in each step's softmax; the batch's classes always"))
      .range = {0, 1, true};
  t.add("head.schedule", F::schedule, &E::head, &HeadSettings::schedule,
        ML_TRANSLATABLE("ExperimentField", "Parameter schedule"),
        ML_TRANSLATABLE("ExperimentField",
                        "Head parameters changed at given steps, in force from the next step (\"0: m=0; 2000: "
                        "m=0.4\"); the changes made while a run goes are recorded here"));

  // --- optimizer ---
  t.add_choice("optimizer.kind", &E::optimizer, &OptimizerSettings::kind, kOptimizers,
               ML_TRANSLATABLE("ExperimentField", "Kind"), ML_TRANSLATABLE("ExperimentField", "Optimiser"));
  t.add("optimizer.lr", F::number, &E::optimizer, &OptimizerSettings::lr,
        ML_TRANSLATABLE("ExperimentField", "Learning rate"),
        ML_TRANSLATABLE("ExperimentField", "Base learning rate; the schedule scales it. Live: can change while a run "
                                           "goes"))
      .range = {0, 100, true};
  t.add("optimizer.momentum", F::number, &E::optimizer, &OptimizerSettings::momentum,
        ML_TRANSLATABLE("ExperimentField", "Momentum"), ML_TRANSLATABLE("ExperimentField", "SGD momentum"))
      .range = {0, 0.999999};
  t.last().applies_when = FieldCondition{"optimizer.kind", {"sgd"}};
  auto& betas = t.add("optimizer.betas", F::numbers, &E::optimizer, &OptimizerSettings::betas,
                      ML_TRANSLATABLE("ExperimentField", "Betas"), ML_TRANSLATABLE("ExperimentField", "AdamW β1, β2"));
  betas.range = {0, 0.999999};
  betas.count = 2;
  betas.applies_when = FieldCondition{"optimizer.kind", {"adamw"}};
  t.add("optimizer.eps", F::number, &E::optimizer, &OptimizerSettings::eps,
        ML_TRANSLATABLE("ExperimentField", "Epsilon"), ML_TRANSLATABLE("ExperimentField", "AdamW ε"))
      .range = {0, 1, true};
  t.last().applies_when = FieldCondition{"optimizer.kind", {"adamw"}};
  t.add("optimizer.weight_decay", F::number, &E::optimizer, &OptimizerSettings::weight_decay,
        ML_TRANSLATABLE("ExperimentField", "Weight decay"),
        ML_TRANSLATABLE("ExperimentField", "On conv/FC weights and the head kernel; never on BatchNorm"))
      .range = {0, 1};
  t.add("optimizer.clip_grad_norm", F::number, &E::optimizer, &OptimizerSettings::clip_grad_norm,
        ML_TRANSLATABLE("ExperimentField", "Clip gradient norm"),
        ML_TRANSLATABLE("ExperimentField", "Global gradient-norm clip; 0: no clipping"))
      .range = {0, kHuge};
  t.add("optimizer.backbone_lr_scale", F::number, &E::optimizer, &OptimizerSettings::backbone_lr_scale,
        ML_TRANSLATABLE("ExperimentField", "Backbone lr scale"),
        ML_TRANSLATABLE("ExperimentField", "Fine-tune: the backbone's learning rate as a multiple of the head's"))
      .range = {0, 100};
  t.add("optimizer.freeze_backbone_steps", F::integer, &E::optimizer, &OptimizerSettings::freeze_backbone_steps,
        ML_TRANSLATABLE("ExperimentField", "Freeze backbone for"),
        ML_TRANSLATABLE("ExperimentField",
                        "Fine-tune: steps at the start during which only the head learns (the backbone frozen, "
                        "BatchNorm statistics included)"))
      .range = {0, kHugeInt};
  t.add("optimizer.schedule", F::schedule, &E::optimizer, &OptimizerSettings::schedule,
        ML_TRANSLATABLE("ExperimentField", "Learning-rate changes"),
        ML_TRANSLATABLE("ExperimentField",
                        "The base learning rate changed at given steps (\"5000: lr=0.01\"), in force from the next "
                        "step; the schedule keeps scaling it"));

  // --- schedule ---
  t.add_choice("schedule.kind", &E::schedule, &ScheduleSettings::kind, kSchedules,
               ML_TRANSLATABLE("ExperimentField", "Kind"),
               ML_TRANSLATABLE("ExperimentField", "How the learning rate changes over the epochs"));
  auto& warmup = t.add("schedule.warmup_epochs", F::number, &E::schedule, &ScheduleSettings::warmup_epochs,
                       ML_TRANSLATABLE("ExperimentField", "Warm-up"),
                       ML_TRANSLATABLE("ExperimentField", "Linear warm-up from 0 (fractional epochs allowed)"));
  warmup.range = {0, 1e6};
  warmup.unit = ML_TRANSLATABLE("ExperimentField", "epochs");
  auto& milestones = t.add("schedule.milestones", F::numbers, &E::schedule, &ScheduleSettings::milestones,
                           ML_TRANSLATABLE("ExperimentField", "Milestones"),
                           ML_TRANSLATABLE("ExperimentField", "Epochs at which the learning rate is multiplied by "
                                                              "gamma, comma separated"));
  milestones.range = {0, kHuge, true};
  milestones.unit = ML_TRANSLATABLE("ExperimentField", "epochs");
  milestones.applies_when = FieldCondition{"schedule.kind", {"multistep"}};
  milestones.rule = [](const json& v) {
    for (std::size_t i = 1; i < v.size(); ++i) {
      if (v[i].get<double>() <= v[i - 1].get<double>()) return std::string("must be increasing positive epochs");
    }
    return std::string();
  };
  t.add("schedule.gamma", F::number, &E::schedule, &ScheduleSettings::gamma, ML_TRANSLATABLE("ExperimentField", "Gamma"),
        ML_TRANSLATABLE("ExperimentField", "Factor at each milestone, in (0, 1]"))
      .range = {0, 1, true};
  t.last().applies_when = FieldCondition{"schedule.kind", {"multistep"}};
  t.add("schedule.min_lr", F::number, &E::schedule, &ScheduleSettings::min_lr,
        ML_TRANSLATABLE("ExperimentField", "Minimum learning rate"),
        ML_TRANSLATABLE("ExperimentField", "Floor of the cosine / polynomial decay"))
      .range = {0, 100};
  t.last().applies_when = FieldCondition{"schedule.kind", {"cosine", "poly"}};
  t.add("schedule.power", F::number, &E::schedule, &ScheduleSettings::power, ML_TRANSLATABLE("ExperimentField", "Power"),
        ML_TRANSLATABLE("ExperimentField", "Exponent of the polynomial decay"))
      .range = {0, 100, true};
  t.last().applies_when = FieldCondition{"schedule.kind", {"poly"}};

  // --- train ---
  auto& epochs = t.add(
      "train.epochs", F::integer, &E::train, &TrainSettings::epochs, ML_TRANSLATABLE("ExperimentField", "Epochs"),
      ML_TRANSLATABLE("ExperimentField", "Passes over the training data; 0 with \"Report the start\": only look"));
  epochs.range = {0, 100000};
  auto& max_steps = t.add("train.max_steps", F::integer, &E::train, &TrainSettings::max_steps,
                          ML_TRANSLATABLE("ExperimentField", "Max steps"),
                          ML_TRANSLATABLE("ExperimentField", "Stop after this many steps; 0: no limit"));
  max_steps.unit = ML_TRANSLATABLE("ExperimentField", "steps");
  auto& batch = t.add("train.batch_size", F::integer, &E::train, &TrainSettings::batch_size,
                      ML_TRANSLATABLE("ExperimentField", "Batch size"),
                      ML_TRANSLATABLE("ExperimentField", "Images per step"));
  batch.range = {1, 1 << 20};
  batch.unit = ML_TRANSLATABLE("ExperimentField", "images");
  t.add_choice("train.device", &E::train, &TrainSettings::device, kDevices, ML_TRANSLATABLE("ExperimentField", "Device"),
               ML_TRANSLATABLE("ExperimentField", "Where the model runs"));
  t.add_choice("train.precision", &E::train, &TrainSettings::precision, kPrecisions,
               ML_TRANSLATABLE("ExperimentField", "Precision"),
               ML_TRANSLATABLE("ExperimentField", "Arithmetic precision"));
  t.add("train.threads", F::integer, &E::train, &TrainSettings::threads, ML_TRANSLATABLE("ExperimentField", "Threads"),
        ML_TRANSLATABLE("ExperimentField", "Intra-op threads; 0: all cores"))
      .range = {0, 1024};
  t.add("train.seed", F::integer, &E::train, &TrainSettings::seed, ML_TRANSLATABLE("ExperimentField", "Seed"),
        ML_TRANSLATABLE("ExperimentField", "Seed of the initialisation, shuffling and augmentation"));
  t.add("train.sync_batchnorm", F::boolean, &E::train, &TrainSettings::sync_batchnorm,
        ML_TRANSLATABLE("ExperimentField", "Synchronised BatchNorm"),
        ML_TRANSLATABLE("ExperimentField",
                        "Distributed runs: BatchNorm statistics of the global batch rather than each rank's share"));
  t.add("train.batchnorm_groups", F::integer, &E::train, &TrainSettings::batchnorm_groups,
        ML_TRANSLATABLE("ExperimentField", "BatchNorm groups"),
        ML_TRANSLATABLE("ExperimentField",
                        "One process: BatchNorm statistics per group of the batch, as that many ranks compute them"))
      .range = {1, 4096};
  t.add("train.processes", F::integer, &E::train, &TrainSettings::processes,
        ML_TRANSLATABLE("ExperimentField", "Processes"),
        ML_TRANSLATABLE("ExperimentField",
                        "Processes on this machine training the run together (one per GPU); started through the "
                        "launcher"))
      .range = {1, 1024};

  // --- report, checkpoint ---
  auto& report_every = t.add("report.every_steps", F::integer, &E::report, &ReportSettings::every_steps,
                             ML_TRANSLATABLE("ExperimentField", "Snapshot every"),
                             ML_TRANSLATABLE("ExperimentField",
                                             "Steps between snapshots of the per-sample and per-class diagnostics"));
  report_every.range = {1, kHugeInt};
  report_every.unit = ML_TRANSLATABLE("ExperimentField", "steps");
  t.add("report.samples", F::integer, &E::report, &ReportSettings::samples,
        ML_TRANSLATABLE("ExperimentField", "Samples per snapshot"),
        ML_TRANSLATABLE("ExperimentField", "Most recent samples kept for a snapshot"))
      .range = {1, 1 << 20};
  t.add("report.histogram_bins", F::integer, &E::report, &ReportSettings::histogram_bins,
        ML_TRANSLATABLE("ExperimentField", "Histogram bins"),
        ML_TRANSLATABLE("ExperimentField", "Bins of the feature-norm histogram"))
      .range = {2, 4096};
  t.add("report.save_every_steps", F::integer, &E::report, &ReportSettings::save_every_steps,
        ML_TRANSLATABLE("ExperimentField", "Save snapshot every"),
        ML_TRANSLATABLE("ExperimentField", "Snapshots written to the run directory for replay; 0: none"))
      .unit = ML_TRANSLATABLE("ExperimentField", "steps");
  t.add("report.at_start", F::boolean, &E::report, &ReportSettings::at_start,
        ML_TRANSLATABLE("ExperimentField", "Report the start"),
        ML_TRANSLATABLE("ExperimentField",
                        "Before the first step: the starting model's norms, margins and θ on the first batches, and "
                        "an evaluation"));
  t.add("checkpoint.every_steps", F::integer, &E::checkpoint, &CheckpointSettings::every_steps,
        ML_TRANSLATABLE("ExperimentField", "Checkpoint every"),
        ML_TRANSLATABLE("ExperimentField", "0: only at the end and at stop"))
      .unit = ML_TRANSLATABLE("ExperimentField", "steps");

  // --- eval ---
  t.add("eval.every_steps", F::integer, &E::eval, &EvalSettings::every_steps,
        ML_TRANSLATABLE("ExperimentField", "Evaluate every"),
        ML_TRANSLATABLE("ExperimentField", "Verification during training; 0: only at the end"))
      .unit = ML_TRANSLATABLE("ExperimentField", "steps");
  t.add("eval.at_end", F::boolean, &E::eval, &EvalSettings::at_end,
        ML_TRANSLATABLE("ExperimentField", "Evaluate at the end of the run"),
        ML_TRANSLATABLE("ExperimentField", "Verification on every set when the run ends"));
  t.add(
      "eval.sets", F::texts, &E::eval, &EvalSettings::sets, ML_TRANSLATABLE("ExperimentField", "Validation sets"),
      ML_TRANSLATABLE("ExperimentField",
                      "\"synthface\" (held-out SynthFace identities), \"synthface-closed\" (closed-set accuracy "
                      "by class size on unseen images of the training identities) or verification files: "
                      "insightface .bin packs and pair lists. Relative paths are looked up beside the dataset first."));
  t.add_choice("eval.flip_test", &E::eval, &EvalSettings::flip_test, kFlipTests,
               ML_TRANSLATABLE("ExperimentField", "Flip test"),
               ML_TRANSLATABLE("ExperimentField", "How an embedding is combined with its mirror image's"));
  auto& eval_batch = t.add("eval.batch_size", F::integer, &E::eval, &EvalSettings::batch_size,
                           ML_TRANSLATABLE("ExperimentField", "Batch size"),
                           ML_TRANSLATABLE("ExperimentField", "0: the training batch size"));
  eval_batch.range = {0, 1 << 20};
  eval_batch.unit = ML_TRANSLATABLE("ExperimentField", "images");
  return t.finish();
}

std::string describe_range(const ExperimentField& f) {
  if (f.type == FieldType::integer) {
    return fmt::format("[{}, {}]", static_cast<std::int64_t>(f.range.lo), static_cast<std::int64_t>(f.range.hi));
  }
  return f.range.describe();
}

}  // namespace

std::string to_string(FieldType type) {
  switch (type) {
    case FieldType::number: return "number";
    case FieldType::integer: return "integer";
    case FieldType::boolean: return "true/false";
    case FieldType::text: return "text";
    case FieldType::choice: return "choice";
    case FieldType::numbers: return "numbers";
    case FieldType::texts: return "texts";
    case FieldType::schedule:
      return "schedule";
  }
  return "?";
}

std::string ExperimentField::refusal(const json& v) const {
  std::string why;
  switch (type) {
    case FieldType::number:
      if (!v.is_number()) return "must be a number";
      if (!range.contains(v.get<double>())) return "must be in " + describe_range(*this);
      break;
    case FieldType::integer:
      if (!v.is_number_integer()) return "must be an integer";
      // Unsigned JSON integers (every non-negative literal) beyond 2^63 must not wrap into range.
      if (v.is_number_unsigned() ? !range.contains(static_cast<double>(v.get<std::uint64_t>()))
                                 : !range.contains(static_cast<double>(v.get<std::int64_t>()))) {
        return "must be in " + describe_range(*this);
      }
      break;
    case FieldType::boolean:
      if (!v.is_boolean()) return "must be true or false";
      break;
    case FieldType::text:
      if (!v.is_string()) return "must be a string";
      break;
    case FieldType::choice: {
      const bool known = v.is_string() && std::any_of(choices.begin(), choices.end(), [&](const FieldChoice& c) {
                           return c.name == v.get<std::string>();
                         });
      if (!known) return "must be " + allowed();
      break;
    }
    case FieldType::numbers:
      if (!v.is_array() || (count > 0 && v.size() != count)) {
        return count > 0 ? fmt::format("must be an array of {} numbers", count) : "must be an array of numbers";
      }
      for (const auto& x : v) {
        if (!x.is_number() || !range.contains(x.get<double>())) {
          return "entries must be numbers in " + describe_range(*this);
        }
      }
      break;
    case FieldType::texts:
      if (!v.is_array()) return "must be an array of strings";
      for (const auto& x : v) {
        if (!x.is_string() || x.get<std::string>().empty()) return "entries must be non-empty strings";
      }
      break;
    case FieldType::schedule:
      if (auto problem = schedule_refusal(v); !problem.empty()) return problem;
      break;
  }
  return rule ? rule(v) : std::string();
}

std::string ExperimentField::allowed() const {
  switch (type) {
    case FieldType::number:
    case FieldType::integer: return describe_range(*this);
    case FieldType::boolean: return "true or false";
    case FieldType::text: return "a string";
    case FieldType::choice: {
      std::string names;
      for (const auto& c : choices) names += (names.empty() ? "" : ", ") + c.name;
      return "one of " + names;
    }
    case FieldType::numbers:
      return (count > 0 ? std::to_string(count) + " numbers" : std::string("numbers")) + " in " + describe_range(*this);
    case FieldType::texts: return "a list of strings";
    case FieldType::schedule:
      return R"([{"step": s, "params": {"name": value}}, ...] in step order)";
  }
  return "";
}

bool ExperimentField::applies_to(const Experiment& experiment) const {
  if (!applies_when) return true;
  const auto* other = find_field(applies_when->key);
  if (!other) return true;
  const json value = field_value(*other, experiment);
  if (!value.is_string()) return true;
  const auto& values = applies_when->values;
  return std::find(values.begin(), values.end(), value.get<std::string>()) != values.end();
}

const std::vector<ExperimentField>& experiment_fields() {
  static const std::vector<ExperimentField> table = build_table();
  return table;
}

const ExperimentField* find_field(const std::string& key) {
  for (const auto& f : experiment_fields()) {
    if (f.key == key) return &f;
  }
  return nullptr;
}

json field_value(const ExperimentField& field, const Experiment& experiment) {
  json value = field.get(experiment);
  return value.is_null() && field.optional ? field.default_value : value;
}

bool is_field_section(const std::string& key) {
  if (key == kHeadParamsKey) return true;
  const std::string prefix = key + ".";
  return std::any_of(experiment_fields().begin(), experiment_fields().end(),
                     [&](const ExperimentField& f) { return f.key.compare(0, prefix.size(), prefix) == 0; });
}

}  // namespace marginlab::train
