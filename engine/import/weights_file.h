#pragma once
// The weights files researchers hold, read into tensors by name before any architecture is chosen:
//   arcface_torch          backbone.pth / model.pt: a state dict (torch.save)
//   arcface_torch shards   checkpoint_gpu_<rank>.pt of train_v2.py: the backbone and each rank's Partial FC rows,
//                          merged into one classifier in global class order
//   AdaFace                its PyTorch Lightning .ckpt: state_dict with model. and head. prefixes, hyper-parameters
//   CVLface                model.safetensors (keys net.*) with its model.yaml beside it
//   MarginLab              an export's backbone.pt (a state dict, arcface_torch names)
// Whatever else a file carries (optimizer and scheduler states, callbacks, loops) is described, never run.
#include <torch/torch.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace marginlab::importing {

struct WeightsFile {
  std::string format;                        // "arcface_torch state dict", "AdaFace Lightning checkpoint", ...
  std::vector<std::filesystem::path> files;  // what was read
  // Every tensor of the model, by the name the file gives it (prefixes such as "model." or "module." included).
  std::map<std::string, torch::Tensor> tensors;
  // The classifier, (D, C): one column per class, as MarginLab's heads hold it; absent when the file has none.
  std::optional<torch::Tensor> kernel;
  std::string kernel_source;  // "state_dict head.kernel", "state_dict_softmax_fc.weight of 4 ranks", ...
  std::string head_kind;      // the margin loss the file names ("adaface"), or "" when it does not say
  std::map<std::string, double> head_parameters;      // its hyperparameters where the file has them (m, h, s, t_alpha)
  std::map<std::string, torch::Tensor> head_buffers;  // e.g. AdaFace's running batch_mean / batch_std
  std::string color_order;                            // "rgb" or "bgr" when the file or its config says; "" otherwise
  std::string color_order_source;  // why: "AdaFace trains on BGR (its inference.py)", "model.yaml color_space"
  std::vector<std::string> notes;  // what else the file holds, one line each, for the user and the model card
};

// Reads a file or a folder (a shard set, a CVLface folder, a folder holding backbone.pth or model.pt). Throws
// InvalidFile naming the path, what it is and what was expected.
WeightsFile read_weights_file(const std::filesystem::path& path);

}  // namespace marginlab::importing
