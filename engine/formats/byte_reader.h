#pragma once
// A bounds-checked little-endian reader over bytes in memory, shared by the RecordIO reader and the unpickler.
// Every failure names the origin (file, record) and the offset where the bytes ran out, so that a corrupt file is
// reported as "lfw.bin: offset 1234: needed 4 bytes for BINSTRING length, 2 left" and never read out of bounds.
#include <cstdint>
#include <bit>
#include <cstring>
#include <span>
#include <string>

namespace marginlab::formats {

class ByteReader {
 public:
  // `base_offset` is where `bytes` start in the file, so that reported offsets are file offsets.
  ByteReader(std::span<const std::uint8_t> bytes, std::string origin, std::uint64_t base_offset = 0)
      : bytes_(bytes), origin_(std::move(origin)), base_offset_(base_offset) {}

  std::uint64_t offset() const { return base_offset_ + position_; }  // file offset of the next byte
  std::size_t remaining() const { return bytes_.size() - position_; }
  bool at_end() const { return position_ == bytes_.size(); }
  const std::string& origin() const { return origin_; }

  // `what` says what the bytes were for; it ends up in the error message.
  std::span<const std::uint8_t> take(std::size_t count, const char* what);
  std::uint8_t u8(const char* what) { return take(1, what)[0]; }
  std::uint16_t u16(const char* what) { return load<std::uint16_t>(what); }
  std::uint32_t u32(const char* what) { return load<std::uint32_t>(what); }
  std::int32_t i32(const char* what) { return load<std::int32_t>(what); }
  std::uint64_t u64(const char* what) { return load<std::uint64_t>(what); }
  float f32(const char* what) { return load<float>(what); }
  double f64(const char* what) { return load<double>(what); }

  // Throws InvalidFile "<origin>: offset <offset()>: <message>".
  [[noreturn]] void fail(const std::string& message) const;

 private:
  template <typename T>
  T load(const char* what) {
    static_assert(std::endian::native == std::endian::little, "the formats are little-endian; add byte swapping");
    T value;
    std::memcpy(&value, take(sizeof(T), what).data(), sizeof(T));
    return value;
  }

  std::span<const std::uint8_t> bytes_;
  std::string origin_;
  std::uint64_t base_offset_ = 0;
  std::size_t position_ = 0;
};

}  // namespace marginlab::formats
