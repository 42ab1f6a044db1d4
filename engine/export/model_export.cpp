#include "engine/export/model_export.h"

#include <fmt/format.h>

#include "core/errors.h"
#include "engine/data/loader.h"
#include "engine/export/export_error.h"
#include "engine/export/staged_output.h"
#include "engine/export/state_dict_export.h"
#include "engine/train/data_setup.h"
#ifdef MARGINLAB_WITH_ONNX
#include "engine/export/onnx_export.h"
#endif

namespace marginlab::exporting {
namespace {

#ifdef MARGINLAB_WITH_ONNX
std::string join(const std::array<float, 3>& values) {
  return fmt::format("{},{},{}", values[0], values[1], values[2]);
}

OnnxMetadata onnx_metadata(const train::TrainedModel& model, const train::TrainedHead& head) {
  const auto& data = model.experiment.data;
  const auto& spec = model.backbone->spec();
  return {{"marginlab.backbone", spec.kind},
          {"marginlab.embedding_dim", std::to_string(spec.embedding_dim)},
          {"marginlab.input_size", std::to_string(spec.input_size)},
          {"marginlab.input_layout", "NCHW float32"},
          {"marginlab.color_order", data.color_order},
          {"marginlab.mean", join(data.mean)},
          {"marginlab.std", join(data.std)},
          {"marginlab.preprocessing", preprocessing_json(model.experiment).dump()},
          {"marginlab.output", "raw embedding; its L2 norm is the quality proxy, compare by cosine"},
          {"marginlab.head", head.kind},
          {"marginlab.head_parameters", nlohmann::json(head.parameters).dump()},
          {"marginlab.step", std::to_string(model.step)}};
}

// The run's own first images, preprocessed exactly as evaluation does, and what they are.
std::pair<torch::Tensor, std::string> parity_images(const train::TrainedModel& model, std::int64_t count) {
  const auto data = train::open_training_data(model.experiment.data, model.checkpoint.string());
  auto config = train::loader_config(model.experiment, /*training=*/false);
  config.batch_size = std::min<std::int64_t>(count, data.train->size());
  config.threads = 1;
  data::Loader loader(data.train, config);
  loader.start(0);
  auto batch = loader.next();
  if (!batch) throw InvalidFile(data.train->describe() + ": no image could be read for the ONNX parity check");
  return {batch->images, fmt::format("the first {} images of {}, for the ONNX parity check", batch->images.size(0),
                                     data.train->describe())};
}
#endif

std::uintmax_t size_of(const std::filesystem::path& path) {
  std::error_code ignored;
  return std::filesystem::file_size(path, ignored);
}

}  // namespace

std::vector<ExportFormat> parse_export_formats(const std::string& name) {
  if (name == "onnx") return {ExportFormat::onnx};
  if (name == "pytorch") return {ExportFormat::pytorch};
  if (name == "all") return {ExportFormat::onnx, ExportFormat::pytorch};
  throw InvalidParameter("--format " + name + ": must be onnx, pytorch or all");
}

bool onnx_export_available() {
#ifdef MARGINLAB_WITH_ONNX
  return true;
#else
  return false;
#endif
}

ExportResult export_model(const ExportRequest& request, const ExportProgress& progress) {
  const auto say = [&progress](const std::string& line) {
    if (progress) progress(line);
  };
  if (request.formats.empty()) throw InvalidParameter("export: no format asked for");
  const bool onnx = std::find(request.formats.begin(), request.formats.end(), ExportFormat::onnx) !=
                    request.formats.end();
  const bool pytorch = std::find(request.formats.begin(), request.formats.end(), ExportFormat::pytorch) !=
                       request.formats.end();
  if (onnx && !onnx_export_available()) {
    throw InvalidParameter("export: this build has no ONNX export (it needs libonnx-dev and OpenCV's DNN module)");
  }
  if (request.parity_images < 1) {
    throw InvalidParameter(fmt::format("export: parity_images = {} must be at least 1", request.parity_images));
  }

  say("reading " + request.checkpoint.string());
  const auto model = train::load_trained_model(request.checkpoint, torch::kCPU);
  const auto head = train::load_trained_head(model);
  StagedOutput output(request.out_dir);
  ModelCardExtras extras;
  ExportResult result;
  result.backbone = model.backbone->spec().kind;
  result.step = model.step;

  if (pytorch) {
    say("writing backbone.pt");
    const auto backbone_bytes = state_dict_bytes(state_dict_of(*model.backbone));
    output.write("backbone.pt", {backbone_bytes.data(), backbone_bytes.size()});
    extras.files.push_back({"backbone.pt", "pytorch-state-dict",
                            "the backbone's state dict, arcface_torch names (torch.load, then load_state_dict)",
                            backbone_bytes.size()});
    // A backbone imported without its classifier has no head to hand on.
    if (train::has_classifier(head)) {
      NamedTensors head_tensors;
      for (const auto& [name, tensor] : head.tensors) head_tensors.emplace_back(name, tensor.contiguous());
      say("writing head.pt");
      const auto head_bytes = state_dict_bytes(head_tensors);
      output.write("head.pt", {head_bytes.data(), head_bytes.size()});
      extras.files.push_back({"head.pt", "pytorch-head",
                              "the " + head.kind + " head's kernel (D, C: one column per class) and buffers",
                              head_bytes.size()});
    }
  }

#ifdef MARGINLAB_WITH_ONNX
  if (onnx) {
    say("writing model.onnx");
    const auto bytes = onnx_model_bytes(*model.backbone, onnx_metadata(model, head));
    output.write("model.onnx", bytes);
    extras.files.push_back({"model.onnx", "onnx",
                            fmt::format("the backbone, opset {}: images -> raw embedding", kOnnxOpset), bytes.size()});
    auto [images, described] = parity_images(model, request.parity_images);
    extras.data_read = described;
    say("checking model.onnx with OpenCV DNN on " + described);
    torch::Tensor reference;
    {
      torch::NoGradGuard no_grad;
      const auto out = model.backbone->forward(images);
      reference = out.embedding * out.norm;
    }
    if (!torch::isfinite(reference).all().item<bool>()) {
      throw ExportError(fmt::format(
          "{}: LibTorch's own embeddings of the run's images are not finite at step {}: the network overflows in "
          "evaluation mode (barely trained, or diverged), so no ONNX file can be checked against it",
          model.checkpoint.string(), model.step));
    }
    extras.parity = check_onnx_parity(output.staged("model.onnx"), images, reference,
                                      (request.out_dir / "model.onnx").string());
    result.parity = extras.parity;
    say(fmt::format("ONNX parity: {} images, smallest cosine {:.8f} (1 - cosine = {:.1e}; required >= {})",
                    extras.parity->images, extras.parity->min_cosine, 1.0 - extras.parity->min_cosine,
                    kParityMinCosine));
  }
#endif

  say("writing model_card.json");
  output.write("model_card.json", model_card(model, head, extras).dump(2) + "\n");
  result.files = output.commit();
  for (const auto& file : result.files) say(fmt::format("{} ({} bytes)", file.string(), size_of(file)));
  return result;
}

}  // namespace marginlab::exporting
