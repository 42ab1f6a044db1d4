// marginlab-cli export (a run's model as ONNX / PyTorch weights) and embed (its embeddings of a dataset as .npy).
#include <fmt/format.h>

#include <memory>
#include <string>

#include "app/cli/command.h"
#include "engine/export/embedding_export.h"
#include "engine/export/model_export.h"

namespace marginlab::cli {
namespace {

struct ExportOptions {
  std::string checkpoint;
  std::string format = "all";
  std::string out;
  std::int64_t parity_images = 16;
};

int run_export(const ExportOptions& options) {
  exporting::ExportRequest request;
  request.checkpoint = options.checkpoint;
  request.formats = exporting::parse_export_formats(options.format);
  request.out_dir = options.out;
  request.parity_images = options.parity_images;
  const auto result = exporting::export_model(request, [](const std::string& line) {
    fmt::print("{}\n", line);
    std::fflush(stdout);
  });
  fmt::print("exported {} (step {}): {} files in {}\n", result.backbone, result.step, result.files.size(),
             options.out);
  return 0;
}

int run_embed(const exporting::EmbedRequest& request) {
  const auto result = exporting::export_embeddings(request, [](const std::string& line) {
    fmt::print("{}\n", line);
    std::fflush(stdout);
  });
  fmt::print("{} embeddings of dimension {} ({} unreadable) from {}\n", result.images, result.dim, result.skipped,
             result.data);
  for (const auto& file : result.files) fmt::print("  {}\n", file.string());
  if (result.non_finite > 0) {
    fmt::print("warning: {} of {} embeddings are not finite: the network overflows in evaluation mode (barely "
               "trained, or diverged)\n",
               result.non_finite, result.images);
  }
  return 0;
}

}  // namespace

void add_export_commands(CLI::App& app, CLI::App& /*bench_group*/, Commands& commands) {
  auto* export_command = app.add_subcommand(
      "export", "a run's model as ONNX (checked against LibTorch with OpenCV DNN) and PyTorch weights, with a model card");
  auto options = std::make_shared<ExportOptions>();
  export_command->add_option("--checkpoint", options->checkpoint, "run directory, or a checkpoint file inside one")
      ->required();
  export_command->add_option("--format", options->format, "onnx, pytorch or all")
      ->check(CLI::IsMember({"onnx", "pytorch", "all"}))
      ->capture_default_str();
  export_command->add_option("--out", options->out, "folder for model.onnx, backbone.pt, head.pt, model_card.json")
      ->required();
  export_command->add_option("--parity-images", options->parity_images,
                             "images of the run's data the ONNX file is checked on")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  commands.push_back({export_command, [options] { return run_export(*options); }});

  auto* embed_command = app.add_subcommand("embed", "a run's embeddings of a dataset as NumPy .npy files");
  auto request = std::make_shared<exporting::EmbedRequest>();
  auto flip = std::make_shared<std::string>("none");
  embed_command->add_option("--checkpoint", request->checkpoint, "run directory, or a checkpoint file inside one")
      ->required();
  embed_command->add_option("--data", request->data,
                            "synthface (held-out identities), synthface-train, an image folder, a .rec, "
                            "or a .bin pack / pair list")
      ->required();
  embed_command->add_option("--out", request->out, "E.npy; also writes E.norms.npy, E.labels.npy, E.json, "
                                                   "and E.quality.npy where quality is known")
      ->required();
  embed_command->add_option("--limit", request->limit, "embed only the first N images (0: all)")
      ->check(CLI::NonNegativeNumber);
  embed_command->add_option("--flip", *flip, "flip test: none, sum or norm_weighted")
      ->check(CLI::IsMember({"none", "sum", "norm_weighted"}))
      ->capture_default_str();
  embed_command->add_option("--batch", request->batch_size, "images per forward pass")->check(CLI::PositiveNumber);
  embed_command->add_option("--device", request->device, "auto, cpu or cuda")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  commands.push_back({embed_command, [request, flip] {
                        // CLI11 has already refused any other name.
                        request->flip_test = eval::flip_test_from_string(*flip).value_or(eval::FlipTest::none);
                        return run_embed(*request);
                      }});
}

}  // namespace marginlab::cli
