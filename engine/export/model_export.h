#pragma once
// `marginlab-cli export` and the workbench's Export model: a run's trained backbone as ONNX and/or PyTorch weights,
// with the head's tensors and a model card, into one folder, all or nothing.
//   model.onnx        the backbone (onnx_export.h), verified through OpenCV DNN against LibTorch on the run's images
//   backbone.pt       the backbone's state dict under arcface_torch's names (state_dict_export.h)
//   head.pt           the head's kernel (D, C) and buffers
//   model_card.json   model_card.h
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/export/model_card.h"

namespace marginlab::exporting {

enum class ExportFormat { onnx, pytorch };

// "onnx", "pytorch" or "all"; InvalidParameter naming the value otherwise.
std::vector<ExportFormat> parse_export_formats(const std::string& name);
// Whether this build writes ONNX (it needs Debian's libonnx and OpenCV's DNN module).
bool onnx_export_available();

struct ExportRequest {
  std::filesystem::path checkpoint;  // a run directory, or a checkpoint file inside one
  std::vector<ExportFormat> formats;
  std::filesystem::path out_dir;
  std::int64_t parity_images = 16;   // the run's first images, for the ONNX parity check
};

struct ExportResult {
  std::vector<std::filesystem::path> files;  // final paths, the model card included
  std::string backbone;
  std::int64_t step = 0;
  std::optional<ParityResult> parity;
};

// Progress lines ("writing model.onnx", ...) for the CLI's output and the workbench's log.
using ExportProgress = std::function<void(const std::string&)>;

// Throws InvalidFile (missing or damaged checkpoint, unreadable data, unwritable folder), InvalidParameter (an empty
// format list, ONNX asked of a build without it) or ExportError (a layer without ONNX form, failed parity); the
// destination folder is then as it was.
ExportResult export_model(const ExportRequest& request, const ExportProgress& progress = {});

}  // namespace marginlab::exporting
