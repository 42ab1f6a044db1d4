#include "engine/formats/npy.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>
#include <string_view>

#include "core/errors.h"
#include "engine/formats/byte_reader.h"
#include "engine/formats/whole_file.h"

namespace marginlab::formats {
namespace {

constexpr std::array<std::uint8_t, 6> kMagic{0x93, 'N', 'U', 'M', 'P', 'Y'};
constexpr std::size_t kHeaderAlignment = 64;  // numpy pads the header so that the data starts 64-byte aligned
constexpr std::size_t kGrowthAxisDigits = 21;  // numpy leaves room for the first axis to grow to 21 digits

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string text = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + (shape.size() == 1 ? ",)" : ")");
}

struct Header {
  std::string descr;
  bool fortran_order = false;
  std::vector<std::int64_t> shape;
};

// The header is a Python dict literal, e.g. {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), } followed by
// padding. Only what numpy writes is accepted: three keys, a string, a bool and a tuple of non-negative ints (with
// Python 2's 'L' suffix).
class HeaderParser {
 public:
  HeaderParser(std::string_view text, const std::string& origin) : text_(text), origin_(origin) {}

  Header parse() {
    Header header;
    bool has_descr = false, has_fortran = false, has_shape = false;
    expect('{');
    while (!accept('}')) {
      const std::string key = string_literal();
      expect(':');
      if (key == "descr" && !has_descr) {
        header.descr = string_literal();
        has_descr = true;
      } else if (key == "fortran_order" && !has_fortran) {
        header.fortran_order = boolean();
        has_fortran = true;
      } else if (key == "shape" && !has_shape) {
        header.shape = shape();
        has_shape = true;
      } else {
        fail("unexpected or repeated key '" + key + "'");
      }
      if (!accept(',')) {
        expect('}');
        break;
      }
    }
    skip_space();
    if (position_ != text_.size()) fail("text after the closing '}'");
    if (!has_descr || !has_fortran || !has_shape) {
      throw InvalidFile(origin_ + ": header: the keys 'descr', 'fortran_order' and 'shape' are required");
    }
    return header;
  }

 private:
  [[noreturn]] void fail(const std::string& message) const {
    throw InvalidFile(origin_ + ": header character " + std::to_string(position_) + ": " + message);
  }

  void skip_space() {
    while (position_ < text_.size() && (text_[position_] == ' ' || text_[position_] == '\n')) ++position_;
  }

  bool accept(char c) {
    skip_space();
    if (position_ < text_.size() && text_[position_] == c) {
      ++position_;
      return true;
    }
    return false;
  }

  void expect(char c) {
    if (!accept(c)) fail(std::string("expected '") + c + "'");
  }

  std::string string_literal() {
    skip_space();
    if (position_ >= text_.size() || (text_[position_] != '\'' && text_[position_] != '"')) fail("expected a string");
    const char quote = text_[position_++];
    const auto end = text_.find(quote, position_);
    if (end == std::string_view::npos) fail("unterminated string");
    std::string value(text_.substr(position_, end - position_));
    if (value.find('\\') != std::string::npos) fail("escapes in a string");
    position_ = end + 1;
    return value;
  }

  bool boolean() {
    skip_space();
    for (const auto& [word, value] : {std::pair<std::string_view, bool>{"True", true}, {"False", false}}) {
      if (text_.substr(position_, word.size()) == word) {
        position_ += word.size();
        return value;
      }
    }
    fail("expected True or False");
  }

  std::vector<std::int64_t> shape() {
    constexpr std::size_t kMaxDimensions = 32;  // numpy's own limit
    std::vector<std::int64_t> dimensions;
    expect('(');
    while (!accept(')')) {
      skip_space();
      std::int64_t value = 0;
      const std::size_t start = position_;
      while (position_ < text_.size() && text_[position_] >= '0' && text_[position_] <= '9') {
        if (value > (std::numeric_limits<std::int64_t>::max() - 9) / 10) fail("a dimension too large");
        value = value * 10 + (text_[position_++] - '0');
      }
      if (position_ == start) fail("expected a dimension (a non-negative integer)");
      if (position_ < text_.size() && text_[position_] == 'L') ++position_;  // Python 2's long literal
      dimensions.push_back(value);
      if (dimensions.size() > kMaxDimensions) fail("more than 32 dimensions");
      if (!accept(',')) {
        expect(')');
        break;
      }
    }
    return dimensions;
  }

