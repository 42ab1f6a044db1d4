#pragma once
// NumPy's .npy files (format versions 1.0, 2.0 and 3.0): embeddings, features and flags exchanged with Python.
// Read: little-endian '<f4', '<f8', '<f2', '<i4', '<i8' and '|b1', '|u1', in C order or Fortran order (transposed
// to C order on reading). Written: float32 and int64 arrays of any shape, exactly as numpy.save
// writes them.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace marginlab::formats {

struct NpyArray {
  std::string dtype;                // as the file declares it: "<f4", "|b1", ...
  std::vector<std::int64_t> shape;  // () for a scalar
  // Every element in C (row-major) order, converted to float. Integers are exact up to 2^24 (larger ones that
  // float cannot hold are refused, never rounded); float64 is rounded to the nearest float32.
  std::vector<float> values;
};

// Parses a whole .npy file held in memory; `origin` (the path) starts every error message. Throws InvalidFile naming
// what is wrong: bad magic, unsupported version or dtype ('>f4'), a malformed header, or a shape that disagrees with
// the data ("shape (3,) of '<f4' needs 12 bytes of data, found 8").
NpyArray parse_npy(std::span<const std::uint8_t> bytes, const std::string& origin);

// Reads `path` and parses it. Throws InvalidFile when it cannot be read.
NpyArray read_npy(const std::string& path);

// An array of `shape` (values in C order) as numpy.save writes it: format 1.0, '<f4' or '<i8', C order. Throws
// InvalidParameter when the number of values does not match the shape.
std::vector<std::uint8_t> npy_bytes(const std::vector<std::int64_t>& shape, std::span<const float> values);
std::vector<std::uint8_t> npy_bytes(const std::vector<std::int64_t>& shape, std::span<const std::int64_t> values);

// Writes npy_bytes() to `path`. Throws InvalidFile when the file cannot be written.
void write_npy(const std::string& path, const std::vector<std::int64_t>& shape, std::span<const float> values);
void write_npy(const std::string& path, const std::vector<std::int64_t>& shape, std::span<const std::int64_t> values);

}  // namespace marginlab::formats
