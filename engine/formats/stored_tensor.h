#pragma once
// A tensor as a weights file stores it, before any framework owns it: the element type, the strided view and the
// bytes of the whole storage it views (little-endian), kept alive by `owner` (the mapped file or the read entry).
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/formats/element_type.h"

namespace marginlab::formats {

struct StoredTensor {
  ElementType type = ElementType::float32;
  std::vector<std::int64_t> sizes;
  std::vector<std::int64_t> strides;  // in elements
  std::int64_t offset = 0;            // in elements, into `storage`
  std::span<const std::uint8_t> storage;
  std::shared_ptr<const void> owner;

  std::int64_t numel() const;
  // "float32 (512, 25088)"
  std::string description() const;
};

}  // namespace marginlab::formats
