// marginlab-cli model-info: size and cost of the backbones.
#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "app/cli/command.h"
#include "engine/backbones/backbone.h"
#include "engine/backbones/model_info.h"
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
}

}  // namespace marginlab::cli
