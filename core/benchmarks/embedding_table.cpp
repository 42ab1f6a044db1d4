#include "core/benchmarks/embedding_table.h"

#include <fmt/format.h>

#include "core/benchmarks/text_table.h"
#include "core/errors.h"

namespace marginlab::benchmarks {

std::size_t EmbeddingTable::row(const std::string& name) const {
  const auto found = rows.find(name);
  if (found == rows.end()) throw InvalidFile(fmt::format("{}: no embedding of '{}'", file.string(), name));
  return found->second;
}

EmbeddingTable read_embedding_table(const std::filesystem::path& file) {
  EmbeddingTable table{file, 0, {}, {}, {}};
  TextTable text(file, FieldSeparator::blanks);
  while (text.next()) {
    if (table.dim == 0) {
      table.dim = static_cast<std::int64_t>(text.size()) - 1;
      if (table.dim < 1) text.fail("a name and no values (expected '<name> v1 … vD')");
    }
    if (text.size() != static_cast<std::size_t>(table.dim) + 1) {
      text.fail(fmt::format("{} values where the first line has {}", text.size() - 1, table.dim));
    }
    std::string name(text.field(0));
    if (!table.rows.emplace(name, table.names.size()).second) {
      text.fail(fmt::format("'{}' again (first on line {})", name, table.rows.at(name) + 1));
    }
    table.names.push_back(std::move(name));
    for (std::int64_t k = 1; k <= table.dim; ++k) {
      table.values.push_back(text.single(static_cast<std::size_t>(k), "embedding value"));
    }
  }
  if (table.names.empty()) throw InvalidFile(file.string() + ": no embeddings");
  return table;
}

}  // namespace marginlab::benchmarks
