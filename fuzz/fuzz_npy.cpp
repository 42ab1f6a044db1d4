// libFuzzer target for the .npy reader (`marginlab-cli verify --embeddings`). Any outcome but an array or
// InvalidFile is a bug.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <numeric>
#include <span>

#include "engine/core/errors.h"
#include "engine/formats/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto array = marginlab::formats::parse_npy(std::span<const std::uint8_t>(data, size), "fuzz.npy");
    // What the reader promises: as many values as the shape says.
    const auto count = std::accumulate(array.shape.begin(), array.shape.end(), std::int64_t{1}, std::multiplies<>());
    if (static_cast<std::int64_t>(array.values.size()) != count) __builtin_trap();
  } catch (const marginlab::InvalidFile&) {
  }
  return 0;
}