  std::string_view text_;
  const std::string& origin_;
  std::size_t position_ = 0;
};

float half_to_float(std::uint16_t half) {
  const std::uint32_t sign = static_cast<std::uint32_t>(half & 0x8000u) << 16;
  const std::uint32_t exponent = (half >> 10) & 0x1fu;
  const std::uint32_t mantissa = half & 0x3ffu;
  if (exponent == 0) {  // zero or subnormal: mantissa · 2^-24
    const float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
    return sign ? -magnitude : magnitude;
  }
  if (exponent == 31) return std::bit_cast<float>(sign | 0x7f800000u | (mantissa << 13));  // inf or NaN
  return std::bit_cast<float>(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

enum class ElementType { f4, f8, f2, b1, u1, i4, i8 };

struct SupportedDtype {
  std::string_view descr;
  ElementType type;
  std::size_t itemsize;
};

constexpr std::array kSupportedDtypes{
    SupportedDtype{"<f4", ElementType::f4, 4}, SupportedDtype{"<f8", ElementType::f8, 8},
    SupportedDtype{"<f2", ElementType::f2, 2}, SupportedDtype{"|b1", ElementType::b1, 1},
    SupportedDtype{"|u1", ElementType::u1, 1}, SupportedDtype{"<i4", ElementType::i4, 4},
    SupportedDtype{"<i8", ElementType::i8, 8},
};

template <typename T>
T load(const std::uint8_t* bytes) {
  T value;
  std::memcpy(&value, bytes, sizeof(T));
  return value;
}

// Element `index` of the data as float; refuses integers float cannot hold exactly and float64 beyond float's range.
float element(ElementType type, const std::uint8_t* bytes, std::uint64_t index, const std::string& origin) {
  auto refuse = [&](const std::string& value, const char* why) {
    throw InvalidFile(origin + ": element " + std::to_string(index) + " (" + value + ") " + why);
  };
  switch (type) {
    case ElementType::f4: return load<float>(bytes);
    case ElementType::f2: return half_to_float(load<std::uint16_t>(bytes));
    case ElementType::b1: return bytes[0] != 0 ? 1.0f : 0.0f;
    case ElementType::u1: return bytes[0];
    case ElementType::f8: {
      const double value = load<double>(bytes);
      if (std::isfinite(value) && std::abs(value) > std::numeric_limits<float>::max()) {
        char text[32];
        std::snprintf(text, sizeof text, "%.17g", value);
        refuse(text, "is beyond float32's range");
      }
      return static_cast<float>(value);
    }
    case ElementType::i4:
    case ElementType::i8: {
      const std::int64_t value = type == ElementType::i4 ? load<std::int32_t>(bytes) : load<std::int64_t>(bytes);
      const auto converted = static_cast<float>(value);
      // 2^63 is a float but not an int64: compare below it before converting back.
      if (converted >= 9.2233720368547758e18f || static_cast<std::int64_t>(converted) != value) {
        refuse(std::to_string(value), "cannot be held exactly as a float");
      }
      return converted;
    }
  }
  return 0;
}

}  // namespace

NpyArray parse_npy(std::span<const std::uint8_t> bytes, const std::string& origin) {
  ByteReader reader(bytes, origin);
  const auto magic = reader.take(kMagic.size(), "the .npy magic");
  if (!std::equal(magic.begin(), magic.end(), kMagic.begin())) {
    throw InvalidFile(origin + ": not a .npy file (it does not start with \\x93NUMPY)");
  }
  const std::uint8_t major = reader.u8("format major version");
  const std::uint8_t minor = reader.u8("format minor version");
  if (major < 1 || major > 3 || minor != 0) {
    throw InvalidFile(origin + ": .npy format version " + std::to_string(major) + "." + std::to_string(minor) +
                      " is not supported (1.0, 2.0 and 3.0 are)");
  }
  const std::uint32_t header_length = major == 1 ? reader.u16("header length") : reader.u32("header length");
  const auto header_bytes = reader.take(header_length, "the header");
  const std::string_view header_text(reinterpret_cast<const char*>(header_bytes.data()), header_bytes.size());
  const Header header = HeaderParser(header_text, origin).parse();

  const SupportedDtype* dtype = nullptr;
  for (const auto& supported : kSupportedDtypes) {
    if (supported.descr == header.descr) dtype = &supported;
  }
  if (!dtype) {
    throw InvalidFile(origin + ": dtype '" + header.descr +
                      "' is not supported ('<f4', '<f8', '<f2', '<i4', '<i8', '|b1' and '|u1' are)");
  }

  // An array with a zero extent is empty, however large the others; otherwise a product that overflows matches no
  // file.
  const bool empty = std::find(header.shape.begin(), header.shape.end(), 0) != header.shape.end();
  std::uint64_t elements = 1;
  bool overflow = false;
  for (const auto extent : header.shape) {
    overflow = overflow || __builtin_mul_overflow(elements, static_cast<std::uint64_t>(extent), &elements);
  }
  std::uint64_t expected_bytes = 0;
  if (empty) {
    elements = 0;
  } else if (overflow || __builtin_mul_overflow(elements, dtype->itemsize, &expected_bytes)) {
    throw InvalidFile(origin + ": shape " + shape_text(header.shape) + " is too large for any file");
  }
  if (expected_bytes != reader.remaining()) {
    throw InvalidFile(origin + ": shape " + shape_text(header.shape) + " of '" + header.descr + "' needs " +
                      std::to_string(expected_bytes) + " bytes of data, found " + std::to_string(reader.remaining()));
  }
  const std::uint8_t* data = reader.take(static_cast<std::size_t>(expected_bytes), "the data").data();

  NpyArray array;
  array.dtype = header.descr;
  array.shape = header.shape;
  array.values.resize(static_cast<std::size_t>(elements));
  if (!header.fortran_order || header.shape.size() < 2) {
    for (std::uint64_t i = 0; i < elements; ++i) {
      array.values[i] = element(dtype->type, data + i * dtype->itemsize, i, origin);
    }
    return array;
  }
  // Fortran order: the first axis varies fastest in the file. Walk the C-order output with a multi-index and keep
  // the matching Fortran offset up to date.
  const std::size_t rank = header.shape.size();
  std::vector<std::uint64_t> fortran_stride(rank, 1);
  for (std::size_t axis = 1; axis < rank; ++axis) {
    fortran_stride[axis] = fortran_stride[axis - 1] * static_cast<std::uint64_t>(header.shape[axis - 1]);
  }
  std::vector<std::int64_t> index(rank, 0);
  std::uint64_t fortran_offset = 0;
  for (std::uint64_t c = 0; c < elements; ++c) {
    array.values[c] = element(dtype->type, data + fortran_offset * dtype->itemsize, fortran_offset, origin);
    for (std::size_t axis = rank; axis-- > 0;) {  // increment the multi-index, last axis fastest
      fortran_offset += fortran_stride[axis];
      if (++index[axis] < header.shape[axis]) break;
      fortran_offset -= fortran_stride[axis] * static_cast<std::uint64_t>(index[axis]);
      index[axis] = 0;
    }
  }
  return array;
}

NpyArray read_npy(const std::string& path) { return parse_npy(read_whole_file(path), path); }

namespace {

void expect_element_count(const std::vector<std::int64_t>& shape, std::size_t values, std::string_view dtype) {
  std::uint64_t count = 1;
  bool negative = false;
  std::string repr;
  for (const auto side : shape) {
    negative = negative || side < 0;
    count *= static_cast<std::uint64_t>(std::max<std::int64_t>(side, 0));
    repr += (repr.empty() ? "" : ", ") + std::to_string(side);
  }
  if (negative || count != values) {
    throw InvalidParameter("npy_bytes: " + std::to_string(values) + " " + std::string(dtype) +
                           " values for an array of shape (" + repr + ")");
  }
}

// numpy 1.24's format.write_array, byte for byte: the dict with the shape as Python prints a tuple, room for the
// first axis to grow, then spaces and a newline up to a multiple of 64 bytes with the 10-byte prefix.
std::vector<std::uint8_t> npy_file_bytes(std::string_view descr, const std::vector<std::int64_t>& shape,
                                         std::span<const std::byte> data) {
  std::string tuple;
  for (const auto side : shape) tuple += (tuple.empty() ? "" : ", ") + std::to_string(side);
  if (shape.size() == 1) tuple += ",";
  std::string header = "{'descr': '" + std::string(descr) + "', 'fortran_order': False, 'shape': (" + tuple + "), }";
  if (!shape.empty()) header.append(kGrowthAxisDigits - std::to_string(shape.front()).size(), ' ');
  const std::size_t prefix = kMagic.size() + 2 + 2;
  const std::size_t padding = kHeaderAlignment - (prefix + header.size() + 1) % kHeaderAlignment;
  header.append(padding, ' ');
  header += '\n';

  std::vector<std::uint8_t> bytes(kMagic.begin(), kMagic.end());
  bytes.push_back(1);
  bytes.push_back(0);
  bytes.push_back(static_cast<std::uint8_t>(header.size() & 0xff));
  bytes.push_back(static_cast<std::uint8_t>(header.size() >> 8));
  bytes.insert(bytes.end(), header.begin(), header.end());
  static_assert(std::endian::native == std::endian::little, "the .npy data is written little-endian");
  const auto* first = reinterpret_cast<const std::uint8_t*>(data.data());
  bytes.insert(bytes.end(), first, first + data.size());
  return bytes;
}

void write_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw InvalidFile(path + ": cannot open for writing");
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) throw InvalidFile(path + ": write failed (disk full?)");
}

}  // namespace

std::vector<std::uint8_t> npy_bytes(const std::vector<std::int64_t>& shape, std::span<const float> values) {
  expect_element_count(shape, values.size(), "float32");
  return npy_file_bytes("<f4", shape, std::as_bytes(values));
}

std::vector<std::uint8_t> npy_bytes(const std::vector<std::int64_t>& shape, std::span<const std::int64_t> values) {
  expect_element_count(shape, values.size(), "int64");
  return npy_file_bytes("<i8", shape, std::as_bytes(values));
}

void write_npy(const std::string& path, const std::vector<std::int64_t>& shape, std::span<const float> values) {
  write_bytes(path, npy_bytes(shape, values));
}

void write_npy(const std::string& path, const std::vector<std::int64_t>& shape,
               std::span<const std::int64_t> values) {
  write_bytes(path, npy_bytes(shape, values));
}

}  // namespace marginlab::formats
