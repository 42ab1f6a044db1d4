// libFuzzer target for the unpickler of insightface .bin verification packs. Any outcome but a pack or
// InvalidFile (a crash, a sanitizer report, runaway memory) is a bug.
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/errors.h"
#include "engine/formats/verification_pack.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto pack = marginlab::formats::read_verification_pack(std::span<const std::uint8_t>(data, size), "fuzz.bin");
    // What the reader promises: two images per pair.
    if (pack.images.size() != 2 * pack.issame.size()) __builtin_trap();
  } catch (const marginlab::InvalidFile&) {
  }
  return 0;
}
