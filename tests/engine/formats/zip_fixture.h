#pragma once
// Zip archives made in a test with libzip (the library the reader uses), for torch.save files with a chosen
// data.pkl: hostile pickles, missing storages, compressed entries, TorchScript layouts; and the pickle opcodes of a
// small state dict, spelled out.
#include <zip.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace marginlab::formats::fixtures {

struct ZipEntry {
  std::string name;
  std::string bytes;
  bool compressed = false;  // deflate instead of stored
};

inline std::vector<std::uint8_t> zip_of(const std::vector<ZipEntry>& entries) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("marginlab-zip-" + std::to_string(reinterpret_cast<std::uintptr_t>(&entries)) + ".zip");
  int error = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  if (!archive) throw std::runtime_error("zip_open failed");
  for (const auto& entry : entries) {
    zip_source_t* source = zip_source_buffer(archive, entry.bytes.data(), entry.bytes.size(), 0);
    const auto index = zip_file_add(archive, entry.name.c_str(), source, ZIP_FL_OVERWRITE);
    if (index < 0) throw std::runtime_error("zip_file_add failed");
    zip_set_file_compression(archive, static_cast<zip_uint64_t>(index),
                             entry.compressed ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0);
  }
  if (zip_close(archive) != 0) throw std::runtime_error("zip_close failed");
  std::ifstream in(path, std::ios::binary);
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove(path);
  return bytes;
}

// A torch.save archive named "archive" with this data.pkl and these storages (data/<key>).
inline std::vector<std::uint8_t> torch_zip(const std::string& data_pkl,
                                           const std::vector<std::pair<std::string, std::string>>& storages = {}) {
  std::vector<ZipEntry> entries{{"archive/data.pkl", data_pkl}, {"archive/version", "3\n"}};
  for (const auto& [key, bytes] : storages) entries.push_back({"archive/data/" + key, bytes});
  return zip_of(entries);
}

// Pickle opcodes, spelled out.
inline std::string unicode(const std::string& text) {
  std::string out = "X";
  const auto length = static_cast<std::uint32_t>(text.size());
  out.append(reinterpret_cast<const char*>(&length), 4);
  return out + text;
}
inline std::string global(const std::string& module, const std::string& name) {
  return "c" + module + "\n" + name + "\n";
}
// BININT1 for 0-255, BININT (4 bytes, little-endian) beyond, as pickle writes them.
inline std::string integer(std::int32_t value) {
  if (value >= 0 && value < 256) return std::string("K") + static_cast<char>(value);
  std::string out = "J";
  out.append(reinterpret_cast<const char*>(&value), 4);
  return out;
}

// {name: a float32 tensor of `sizes` and `strides` at `offset` over storage '0' of `numel` elements}.
inline std::string state_dict_pickle(const std::string& name, std::vector<int> sizes, std::vector<int> strides,
                                     int offset, int numel, const std::string& storage_type = "FloatStorage") {
  auto tuple = [](const std::vector<int>& values) {
    std::string out = "(";
    for (const int v : values) out += integer(v);
    return out + "t";
  };
  return "\x80\x02}" + unicode(name) + global("torch._utils", "_rebuild_tensor_v2") + "(" + "(" + unicode("storage") +
         global("torch", storage_type) + unicode("0") + unicode("cpu") + integer(numel) + "tQ" + integer(offset) +
         tuple(sizes) + tuple(strides) + "\x89" + global("collections", "OrderedDict") + ")Rt" + "Rs.";
}

inline std::string floats(std::initializer_list<float> values) {
  std::string out;
  for (const float v : values) out.append(reinterpret_cast<const char*>(&v), sizeof v);
  return out;
}

}  // namespace marginlab::formats::fixtures
