#pragma once
// safetensors files (Hugging Face; CVLface's model.safetensors): an 8-byte little-endian header length, a JSON
// header {name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}, then the tensors' bytes.
// Read from the mapped file without copying; every offset and size is checked against the file.
#include <map>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "engine/formats/stored_tensor.h"

namespace marginlab::formats {

struct SafetensorsFile {
  std::vector<std::pair<std::string, StoredTensor>> tensors;  // in the header's order
  std::map<std::string, std::string> metadata;
};

// Throws InvalidFile naming the file and, where it applies, the tensor and the field.
SafetensorsFile read_safetensors(const std::string& path);
// The same over bytes that `owner` keeps alive (tests, the fuzz target).
SafetensorsFile parse_safetensors(std::span<const std::uint8_t> bytes, std::shared_ptr<const void> owner,
                                  const std::string& origin);

}  // namespace marginlab::formats
