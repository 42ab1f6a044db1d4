#pragma once
// PyTorch weights: what torch.save(module.state_dict()) would have written, so that a researcher's own scripts load
// them with torch.load. The backbones keep insightface arcface_torch's module tree, so the names and shapes are those
// of its iresnet* / get_mbf modules and load_state_dict(strict=True) works there.
#include <torch/torch.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace marginlab::exporting {

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

// Every parameter and buffer of `module` by its dotted name (BatchNorm's num_batches_tracked included, as PyTorch's
// state_dict has it), on the CPU in standard layout.
NamedTensors state_dict_of(const torch::nn::Module& module);

// The tensors as a pickled dict in PyTorch's zip format (torch.load reads it; torch::pickle_load too).
std::vector<char> state_dict_bytes(const NamedTensors& tensors);

// Reads such a file back (torch::pickle_load): the names and tensors in file order. Throws InvalidFile naming the
// file when it is not a pickled dict of tensors.
NamedTensors read_state_dict(const std::filesystem::path& path);

}  // namespace marginlab::exporting
