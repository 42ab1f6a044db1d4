#pragma once
// Which of MarginLab's backbones a set of weights is, from tensor names and shapes alone: arcface_torch's IResNet
// (conv1, layer1…4 of IBasicBlocks, fc, features) and MobileFaceNet (layers, conv_sep, features), AdaFace's IR and
// IR-SE (input_layer, body.<i>.res_layer, output_layer). The depth comes from the block counts, the embedding size
// and the input side from the last linear layer. The result is then proven by building that backbone and matching
// every name and shape (load_backbone_weights).
#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

#include "engine/backbones/backbone.h"

namespace marginlab::importing {

struct RecognisedArchitecture {
  backbones::BackboneSpec spec;
  std::string prefix;    // what the file puts before the backbone's own names ("model.", "module.", "net.", "")
  std::string evidence;  // one line: "layer1…4 of 2-2-2-2 blocks, fc 25088 → 512"
};

// `kind` (the user's --backbone) skips recognition of the family and depth but not the checks. Throws InvalidFile
// naming `origin` when the names fit no architecture, with the names it looked for.
RecognisedArchitecture recognise_architecture(const std::map<std::string, torch::Tensor>& tensors,
                                              const std::string& origin, const std::string& kind = "");

// Copies the file's tensors into `backbone` (built from the recognised spec). Every parameter and buffer must be
// there with its shape (a missing num_batches_tracked is allowed: old PyTorch did not save it); anything left over
// under the prefix is an error too. The message lists what is missing, unexpected and mismatched.
void load_backbone_weights(backbones::BackboneImpl& backbone, const std::map<std::string, torch::Tensor>& tensors,
                           const std::string& prefix, const std::string& origin);

}  // namespace marginlab::importing
