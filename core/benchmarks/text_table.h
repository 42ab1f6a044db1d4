#pragma once
// The benchmarks' meta files, line by line: fields split on blanks (IJB's .txt files) or commas (its 1:N .csv files),
// a trailing CR dropped, blank lines skipped, and every error naming the file and the line. Numbers are parsed as
// what they are (int64, double) over the whole field: no fixed-width strings that could cut a long id short (the
// np.loadtxt truncation that zeroed IJB-C's TARs, insightface#1364).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace marginlab::benchmarks {

enum class FieldSeparator { blanks, comma };

class TextTable {
 public:
  // Throws InvalidFile naming the file when it cannot be opened.
  TextTable(std::filesystem::path file, FieldSeparator separator);

  // The next non-blank line; false at the end of the file.
  bool next();

  std::size_t line_number() const { return line_number_; }  // 1-based, as editors count
  std::size_t size() const { return fields_.size(); }
  std::string_view field(std::size_t index) const;  // throws InvalidFile when the line has no such column

  // Throws InvalidFile "<file>:<line>: …" unless the line has at least `count` fields (`what` names them).
  void require_fields(std::size_t count, std::string_view what) const;
  std::int64_t integer(std::size_t index, std::string_view what) const;
  double real(std::size_t index, std::string_view what) const;
  // A finite number that a float can hold (embeddings, landmarks, scores are floats downstream).
  float single(std::size_t index, std::string_view what) const;

  [[noreturn]] void fail(const std::string& message) const;  // InvalidFile "<file>:<line>: message"
  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
  FieldSeparator separator_;
  std::ifstream in_;
  std::string line_;
  std::vector<std::string_view> fields_;
  std::size_t line_number_ = 0;
};

// The line number of the `record`-th (from 0) non-blank line of `file`, for a problem found after reading: the readers
// need not keep a line number per record (IJB-C's pair file has 15.7 million). 0 when the file has fewer records.
std::size_t line_of_record(const std::filesystem::path& file, FieldSeparator separator, std::size_t record);

}  // namespace marginlab::benchmarks
