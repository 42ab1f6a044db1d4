#include "engine/formats/byte_reader.h"

#include "core/errors.h"

namespace marginlab::formats {

std::span<const std::uint8_t> ByteReader::take(std::size_t count, const char* what) {
  if (count > remaining()) {
    fail("needed " + std::to_string(count) + " bytes for " + what + ", " + std::to_string(remaining()) + " left");
  }
  auto result = bytes_.subspan(position_, count);
  position_ += count;
  return result;
}

void ByteReader::fail(const std::string& message) const {
  throw InvalidFile(origin_ + ": offset " + std::to_string(offset()) + ": " + message);
}

}  // namespace marginlab::formats
