#pragma once
// The ONNX export's proof: the written file, run by another runtime (OpenCV's DNN module), gives LibTorch's
// embeddings on real images.
#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <string>

namespace marginlab::exporting {

// Every image's ONNX embedding must point the same way as LibTorch's to within this cosine.
inline constexpr double kParityMinCosine = 0.99999;

struct ParityResult {
  std::string runtime;              // the runtime that ran the file, with its version
  std::int64_t images = 0;
  double min_cosine = 0;            // worst image
  double max_norm_relative_error = 0;  // | ‖onnx‖ − ‖torch‖ | / ‖torch‖, worst image
};

// Runs `onnx_file` through OpenCV DNN on `images` (N, 3, H, W float32, preprocessed) and compares each output row
// with `reference` (N, D), LibTorch's raw embeddings of the same images, which must be finite. Throws ExportError
// naming the file (as `shown_as`, e.g. its final path while it is still staged), the image and the cosine when an
// image falls below kParityMinCosine or OpenCV's output is not finite, or when OpenCV cannot run the file.
ParityResult check_onnx_parity(const std::filesystem::path& onnx_file, const torch::Tensor& images,
                               const torch::Tensor& reference, const std::string& shown_as = {});

}  // namespace marginlab::exporting
