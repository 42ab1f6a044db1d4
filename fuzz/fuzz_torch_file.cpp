// libFuzzer target for torch.save files (a zip of data.pkl and storages) and safetensors files: what a model import
// reads first. Any outcome but tensors or InvalidFile is a bug.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "core/errors.h"
#include "engine/formats/safetensors.h"
#include "engine/formats/torch_file.h"

namespace formats = marginlab::formats;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The readers keep what they return alive through `owner`; libFuzzer's buffer is only lent for this call.
  auto owner = std::make_shared<std::vector<std::uint8_t>>(data, data + size);
  try {
    if (formats::sniff_file_kind(*owner) == formats::FileKind::safetensors) {
      for (const auto& [name, tensor] : formats::parse_safetensors(*owner, owner, "fuzz.safetensors").tensors) {
        if (tensor.storage.size() != static_cast<std::size_t>(tensor.numel()) * formats::element_size(tensor.type)) {
          __builtin_trap();
        }
      }
      return 0;
    }
    const auto file = formats::TorchFile::parse(*owner, owner, "fuzz.pt");
    if (const auto* entries = formats::pickle::dict_entries(file.root())) {
      for (const auto& [key, value] : *entries) {
        if (const auto* tensor = std::get_if<formats::pickle::Tensor>(&value.content)) {
          const auto stored = file.tensor(*tensor);
          // Every element of the view lies inside the storage.
          std::int64_t last = stored.offset;
          for (std::size_t i = 0; i < stored.sizes.size(); ++i) {
            if (stored.sizes[i] == 0) last = -1;
            if (last >= 0) last += (stored.sizes[i] - 1) * stored.strides[i];
          }
          if (last >= 0 &&
              static_cast<std::size_t>(last + 1) * formats::element_size(stored.type) > stored.storage.size()) {
            __builtin_trap();
          }
        }
      }
    }
  } catch (const marginlab::InvalidFile&) {
  }
  return 0;
}
