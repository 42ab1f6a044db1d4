#include "engine/export/state_dict_export.h"

#include <torch/csrc/jit/serialization/pickle.h>

#include <fstream>
#include <iterator>

#include "core/errors.h"

namespace marginlab::exporting {

NamedTensors state_dict_of(const torch::nn::Module& module) {
  NamedTensors tensors;
  // Training may have left the 4-D weights channels-last; a state dict for other tools is plain row-major.
  const auto plain = [](const torch::Tensor& t) { return t.detach().to(torch::kCPU).contiguous(); };
  for (const auto& item : module.named_parameters()) tensors.emplace_back(item.key(), plain(item.value()));
  for (const auto& item : module.named_buffers()) tensors.emplace_back(item.key(), plain(item.value()));
  return tensors;
}

std::vector<char> state_dict_bytes(const NamedTensors& tensors) {
  c10::Dict<std::string, torch::Tensor> dict;
  for (const auto& [name, tensor] : tensors) dict.insert(name, tensor);
  return torch::pickle_save(c10::IValue(dict));
}

NamedTensors read_state_dict(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InvalidFile(path.string() + ": cannot open");
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  NamedTensors tensors;
  try {
    const auto value = torch::pickle_load(bytes);
    if (!value.isGenericDict()) throw InvalidFile(path.string() + ": holds a " + value.tagKind() + ", not a dict");
    for (const auto& entry : value.toGenericDict()) {
      if (!entry.key().isString() || !entry.value().isTensor()) {
        throw InvalidFile(path.string() + ": an entry is not a name and a tensor");
      }
      tensors.emplace_back(entry.key().toStringRef(), entry.value().toTensor());
    }
  } catch (const c10::Error& error) {
    throw InvalidFile(path.string() + ": not a PyTorch file (" + error.what_without_backtrace() + ")");
  }
  return tensors;
}

}  // namespace marginlab::exporting
