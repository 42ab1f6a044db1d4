#include "engine/train/memory_check.h"

#include <fmt/format.h>

#include "core/errors.h"
#include "core/heads/head_registry.h"
#include "engine/backbones/backbone.h"
#include "engine/backbones/model_info.h"
#include "engine/runtime/device_memory.h"

namespace marginlab::train {

distributed::MemoryPlan plan_run(const Experiment& experiment, std::int64_t classes, std::int64_t dataset_size,
                                 int world_size) {
  backbones::BackboneSpec spec;
  spec.kind = experiment.model.backbone;
  spec.embedding_dim = experiment.model.embedding_dim;
  spec.input_size = experiment.data.image_size;
  const auto info = backbones::model_info(spec);
  distributed::PlanInput input;
  input.backbone = spec.kind;
  input.backbone_parameters = info.parameters;
  input.activation_elements_per_image = backbones::activation_elements(info);
  input.classes = classes;
  input.embedding_dim = experiment.model.embedding_dim;
  input.global_batch = experiment.train.batch_size;
  input.world_size = world_size;
  input.sample_rate = experiment.head.sample_rate;
  input.half_activations = experiment.train.precision != Precision::fp32;
  input.optimizer_slots = experiment.optimizer.kind == OptimizerKind::adamw ? 2 : 1;
  const auto chosen = heads::canonical_head(experiment.head.kind, experiment.head.params);
  const auto values = heads::head_parameter_values(experiment.head.kind, experiment.head.params);
  if (chosen.head->has(heads::HeadCapability::sample_memory, values)) input.sample_memory_rows = dataset_size;
  return distributed::plan_memory(input);
}

void check_memory(const Experiment& experiment, std::int64_t classes, std::int64_t dataset_size, int world_size,
                  int ranks_sharing, const torch::Device& device, const std::string& origin) {
  const auto available = device_memory(device);
  if (!available) return;
  const auto plan = plan_run(experiment, classes, dataset_size, world_size);
  const double need = plan.memory_bytes() * ranks_sharing;
  if (need <= available->free_bytes) return;
  std::string largest;
  double largest_bytes = 0;
  for (const auto& line : plan.memory) {
    if (line.bytes > largest_bytes) {
      largest_bytes = line.bytes;
      largest = line.what;
    }
  }
  throw InvalidParameter(fmt::format(
      "{}: this run needs about {} per rank{} (most of it {}: {}), but the {} has {} available. Lower "
      "train.batch_size (activations, logits), run more ranks (each holds 1/W of the classifier){}; "
      "`marginlab-cli plan --backbone {} --classes {} --batch {} --world-size {}` shows every line",
      origin, distributed::format_bytes(plan.memory_bytes()),
      ranks_sharing > 1
          ? fmt::format(", {} for the {} ranks on this machine", distributed::format_bytes(need), ranks_sharing)
          : std::string(),
      largest, distributed::format_bytes(largest_bytes), available->what,
      distributed::format_bytes(available->free_bytes),
      device.is_cuda() ? ", or train.precision = \"fp16\"" : std::string(), experiment.model.backbone, classes,
      experiment.train.batch_size, world_size));
}

}  // namespace marginlab::train
