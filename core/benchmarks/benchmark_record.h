#pragma once
// A benchmark's results as a run keeps them: one line of its evaluations.jsonl beside the verification results, told
// apart by its "benchmark" key. The results are the JSON `marginlab-cli ijb/tinyface --json` writes for that
// benchmark (reference-a.json's key names), so every reader sees the same document.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace marginlab::benchmarks {

struct BenchmarkRecord {
  std::string benchmark;   // "IJBC", "IJBB", "TinyFace"
  std::int64_t step = 0;   // the model's training step
  std::string checkpoint;  // the file the weights came from
  nlohmann::json results;
};

bool is_benchmark_line(const nlohmann::json& line);
nlohmann::json to_json(const BenchmarkRecord& record);
// Throws InvalidFile naming `origin` when a key is missing or of the wrong type.
BenchmarkRecord benchmark_record_from_json(const nlohmann::json& line, const std::string& origin);

}  // namespace marginlab::benchmarks
