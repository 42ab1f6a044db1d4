#include "engine/formats/pair_list.h"

#include <algorithm>
#include <optional>

#include "core/errors.h"
#include "engine/formats/whole_file.h"

namespace marginlab::formats {
namespace {

constexpr std::string_view kSpace = " \t";

std::optional<bool> parse_flag(std::string_view token) {
  if (token == "1" || token == "true" || token == "True") return true;
  if (token == "0" || token == "false" || token == "False") return false;
  return std::nullopt;
}

// The text of a line as a message quotes it: control characters escaped, long lines cut.
std::string quoted(std::string_view text) {
  constexpr std::size_t kMaxShown = 120;
  std::string shown;
  for (const char c : text.substr(0, kMaxShown)) {
    if (static_cast<unsigned char>(c) < 0x20) {
      shown += "\\x";
      shown += "0123456789abcdef"[static_cast<unsigned char>(c) >> 4];
      shown += "0123456789abcdef"[c & 0xf];
    } else {
      shown += c;
    }
  }
  return "'" + shown + (text.size() > kMaxShown ? "...'" : "'");
}

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t position = 0;
  while ((position = line.find_first_not_of(kSpace, position)) != std::string_view::npos) {
    const std::size_t end = std::min(line.find_first_of(kSpace, position), line.size());
    fields.push_back(line.substr(position, end - position));
    position = end;
  }
  return fields;
}

// Calls `visit(line_text, line_number)` for every line that is neither blank nor a '#' comment, CR stripped.
template <typename Visit>
void for_each_content_line(std::string_view text, Visit visit) {
  std::int64_t number = 0;
  while (!text.empty()) {
    ++number;
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::size_t first = line.find_first_not_of(kSpace);
    if (first == std::string_view::npos || line[first] == '#') continue;
    visit(line, number);
  }
}

}  // namespace

std::vector<PairListEntry> parse_pair_list(std::string_view text, const std::string& origin) {
  std::vector<PairListEntry> pairs;
  for_each_content_line(text, [&](std::string_view line, std::int64_t number) {
    const std::string where = origin + ":" + std::to_string(number) + ": ";
    const auto fields = split_fields(line);
    if (fields.size() != 3) {
      throw InvalidFile(where + "expected 'path1 path2 same', found " + std::to_string(fields.size()) +
                        " fields in " + quoted(line));
    }
    const auto same = parse_flag(fields[2]);
    if (!same) {
      throw InvalidFile(where + "the third field " + quoted(fields[2]) +
                        " is not a flag (0, 1, true, false, True or False)");
    }
    pairs.push_back({std::string(fields[0]), std::string(fields[1]), *same, number});
  });
  if (pairs.empty()) throw InvalidFile(origin + ": no pairs (only blank or '#' lines)");
  return pairs;
}

std::vector<PairListEntry> read_pair_list(const std::string& path) {
  const auto bytes = read_whole_file(path);
  return parse_pair_list(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), path);
}

std::vector<bool> parse_issame_list(std::string_view text, const std::string& origin) {
  std::vector<bool> flags;
  for_each_content_line(text, [&](std::string_view line, std::int64_t number) {
    for (const auto token : split_fields(line)) {
      const auto flag = parse_flag(token);
      if (!flag) {
        throw InvalidFile(origin + ":" + std::to_string(number) + ": " + quoted(token) +
                          " is not a flag (0, 1, true, false, True or False)");
      }
      flags.push_back(*flag);
    }
  });
  if (flags.empty()) throw InvalidFile(origin + ": no flags (only blank or '#' lines)");
  return flags;
}

std::vector<bool> read_issame_list(const std::string& path) {
  const auto bytes = read_whole_file(path);
  return parse_issame_list(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), path);
}

}  // namespace marginlab::formats
