#include "engine/export/onnx_parity.h"

#include <fmt/format.h>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include "engine/export/export_error.h"
#include "engine/export/onnx_export.h"

namespace marginlab::exporting {

ParityResult check_onnx_parity(const std::filesystem::path& onnx_file, const torch::Tensor& images,
                               const torch::Tensor& reference, const std::string& shown_as) {
  const auto name = shown_as.empty() ? onnx_file.string() : shown_as;
  const auto batch = images.to(torch::kCPU, torch::kFloat32).contiguous();  // NCHW, as the ONNX input declares
  const auto expected = reference.to(torch::kCPU, torch::kFloat32).contiguous();
  cv::Mat output;
  try {
    auto net = cv::dnn::readNetFromONNX(onnx_file.string());
    net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    const std::vector<int> sides(batch.sizes().begin(), batch.sizes().end());
    const cv::Mat blob(static_cast<int>(sides.size()), sides.data(), CV_32F, batch.data_ptr<float>());
    net.setInput(blob, kOnnxInputName);
    output = net.forward(kOnnxOutputName).clone();
  } catch (const cv::Exception& error) {
    throw ExportError(fmt::format("{}: OpenCV DNN cannot run the exported model: {}", name, error.what()));
  }
  const auto rows = expected.size(0);
  const auto dim = expected.size(1);
  if (output.total() != static_cast<std::size_t>(rows * dim)) {
    throw ExportError(fmt::format("{}: OpenCV DNN gives {} values for {} images of {} dimensions", name,
                                  output.total(), rows, dim));
  }
  const auto onnx = torch::from_blob(output.ptr<float>(), {rows, dim}, torch::kFloat32).to(torch::kFloat64);
  const auto torch_rows = expected.to(torch::kFloat64);
  const auto onnx_norms = torch::linalg_vector_norm(onnx, 2, {1}, false);
  const auto torch_norms = torch::linalg_vector_norm(torch_rows, 2, {1}, false);
  const auto cosines = (onnx * torch_rows).sum(1) / (onnx_norms * torch_norms).clamp_min(1e-30);

  const auto finite_rows = torch::isfinite(onnx).all(1);
  if (!finite_rows.all().item<bool>()) {
    throw ExportError(fmt::format("{}: OpenCV DNN gives a non-finite embedding for image {} of {}, where LibTorch's is "
                                  "finite",
                                  name, (~finite_rows).nonzero()[0].item<std::int64_t>(), rows));
  }
  ParityResult result;
  result.runtime = "OpenCV DNN " CV_VERSION;
  result.images = rows;
  const auto worst = cosines.argmin().item<std::int64_t>();
  result.min_cosine = cosines[worst].item<double>();
  result.max_norm_relative_error = ((onnx_norms - torch_norms).abs() / torch_norms.clamp_min(1e-30)).max().item<double>();
  // Compared so that a NaN cosine fails too.
  if (!(result.min_cosine >= kParityMinCosine)) {
    throw ExportError(fmt::format(
        "{}: OpenCV DNN and LibTorch disagree on image {} of {}: cosine {:.7f} between their embeddings, "
        "below the {} the export requires",
        name, worst, rows, result.min_cosine, kParityMinCosine));
  }
  return result;
}

}  // namespace marginlab::exporting
