// safetensors files: the sample the fixture generator wrote in the library's layout, and each way a header can lie.
#include "engine/formats/safetensors.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "core/errors.h"

namespace marginlab::formats {
namespace {

SafetensorsFile parse(const std::string& header, const std::string& data) {
  const std::uint64_t length = header.size();
  auto bytes = std::make_shared<std::vector<std::uint8_t>>(8 + header.size() + data.size());
  std::memcpy(bytes->data(), &length, 8);
  std::copy(header.begin(), header.end(), bytes->begin() + 8);
  std::copy(data.begin(), data.end(), bytes->begin() + 8 + static_cast<std::ptrdiff_t>(header.size()));
  return parse_safetensors(*bytes, bytes, "m.safetensors");
}

void expect_invalid(const std::string& header, const std::string& data, const std::string& fragment) {
  try {
    parse(header, data);
    FAIL() << "accepted; expected an error mentioning: " << fragment;
  } catch (const InvalidFile& error) {
    EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos) << error.what();
  }
}

template <typename T>
T element(const StoredTensor& tensor, std::size_t index) {
  T value;
  std::memcpy(&value, tensor.storage.data() + index * sizeof(T), sizeof(T));
  return value;
}

TEST(Safetensors, ReadsTheSample) {
  const auto file = read_safetensors(MARGINLAB_FIXTURES_DIR "/import/sample.safetensors");
  ASSERT_EQ(file.tensors.size(), 3u);
  EXPECT_EQ(file.metadata.at("format"), "pt");
  std::map<std::string, StoredTensor> byname(file.tensors.begin(), file.tensors.end());
  const auto& weight = byname.at("weight");
  EXPECT_EQ(weight.description(), "float32 (2, 3, 4)");
  EXPECT_EQ(weight.strides, (std::vector<std::int64_t>{12, 4, 1}));
  EXPECT_EQ(element<float>(weight, 23), 23.0f / 8);
  const auto& steps = byname.at("steps");
  EXPECT_EQ(steps.type, ElementType::int64);
  EXPECT_EQ(element<std::int64_t>(steps, 3), std::int64_t{1} << 40);
  EXPECT_EQ(byname.at("half").type, ElementType::float16);
}

TEST(Safetensors, RefusesHeadersThatDoNotDescribeTheData) {
  expect_invalid("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", std::string(4, '\0'),
                 "tensor 'w': data_offsets [0, 8] lie outside the 4 bytes of data");
  expect_invalid("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", std::string(8, '\0'),
                 "tensor 'w': 8 bytes for float32 (3,), which needs 12");
  expect_invalid("{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[1],\"data_offsets\":[0,1]}}", std::string(1, '\0'),
                 "has dtype \"F8_E4M3\", not one of");
  expect_invalid("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,0]}}", "",
                 "tensor 'w': a size is -1, expected an int >= 0");
  expect_invalid("{\"w\":{\"dtype\":\"F32\"}}", "", "tensor 'w' lacks dtype, shape or data_offsets");
  expect_invalid("[1, 2]", "", "the safetensors header is not a JSON object");
  expect_invalid("{not json", "", "the safetensors header is not JSON");
  auto bytes = std::make_shared<std::vector<std::uint8_t>>(std::vector<std::uint8_t>{255, 255, 0, 0, 0, 0, 0, 0, '{'});
  EXPECT_THROW(parse_safetensors(*bytes, bytes, "m.safetensors"), InvalidFile);
}

}  // namespace
}  // namespace marginlab::formats
