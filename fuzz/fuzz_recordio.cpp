// libFuzzer target for the RecordIO reader. Input: one mode byte, then either (odd mode) a .rec walked record by
// record, or (even mode) an .idx text, a NUL byte and the .rec bytes, opened as a dataset. Any outcome but a result
// or InvalidFile is a bug.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "core/errors.h"
#include "engine/formats/recordio.h"

namespace recordio = marginlab::formats::recordio;

namespace {

void walk(std::span<const std::uint8_t> rec) {
  for (const auto& extent : recordio::walk_records(rec, "fuzz.rec")) {
    const auto record = recordio::read_record(rec, extent.offset, "fuzz.rec");
    try {
      recordio::parse_ir_header(record.payload, "fuzz.rec");
    } catch (const marginlab::InvalidFile&) {
    }
  }
}

void open_as_dataset(std::string_view idx, std::span<const std::uint8_t> rec) {
  const recordio::RecordBuffer records(rec, idx, "fuzz.rec");
  const auto images = recordio::ImageList::build(records);
  // A dataset that opened must answer for every image it claims; a few suffice to reach the reading paths.
  for (std::int64_t i = 0; i < std::min<std::int64_t>(images.size(), 16); ++i) {
    images.label(i);
    try {
      recordio::parse_ir_header(records.read(images.key(i)), "fuzz.rec");
    } catch (const marginlab::InvalidFile&) {
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::span<const std::uint8_t> input(data + 1, size - 1);
  try {
    if (data[0] & 1) {
      walk(input);
    } else {
      const auto nul = std::find(input.begin(), input.end(), 0);
      if (nul == input.end()) return 0;
      const auto split = static_cast<std::size_t>(nul - input.begin());
      open_as_dataset(std::string_view(reinterpret_cast<const char*>(input.data()), split), input.subspan(split + 1));
    }
  } catch (const marginlab::InvalidFile&) {
  }
  return 0;
}
