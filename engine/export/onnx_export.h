#pragma once
// A backbone as an ONNX model, for deployment runtimes. The graph is the backbone's own description of its
// evaluation-mode forward pass (backbones/layer_walker.h), so what is exported is what LibTorch computes:
//   input  "images"     float32 (batch, 3, H, W), the batch dynamic, preprocessed as the model card says
//   output "embedding"  float32 (batch, D), the raw embedding: its L2 norm is the quality proxy AdaFace and MagFace
//                       read, its direction is the identity (compare embeddings by cosine)
// Opset 13, IR version 8, written with the ONNX library (Debian's libonnx) and checked by its model checker and
// shape inference before a byte is written.
#include <string>
#include <utility>
#include <vector>

#include "engine/backbones/backbone.h"

namespace marginlab::exporting {

inline constexpr const char* kOnnxInputName = "images";
inline constexpr const char* kOnnxOutputName = "embedding";
inline constexpr int kOnnxOpset = 13;

// Key/value pairs stored as the model's metadata_props (input size, colour order, mean/std, backbone, head, ...).
using OnnxMetadata = std::vector<std::pair<std::string, std::string>>;

// The serialised model. The backbone's weights are read as they are (call in evaluation mode; running statistics are
// what BatchNormalization gets). Throws ExportError naming the layer when a module has no ONNX form here (a padding
// mode other than zeros, a batch norm without running statistics), or when ONNX's checker rejects the model.
std::string onnx_model_bytes(const backbones::BackboneImpl& backbone, const OnnxMetadata& metadata);

}  // namespace marginlab::exporting
