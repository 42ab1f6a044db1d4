#pragma once
// Plain-text verification lists, for sets that are not insightface packs.
//
// Pair list: one pair per line, "path1 path2 same", fields separated by spaces or tabs (so paths cannot contain
// them), same ∈ {0, 1, true, false, True, False}. Blank lines and lines starting with '#' are ignored; CRLF line ends
// are accepted. Paths are kept as written: relative ones are relative to the list file's folder, which the data
// part resolves.
//
// issame list (marginlab-cli verify --issame): one flag per pair, in pair order, from the same vocabulary; one per
// line or several per line separated by whitespace; '#' lines ignored.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace marginlab::formats {

struct PairListEntry {
  std::string first;
  std::string second;
  bool same = false;
  std::int64_t line = 0;  // 1-based line in the list, for messages about this pair
};

// Throw InvalidFile "<origin>:<line>: ..." quoting the offending text; an empty list is an error too.
std::vector<PairListEntry> parse_pair_list(std::string_view text, const std::string& origin);
std::vector<PairListEntry> read_pair_list(const std::string& path);

std::vector<bool> parse_issame_list(std::string_view text, const std::string& origin);
std::vector<bool> read_issame_list(const std::string& path);

}  // namespace marginlab::formats
