#pragma once
// Small files read whole: verification packs, .npy arrays, pair lists. (RecordIO files are far too large for this.)
#include <cstdint>
#include <string>
#include <vector>

namespace marginlab::formats {

// Throws InvalidFile "<path>: cannot open for reading" / "<path>: read error".
std::vector<std::uint8_t> read_whole_file(const std::string& path);

}  // namespace marginlab::formats
