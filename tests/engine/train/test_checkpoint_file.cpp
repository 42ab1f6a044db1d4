#include "engine/train/checkpoint_file.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/errors.h"

namespace marginlab::train {
namespace {

namespace fs = std::filesystem;

torch::Tensor read_value(const fs::path& file) {
  torch::serialize::InputArchive archive;
  archive.load_from(file.string());
  torch::Tensor value;
  archive.read("value", value);
  return value;
}

TEST(CheckpointFile, ReplacesTheLatestAndLeavesNoTemporaryFile) {
  const auto dir = fs::temp_directory_path() / "marginlab_checkpoint_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const auto file = dir / "latest.pt";
  for (float v : {1.0f, 2.0f}) {
    torch::serialize::OutputArchive archive;
    archive.write("value", torch::full({3}, v));
    write_checkpoint_atomically(archive, file);
  }
  EXPECT_FLOAT_EQ(read_value(file)[0].item<float>(), 2.0f);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
  fs::remove_all(dir);
}

TEST(CheckpointFile, AFailedWriteKeepsThePreviousCheckpoint) {
  const auto dir = fs::temp_directory_path() / "marginlab_checkpoint_fail";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const auto file = dir / "latest.pt";
  torch::serialize::OutputArchive first;
  first.write("value", torch::full({3}, 1.0f));
  write_checkpoint_atomically(first, file);
  // A directory where the temporary file should go makes the write fail.
  fs::create_directories(dir / "latest.pt.partial");
  torch::serialize::OutputArchive second;
  second.write("value", torch::full({3}, 2.0f));
  try {
    write_checkpoint_atomically(second, file);
    FAIL() << "the write must fail";
  } catch (const InvalidFile& error) {
    EXPECT_NE(std::string(error.what()).find("latest.pt.partial"), std::string::npos) << error.what();
  }
  EXPECT_FLOAT_EQ(read_value(file)[0].item<float>(), 1.0f);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace marginlab::train
