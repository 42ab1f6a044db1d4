#include "engine/export/embedding_export.h"

#include <fmt/format.h>

#include <cmath>

#include "core/errors.h"
#include "engine/data/image_folder.h"
#include "engine/data/recordio_source.h"
#include "engine/data/verification_set.h"
#include "engine/eval/evaluator.h"
#include "engine/export/staged_output.h"
#include "engine/formats/npy.h"
#include "engine/train/data_setup.h"
#include "engine/train/evaluation_sets.h"
#include "engine/train/session.h"

namespace marginlab::exporting {
namespace {

namespace fs = std::filesystem;

// The first `count` images of another source, for --limit.
class FirstImages : public data::SampleSource {
 public:
  FirstImages(std::shared_ptr<const data::SampleSource> source, std::int64_t count)
      : source_(std::move(source)), count_(std::min(count, source_->size())) {}
  std::int64_t size() const override { return count_; }
  std::int64_t num_classes() const override { return source_->num_classes(); }
  std::int64_t label(std::int64_t index) const override { return source_->label(index); }
  std::vector<std::int64_t> class_counts() const override { return source_->class_counts(); }
  data::ImageSample load(std::int64_t index) const override { return source_->load(index); }
  data::ColorOrder color_order() const override { return source_->color_order(); }
  std::string describe() const override {
    return fmt::format("the first {} images of {}", count_, source_->describe());
  }

 private:
  std::shared_ptr<const data::SampleSource> source_;
  std::int64_t count_;
};

std::shared_ptr<const data::SampleSource> open_images(const std::string& data, const train::TrainedModel& model) {
  const auto& settings = model.experiment.data;
  const auto order = settings.color_order == "bgr" ? data::ColorOrder::bgr : data::ColorOrder::rgb;
  if (data == "synthface" || data == "synthface-train") {
    if (settings.source != "synthface") {
      throw InvalidParameter("--data " + data + ": the run trained on " + settings.source +
                             " data, not SynthFace; name a dataset path instead");
    }
    auto training = train::open_training_data(settings, model.checkpoint.string());
    return data == "synthface" ? training.verification_images : training.train;
  }
  std::error_code error;
  if (fs::is_directory(data, error)) {
    // A folder holding train.rec is a RecordIO dataset, as data.source "recordio" reads it.
    if (fs::exists(fs::path(data) / "train.rec")) return std::make_shared<data::RecordIOSource>(data, order);
    return std::make_shared<data::ImageFolderSource>(data, order);
  }
  if (!fs::exists(data, error)) {
    throw InvalidFile(data + ": no such file or folder (--data takes synthface, synthface-train, an image folder, "
                             "a .rec, or a .bin pack / pair list)");
  }
  if (fs::path(data).extension() == ".rec") return std::make_shared<data::RecordIOSource>(data, order);
  return data::open_verification_set(data, order).images;
}

// "E.npy" → "E" beside it: the other files are "E.norms.npy", ...
std::string stem_of(const fs::path& out) {
  if (out.extension() != ".npy") {
    throw InvalidParameter("--out " + out.string() + ": must name a .npy file (E.npy gives E.norms.npy, ...)");
  }
  return out.stem().string();
}

}  // namespace

EmbedResult export_embeddings(const EmbedRequest& request, const ExportProgress& progress) {
  const auto say = [&progress](const std::string& line) {
    if (progress) progress(line);
  };
  const auto stem = stem_of(request.out);
  if (request.limit < 0) throw InvalidParameter(fmt::format("--limit {}: must be 0 (all) or more", request.limit));
  const auto device = train::resolve_device(train::device_choice_from_string(request.device, "--device"));
  say("reading " + request.checkpoint.string());
  const auto model = train::load_trained_model(request.checkpoint, device);
  const auto head = train::load_trained_head(model);
  auto images = open_images(request.data, model);
  if (request.limit > 0) images = std::make_shared<FirstImages>(images, request.limit);
  if (images->size() == 0) throw InvalidFile(request.data + ": holds no images");

  auto experiment = model.experiment;
  if (request.batch_size > 0) experiment.eval.batch_size = request.batch_size;
  auto options = train::evaluation_options(experiment);
  options.flip_test = request.flip_test;
  say(fmt::format("embedding {} on {}", images->describe(), device.str()));
  const auto embed = [&](const torch::Tensor& batch) {
    torch::NoGradGuard no_grad;
    return model.backbone->forward(batch.to(device));
  };
  const auto embeddings = eval::embed_images(images, embed, options);

  const auto rows = embeddings.embeddings.size(0);
  const auto dim = embeddings.embeddings.size(1);
  const auto unit = embeddings.embeddings.contiguous();
  std::vector<std::int64_t> labels(static_cast<std::size_t>(rows));
  for (std::int64_t i = 0; i < rows; ++i) labels[static_cast<std::size_t>(i)] = images->label(i);
  std::int64_t non_finite = 0;
  for (std::size_t i = 0; i < embeddings.norms.size(); ++i) {
    if (embeddings.readable[i] && !std::isfinite(embeddings.norms[i])) ++non_finite;
  }
  const bool quality_known = std::any_of(embeddings.quality.begin(), embeddings.quality.end(),
                                         [](float q) { return !std::isnan(q); });

  StagedOutput output(request.out.has_parent_path() ? request.out.parent_path() : fs::path("."));
  ModelCardExtras extras;
  extras.data_read = fmt::format("{} ({} images, {} unreadable, {} with a non-finite embedding), flip test '{}'",
                                 images->describe(), rows, embeddings.skipped, non_finite,
                                 eval::to_string(request.flip_test));
  const auto write = [&](const std::string& name, const std::vector<std::uint8_t>& bytes, const std::string& what) {
    output.write(name, {reinterpret_cast<const char*>(bytes.data()), bytes.size()});
    extras.files.push_back({name, "npy", what, bytes.size()});
  };
  write(stem + ".npy",
        formats::npy_bytes({rows, dim}, std::span<const float>(unit.data_ptr<float>(), static_cast<std::size_t>(unit.numel()))),
        "float32 (N, D) unit embeddings; zero rows for unreadable images");
  write(stem + ".norms.npy", formats::npy_bytes({rows}, std::span<const float>(embeddings.norms)),
        "float32 (N,) raw embedding norms; NaN for unreadable images");
  write(stem + ".labels.npy", formats::npy_bytes({rows}, std::span<const std::int64_t>(labels)),
        "int64 (N,) class ids; -1 where the data has none");
  if (quality_known) {
    write(stem + ".quality.npy", formats::npy_bytes({rows}, std::span<const float>(embeddings.quality)),
          "float32 (N,) true image quality in [0, 1]");
  }
  output.write(stem + ".json", model_card(model, head, extras).dump(2) + "\n");

  EmbedResult result;
  result.files = output.commit();
  result.images = rows;
  result.skipped = embeddings.skipped;
  result.non_finite = non_finite;
  result.dim = dim;
  result.data = images->describe();
  return result;
}

}  // namespace marginlab::exporting
