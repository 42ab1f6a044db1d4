// libFuzzer target for the .npy reader (`marginlab-cli verify --embeddings`). Any outcome but an array or
// InvalidFile is a bug.
#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <span>

#include "core/errors.h"
#include "engine/formats/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto array = marginlab::formats::parse_npy(std::span<const std::uint8_t>(data, size), "fuzz.npy");
    // What the reader promises: as many values as the shape says. The shape comes from the file, so its product is
    // taken with checked arithmetic: huge extents beside a 0 make an empty array whose plain product overflows.
    std::uint64_t count = 1;
    bool overflow = false;
    for (const auto extent : array.shape) {
      if (extent < 0) __builtin_trap();
      overflow = overflow || __builtin_mul_overflow(count, static_cast<std::uint64_t>(extent), &count);
    }
    const bool empty = std::find(array.shape.begin(), array.shape.end(), 0) != array.shape.end();
    if (empty ? !array.values.empty() : overflow || array.values.size() != count) __builtin_trap();
  } catch (const marginlab::InvalidFile&) {
  }
  return 0;
}
