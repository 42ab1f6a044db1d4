// marginlab-cli model-info: size and cost of the backbones; plan: what a rank of a Partial FC run holds and sends.
#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "app/cli/command.h"
#include "engine/backbones/backbone.h"
#include "engine/backbones/model_info.h"
#include "core/distributed/memory_plan.h"
#include "core/errors.h"

namespace marginlab::cli {
namespace {

struct ModelInfoOptions {
  std::string backbone = "all";
  std::int64_t input_size = 0;  // 0: each kind's native size
  std::int64_t embedding_dim = 512;
  bool layers = false;
};

void print_layers(const backbones::ModelInfo& info) {
  fmt::print("  {:<44} {:<7} {:>16} {:>12} {:>10}\n", "layer", "type", "output (C×H×W)", "params", "MMACs");
  for (const auto& layer : info.layers) {
    fmt::print("  {:<44} {:<7} {:>16} {:>12} {:>10.3f}\n", layer.name, backbones::layer_type_name(layer.type),
               fmt::format("{}×{}×{}", layer.output.channels, layer.output.height, layer.output.width),
               layer.parameters, layer.multiply_adds / 1e6);
  }
}

int run_model_info(const ModelInfoOptions& options) {
  std::vector<std::string> kinds;
  if (options.backbone == "all") {
    for (const auto& [kind, description] : backbones::backbone_kinds()) kinds.push_back(kind);
  } else {
    kinds.push_back(options.backbone);
  }
  fmt::print("{:<16} {:>7} {:>5} {:>12} {:>10} {:>13} {:>9} {:>9}\n", "backbone", "input", "dim", "parameters",
             "params(M)", "trainable(M)", "GMACs", "GFLOPs");
  for (const auto& kind : kinds) {
    backbones::BackboneSpec spec;
    spec.kind = kind;
    spec.embedding_dim = options.embedding_dim;
    spec.input_size = options.input_size > 0 ? options.input_size : backbones::native_input_size(kind);
    const auto info = backbones::model_info(spec);
    fmt::print("{:<16} {:>7} {:>5} {:>12} {:>10.1f} {:>13.1f} {:>9.3f} {:>9.3f}\n", kind,
               fmt::format("{}x{}", spec.input_size, spec.input_size), spec.embedding_dim, info.parameters,
               info.parameters / 1e6, info.trainable_parameters / 1e6, info.multiply_adds / 1e9,
               2 * info.multiply_adds / 1e9);
    std::fflush(stdout);
    if (options.layers) print_layers(info);
  }
  fmt::print("GMACs: multiply-adds per image (what insightface's tables call \"GFlops\"); GFLOPs = 2 x GMACs.\n"
             "Counted: convolutions, linear layers, batch norms and PReLUs (one multiply-add per element each);\n"
             "residual additions are not. Parameters include frozen ones (IResNet's features.weight).\n");
  return 0;
}

struct PlanOptions {
  std::string backbone = "ir50";
  std::int64_t input_size = 0;
  std::int64_t classes = 0;
  std::int64_t embedding_dim = 512;
  std::int64_t batch = 0;
  int world_size = 1;
  double sample_rate = 1.0;
  std::string precision = "fp32";
  std::string optimizer = "sgd";
  std::int64_t sample_memory = 0;
  double device_gib = 0;
};

int run_plan(const PlanOptions& options) {
  backbones::BackboneSpec spec;
  spec.kind = options.backbone;
  spec.embedding_dim = options.embedding_dim;
  spec.input_size = options.input_size > 0 ? options.input_size : backbones::native_input_size(options.backbone);
  const auto info = backbones::model_info(spec);
  distributed::PlanInput input;
  input.backbone = options.backbone;
  input.backbone_parameters = info.parameters;
  input.activation_elements_per_image = backbones::activation_elements(info);
  input.classes = options.classes;
  input.embedding_dim = options.embedding_dim;
  input.global_batch = options.batch;
  input.world_size = options.world_size;
  input.sample_rate = options.sample_rate;
  input.half_activations = options.precision != "fp32";
  input.optimizer_slots = options.optimizer == "adamw" ? 2 : 1;
  input.sample_memory_rows = options.sample_memory;
  const auto plan = distributed::plan_memory(input);

  const std::string sampled =
      options.sample_rate < 1 ? fmt::format(" ({} in each softmax)", plan.sampled_per_rank) : std::string();
  fmt::print("{} ({}x{}, {:.1f}M parameters), {} classes x {}, global batch {} over {} rank(s): {} images and {} "
             "classes per rank{}\n\n",
             options.backbone, spec.input_size, spec.input_size, static_cast<double>(info.parameters) / 1e6,
             options.classes, options.embedding_dim, options.batch, options.world_size, plan.local_batch,
             plan.classes_per_rank, sampled);
  const auto print_lines = [](const char* title, const std::vector<distributed::PlanLine>& lines, double total) {
    fmt::print("{}\n", title);
    for (const auto& line : lines) {
      fmt::print("  {:<48} {:>10}   {}\n", line.what, distributed::format_bytes(line.bytes), line.how);
    }
    fmt::print("  {:<48} {:>10}\n", "total", distributed::format_bytes(total));
  };
  print_lines("memory per rank", plan.memory, plan.memory_bytes());
  fmt::print("\n");
  print_lines("sent by each rank per step", plan.traffic, plan.traffic_bytes());
  const double per_image = input.activation_elements_per_image * (input.half_activations ? 2.0 : 4.0);
  fmt::print("\nActivations: every layer's output kept for the backward pass ({} per image), an estimate; the "
             "allocator, cuDNN's workspaces and the CUDA context come on top.\n",
             distributed::format_bytes(per_image));
  if (options.device_gib > 0) {
    const double device = options.device_gib * 1024.0 * 1024.0 * 1024.0;
    const double need = plan.memory_bytes();
    if (need > device) {
      fmt::print("does not fit {} GiB: {} over. More ranks shrink the classifier shard, a smaller sample rate the "
                 "logits, a smaller batch the activations.\n",
                 options.device_gib, distributed::format_bytes(need - device));
      return 1;
    }
    fmt::print("fits {} GiB with {} to spare\n", options.device_gib, distributed::format_bytes(device - need));
  }
  return 0;
}

}  // namespace

void add_model_commands(CLI::App& app, CLI::App& /*bench_group*/, Commands& commands) {
  auto* info = app.add_subcommand("model-info", "parameters and multiply-adds of the backbones");
  auto options = std::make_shared<ModelInfoOptions>();
  info->add_option("--backbone", options->backbone, "a backbone kind, or all")->capture_default_str();
  info->add_option("--input-size", options->input_size, "input side (default: 112, 64 for demo)")
      ->check(CLI::PositiveNumber);
  info->add_option("--embedding-dim", options->embedding_dim, "embedding dimension")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  info->add_flag("--layers", options->layers, "also list every layer: output shape, parameters, multiply-adds");
  commands.push_back({info, [options] { return run_model_info(*options); }});

  auto* plan = app.add_subcommand("plan", "memory per rank and traffic per step of a (Partial FC) distributed run");
  auto p = std::make_shared<PlanOptions>();
  plan->add_option("--backbone", p->backbone, "a backbone kind")->capture_default_str();
  plan->add_option("--input-size", p->input_size, "input side (default: the backbone's)")->check(CLI::PositiveNumber);
  plan->add_option("--classes", p->classes, "identities in the training set")->required()->check(CLI::PositiveNumber);
  plan->add_option("--embedding-dim", p->embedding_dim, "embedding dimension")->capture_default_str()
      ->check(CLI::PositiveNumber);
  plan->add_option("--batch", p->batch, "global batch: one step over all ranks (train.batch_size)")
      ->required()->check(CLI::PositiveNumber);
  plan->add_option("--world-size", p->world_size, "ranks (GPUs)")->capture_default_str()->check(CLI::Range(1, 65536));
  plan->add_option("--sample-rate", p->sample_rate, "Partial FC's share of each rank's classes in the softmax")
      ->capture_default_str();
  plan->add_option("--precision", p->precision, "fp32, fp16 or bf16 (autocast: activations in 2 bytes)")
      ->check(CLI::IsMember({"fp32", "fp16", "bf16"}))->capture_default_str();
  plan->add_option("--optimizer", p->optimizer, "sgd (one slot per weight) or adamw (two)")
      ->check(CLI::IsMember({"sgd", "adamw"}))->capture_default_str();
  plan->add_option("--sample-memory", p->sample_memory, "KappaFace's per-sample memory: the dataset's images");
  plan->add_option("--device-memory", p->device_gib, "GiB of one device: say whether the plan fits (exit 1 if not)");
  commands.push_back({plan, [p] { return run_plan(*p); }});
}

}  // namespace marginlab::cli
