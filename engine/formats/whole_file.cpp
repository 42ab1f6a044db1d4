#include "engine/formats/whole_file.h"

#include <fstream>
#include <iterator>

#include "core/errors.h"

namespace marginlab::formats {

std::vector<std::uint8_t> read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InvalidFile(path + ": cannot open for reading");
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw InvalidFile(path + ": read error");
  return bytes;
}

}  // namespace marginlab::formats
