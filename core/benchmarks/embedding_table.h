#pragma once
// Embeddings made elsewhere, as text: one line per image, `<name> v1 … vD` (the fixtures' layout). Lets other tools'
// features go through exactly our protocol code.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace marginlab::benchmarks {

struct EmbeddingTable {
  std::filesystem::path file;
  std::int64_t dim = 0;
  std::vector<std::string> names;                     // in file order
  std::vector<float> values;                          // names.size() × dim, row-major, as written (raw: norms kept)
  std::unordered_map<std::string, std::size_t> rows;  // name → row

  // The row of `name`; throws InvalidFile naming this file and the name when it has none.
  std::size_t row(const std::string& name) const;
  const float* data(std::size_t row) const { return values.data() + row * static_cast<std::size_t>(dim); }
};

// Throws InvalidFile naming file and line: a line whose number of values differs from the first line's, a value that
// is not a finite number, a name given twice, no lines at all.
EmbeddingTable read_embedding_table(const std::filesystem::path& file);

}  // namespace marginlab::benchmarks
