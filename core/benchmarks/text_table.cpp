#include "core/benchmarks/text_table.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <limits>

#include "core/errors.h"

namespace marginlab::benchmarks {

TextTable::TextTable(std::filesystem::path file, FieldSeparator separator)
    : file_(std::move(file)), separator_(separator), in_(file_) {
  if (!in_) throw InvalidFile(file_.string() + ": cannot open");
}

bool TextTable::next() {
  while (std::getline(in_, line_)) {
    ++line_number_;
    if (!line_.empty() && line_.back() == '\r') line_.pop_back();  // files written on Windows
    fields_.clear();
    const std::string_view line(line_);
    if (separator_ == FieldSeparator::comma) {
      if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
      std::size_t start = 0;
      while (true) {
        const auto comma = line.find(',', start);
        fields_.push_back(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
      }
    } else {
      std::size_t start = line.find_first_not_of(" \t");
      while (start != std::string_view::npos) {
        const auto end = line.find_first_of(" \t", start);
        fields_.push_back(line.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        start = end == std::string_view::npos ? end : line.find_first_not_of(" \t", end);
      }
      if (fields_.empty()) continue;
    }
    return true;
  }
  if (in_.bad()) throw InvalidFile(file_.string() + ": read error after line " + std::to_string(line_number_));
  return false;
}

void TextTable::fail(const std::string& message) const {
  throw InvalidFile(fmt::format("{}:{}: {}", file_.string(), line_number_, message));
}

void TextTable::require_fields(std::size_t count, std::string_view what) const {
  if (fields_.size() < count) {
    fail(fmt::format("{} field{} where {} {} expected ({})", fields_.size(), fields_.size() == 1 ? "" : "s", count,
                     count == 1 ? "is" : "are", what));
  }
}

std::string_view TextTable::field(std::size_t index) const {
  if (index >= fields_.size()) fail(fmt::format("no column {} (the line has {})", index + 1, fields_.size()));
  return fields_[index];
}

std::int64_t TextTable::integer(std::size_t index, std::string_view what) const {
  auto text = field(index);
  // Spaces around a CSV field are not part of the number.
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    fail(fmt::format("{} '{}' is not an integer", what, text));
  }
  return value;
}

double TextTable::real(std::size_t index, std::string_view what) const {
  const auto text = field(index);
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    fail(fmt::format("{} '{}' is not a finite number", what, text));
  }
  return value;
}

std::size_t line_of_record(const std::filesystem::path& file, FieldSeparator separator, std::size_t record) {
  TextTable table(file, separator);
  for (std::size_t seen = 0; table.next(); ++seen) {
    if (seen == record) return table.line_number();
  }
  return 0;
}

float TextTable::single(std::size_t index, std::string_view what) const {
  const double value = real(index, what);
  if (std::abs(value) > static_cast<double>(std::numeric_limits<float>::max())) {
    fail(fmt::format("{} '{}' is too large for a float", what, field(index)));
  }
  return static_cast<float>(value);
}

}  // namespace marginlab::benchmarks
