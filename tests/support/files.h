#pragma once
// Writing test files byte for byte (folders made as needed).
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <vector>

namespace marginlab::test_support {

inline void write_bytes(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace marginlab::test_support
