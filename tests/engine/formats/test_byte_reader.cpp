#include "engine/formats/byte_reader.h"

#include <gtest/gtest.h>

#include <array>

#include "core/errors.h"

namespace marginlab::formats {
namespace {

TEST(ByteReader, ReadsLittleEndianValuesAndKeepsFileOffsets) {
  const std::array<std::uint8_t, 13> bytes{0x0A, 0x23, 0xD7, 0xCE, 0x00, 0x00, 0x80, 0x3F, 7, 0, 0, 0, 0};
  ByteReader reader(bytes, "x.rec", 100);
  EXPECT_EQ(reader.u32("magic"), 0xCED7230Au);
  EXPECT_EQ(reader.f32("label"), 1.0f);
  EXPECT_EQ(reader.offset(), 108u);
  EXPECT_EQ(reader.u8("flag"), 7);
  EXPECT_EQ(reader.remaining(), 4u);
}

TEST(ByteReader, RunningOutNamesOriginOffsetAndPurpose) {
  const std::array<std::uint8_t, 3> bytes{1, 2, 3};
  ByteReader reader(bytes, "lfw.bin", 40);
  reader.u8("opcode");
  try {
    reader.u32("BINSTRING length");
    FAIL() << "read past the end";
  } catch (const InvalidFile& error) {
    EXPECT_STREQ(error.what(), "lfw.bin: offset 41: needed 4 bytes for BINSTRING length, 2 left");
  }
  EXPECT_EQ(reader.offset(), 41u);  // a failed read consumes nothing
}

}  // namespace
}  // namespace marginlab::formats
