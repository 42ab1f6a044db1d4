// .npy reading (every supported dtype, C and Fortran order, format versions 1-3) and writing (byte for byte what
// numpy.save writes), with errors that say what was wrong.
#include "engine/formats/npy.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <random>

#include "core/errors.h"

namespace marginlab::formats {
namespace {

using Bytes = std::vector<std::uint8_t>;

template <typename T>
Bytes raw(std::initializer_list<T> values) {
  Bytes bytes(values.size() * sizeof(T));
  std::memcpy(bytes.data(), values.begin(), bytes.size());
  return bytes;
}

// A .npy file around `header_dict` in numpy's layout: magic, version, header length, the dict padded with spaces and
// a newline so that the data starts on a multiple of 64 bytes.
Bytes make_npy(const std::string& header_dict, const Bytes& data, int major = 1) {
  Bytes bytes{0x93, 'N', 'U', 'M', 'P', 'Y', static_cast<std::uint8_t>(major), 0};
  const std::size_t prefix = major == 1 ? 10 : 12;
  std::string header = header_dict;
  header.append((64 - (prefix + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  for (std::size_t i = 0; i < (major == 1 ? 2u : 4u); ++i) {
    bytes.push_back(static_cast<std::uint8_t>(header.size() >> (8 * i)));
  }
  bytes.insert(bytes.end(), header.begin(), header.end());
  bytes.insert(bytes.end(), data.begin(), data.end());
  return bytes;
}

std::string dict(const std::string& descr, const std::string& shape, bool fortran = false) {
  return "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape + ", }";
}

void expect_invalid(const Bytes& bytes, const std::string& expected_message) {
  try {
    parse_npy(bytes, "x.npy");
    FAIL() << "accepted; expected: " << expected_message;
  } catch (const InvalidFile& error) {
    EXPECT_EQ(std::string(error.what()), expected_message);
  }
}

TEST(Npy, WritesWhatNumpySaveWrites) {
  // io.BytesIO() after np.save(f, np.array([[1.5, -2], [0.25, 1e-3], [7, 8]], dtype=np.float32)), NumPy 1.24.2:
  // the dict, 21 - len('3') spaces of room for the first axis to grow, padding to 128 bytes, a newline.
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }";
  header.append(118 - 1 - header.size(), ' ');
  header += '\n';
  const std::string prefix("\x93NUMPY\x01\x00\x76\x00", 10);
  Bytes expected(prefix.begin(), prefix.end());
  for (const char c : header) expected.push_back(static_cast<std::uint8_t>(c));
  for (const std::uint8_t byte : {0x00, 0x00, 0xc0, 0x3f, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x80, 0x3e, 0x6f, 0x12,
                                  0x83, 0x3a, 0x00, 0x00, 0xe0, 0x40, 0x00, 0x00, 0x00, 0x41}) {
    expected.push_back(byte);
  }
  const std::vector<float> values{1.5f, -2.0f, 0.25f, 1e-3f, 7.0f, 8.0f};
  EXPECT_EQ(npy_bytes({3, 2}, std::span<const float>(values)), expected);
  EXPECT_THROW(npy_bytes({3, 3}, std::span<const float>(values)), InvalidParameter);
  EXPECT_THROW(npy_bytes({-1, -6}, std::span<const float>(values)), InvalidParameter);
}

TEST(Npy, WritesOneDimensionalInt64AsNumpySaveDoes) {
  // np.save(f, np.array([3, -1, 70000], dtype=np.int64)): a one-element tuple keeps its comma, then 21 - len('3')
  // spaces and the padding to 128 bytes.
  std::string header = "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }";
  header.append(118 - 1 - header.size(), ' ');
  header += '\n';
  const std::string prefix("\x93NUMPY\x01\x00\x76\x00", 10);
  Bytes expected(prefix.begin(), prefix.end());
  for (const char c : header) expected.push_back(static_cast<std::uint8_t>(c));
  const Bytes data = raw<std::int64_t>({3, -1, 70000});
  expected.insert(expected.end(), data.begin(), data.end());
  const std::vector<std::int64_t> labels{3, -1, 70000};
  EXPECT_EQ(npy_bytes({3}, std::span<const std::int64_t>(labels)), expected);

  const NpyArray read = parse_npy(expected, "labels.npy");
  EXPECT_EQ(read.dtype, "<i8");
  EXPECT_EQ(read.shape, (std::vector<std::int64_t>{3}));
  EXPECT_EQ(read.values, (std::vector<float>{3.0f, -1.0f, 70000.0f}));
}

TEST(Npy, WriteThenReadGivesTheSameEmbeddings) {
  const std::string name = "marginlab_npy_" + std::to_string(std::random_device{}()) + ".npy";
  const std::string path = (std::filesystem::temp_directory_path() / name).string();
  std::vector<float> values(12000 * 4);
  std::mt19937 random(3);
  std::normal_distribution<float> normal;
  for (auto& value : values) value = normal(random);
  write_npy(path, {12000, 4}, std::span<const float>(values));
  const NpyArray array = read_npy(path);
  std::filesystem::remove(path);
  EXPECT_EQ(array.dtype, "<f4");
  EXPECT_EQ(array.shape, (std::vector<std::int64_t>{12000, 4}));
  EXPECT_EQ(array.values, values);
  // An empty set of embeddings is a valid file too.
  const NpyArray empty = parse_npy(npy_bytes({0, 512}, std::span<const float>{}), "empty.npy");
  EXPECT_EQ(empty.shape, (std::vector<std::int64_t>{0, 512}));
  EXPECT_TRUE(empty.values.empty());
  EXPECT_THROW(read_npy(path), InvalidFile);  // gone
}

TEST(Npy, ReadsEverySupportedDtypeAsFloat) {
  struct Case {
    std::string descr;
    Bytes data;
    std::vector<float> expected;
  };
  const std::vector<Case> cases{
      {"<f4", raw<float>({1.5f, -0.0f, 3e38f}), {1.5f, -0.0f, 3e38f}},
      {"<f8", raw<double>({0.1, -2.0, 1e-300}), {0.1f, -2.0f, 0.0f}},
      // 1, -2.5, 65504 (largest half), 2^-24 (smallest subnormal), inf.
      {"<f2", raw<std::uint16_t>({0x3c00, 0xc100, 0x7bff, 0x0001, 0x7c00}),
       {1.0f, -2.5f, 65504.0f, 5.9604645e-8f, std::numeric_limits<float>::infinity()}},
      {"|b1", {1, 0, 1}, {1, 0, 1}},
      {"|u1", {0, 128, 255}, {0, 128, 255}},
      {"<i4", raw<std::int32_t>({-7, 16777216, 0}), {-7, 16777216, 0}},
      {"<i8", raw<std::int64_t>({-1, 1LL << 40, 42}), {-1, 1099511627776.0f, 42}},
  };
  for (const auto& c : cases) {
    std::string shape = std::to_string(c.expected.size());
    shape.insert(shape.begin(), '(');
    shape += ",)";
    const NpyArray array = parse_npy(make_npy(dict(c.descr, shape), c.data), "x.npy");
    EXPECT_EQ(array.dtype, c.descr);
    EXPECT_EQ(array.shape, (std::vector<std::int64_t>{static_cast<std::int64_t>(c.expected.size())}));
    EXPECT_EQ(array.values, c.expected) << c.descr;
  }
}

TEST(Npy, TransposesFortranOrderToCOrder) {
  // [[0, 1, 2], [3, 4, 5]] stored column by column.
  const NpyArray matrix =
      parse_npy(make_npy(dict("<i8", "(2, 3)", true), raw<std::int64_t>({0, 3, 1, 4, 2, 5})), "f.npy");
  EXPECT_EQ(matrix.values, (std::vector<float>{0, 1, 2, 3, 4, 5}));
  // Three axes: the element at C index i = 12·a + 4·b + c sits at Fortran position a + 2·b + 6·c.
  Bytes data(24 * 4);
  for (int a = 0; a < 2; ++a) {
    for (int b = 0; b < 3; ++b) {
      for (int c = 0; c < 4; ++c) {
        const float value = static_cast<float>(12 * a + 4 * b + c);
        std::memcpy(data.data() + 4 * (a + 2 * b + 6 * c), &value, 4);
      }
    }
  }
  const NpyArray cube = parse_npy(make_npy(dict("<f4", "(2, 3, 4)", true), data), "f3.npy");
  for (int i = 0; i < 24; ++i) EXPECT_EQ(cube.values[i], static_cast<float>(i)) << i;
}

TEST(Npy, ReadsFormatVersions2And3ScalarsAndPython2Headers) {
  EXPECT_EQ(parse_npy(make_npy(dict("<f4", "(2,)"), raw<float>({1, 2}), 2), "v2.npy").values,
            (std::vector<float>{1, 2}));
  EXPECT_EQ(parse_npy(make_npy(dict("<f4", "(2,)"), raw<float>({3, 4}), 3), "v3.npy").values,
            (std::vector<float>{3, 4}));
  const NpyArray scalar = parse_npy(make_npy(dict("<f8", "()"), raw<double>({2.5})), "scalar.npy");
  EXPECT_TRUE(scalar.shape.empty());
  EXPECT_EQ(scalar.values, (std::vector<float>{2.5f}));
  // Python 2's numpy wrote longs, keys in any order, double quotes are valid Python too.
  const NpyArray python2 = parse_npy(
      make_npy("{\"shape\": (2L, 1L), 'fortran_order': False, 'descr': '<f4'}", raw<float>({5, 6})), "py2.npy");
  EXPECT_EQ(python2.shape, (std::vector<std::int64_t>{2, 1}));
  EXPECT_EQ(python2.values, (std::vector<float>{5, 6}));
}

TEST(Npy, ErrorsSayWhatIsWrong) {
  expect_invalid(make_npy(dict(">f4", "(2,)"), raw<float>({1, 2})),
                 "x.npy: dtype '>f4' is not supported ('<f4', '<f8', '<f2', '<i4', '<i8', '|b1' and '|u1' are)");
  expect_invalid(make_npy(dict("<f4", "(3,)"), raw<float>({1, 2})),
                 "x.npy: shape (3,) of '<f4' needs 12 bytes of data, found 8");
  expect_invalid(make_npy(dict("<f4", "(1,)"), raw<float>({1, 2})),
                 "x.npy: shape (1,) of '<f4' needs 4 bytes of data, found 8");
  expect_invalid(make_npy(dict("<i8", "(1,)"), raw<std::int64_t>({(1LL << 24) + 1})),
                 "x.npy: element 0 (16777217) cannot be held exactly as a float");
  expect_invalid(make_npy(dict("<f8", "(1,)"), raw<double>({1e300})),
                 "x.npy: element 0 (1.0000000000000001e+300) is beyond float32's range");
  expect_invalid({'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0}, "x.npy: not a .npy file (it does not start with \\x93NUMPY)");
  expect_invalid(make_npy(dict("<f4", "(1,)"), raw<float>({1}), 4),
                 "x.npy: .npy format version 4.0 is not supported (1.0, 2.0 and 3.0 are)");
  expect_invalid(make_npy("{'descr': '<f4', 'shape': (1,), }", raw<float>({1})),
                 "x.npy: header: the keys 'descr', 'fortran_order' and 'shape' are required");
  expect_invalid(make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", raw<float>({1})),
                 "x.npy: header character 60: unexpected or repeated key 'x'");
  expect_invalid(make_npy(dict("<f4", "(-1,)"), {}),
                 "x.npy: header character 51: expected a dimension (a non-negative integer)");
  expect_invalid(make_npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", raw<float>({1})),
                 "x.npy: header character 10: expected a string");
  const Bytes whole = make_npy(dict("<f4", "(1,)"), raw<float>({1}));
  expect_invalid(Bytes(whole.begin(), whole.begin() + 40),
                 "x.npy: offset 10: needed 118 bytes for the header, 30 left");
  expect_invalid(make_npy(dict("<f4", "(4294967296, 4294967296, 4294967296)"), {}),
                 "x.npy: shape (4294967296, 4294967296, 4294967296) is too large for any file");
}

// Found by fuzz_npy (issue 13): a 0 among extents whose product overflows 64 bits is an empty array, read
// without overflowing anywhere (this runs under UBSan in the fuzz build).
TEST(Npy, AZeroExtentAmongHugeOnesIsAnEmptyArray) {
  const auto array = parse_npy(make_npy("{'descr': '<f2', 'fortran_order': False, 'shape': (33, 33333333, 333443, "
                                        "366, 6, 3, 333, 0, 3, 3, 33333, 333333, 32), }",
                                        {}),
                               "zero.npy");
  EXPECT_TRUE(array.values.empty());
  ASSERT_EQ(array.shape.size(), 13u);
  EXPECT_EQ(array.shape[7], 0);
  EXPECT_THROW(parse_npy(make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", {}),
                         "huge.npy"),
               InvalidFile);
}

TEST(Npy, CorruptedBytesGiveInvalidFileOnly) {
  const Bytes file = make_npy(dict("<f2", "(2, 3)", true), raw<std::uint16_t>({1, 2, 3, 4, 5, 6}));
  std::mt19937 random(11);
  for (std::size_t length = 0; length < file.size(); ++length) {
    EXPECT_THROW(parse_npy(Bytes(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(length)), "cut.npy"),
                 InvalidFile);
  }
  for (std::size_t position = 0; position < file.size(); ++position) {
    for (int trial = 0; trial < 8; ++trial) {
      Bytes corrupted = file;
      corrupted[position] = static_cast<std::uint8_t>(random());
      try {
        parse_npy(corrupted, "corrupt.npy");
      } catch (const InvalidFile&) {
      }
    }
  }
}

}  // namespace
}  // namespace marginlab::formats
