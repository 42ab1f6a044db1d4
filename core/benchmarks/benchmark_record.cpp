#include "core/benchmarks/benchmark_record.h"

#include "core/errors.h"

namespace marginlab::benchmarks {

bool is_benchmark_line(const nlohmann::json& line) { return line.is_object() && line.contains("benchmark"); }

nlohmann::json to_json(const BenchmarkRecord& record) {
  return {{"benchmark", record.benchmark},
          {"step", record.step},
          {"checkpoint", record.checkpoint},
          {"results", record.results}};
}

BenchmarkRecord benchmark_record_from_json(const nlohmann::json& line, const std::string& origin) {
  try {
    BenchmarkRecord record;
    record.benchmark = line.at("benchmark").get<std::string>();
    record.step = line.at("step").get<std::int64_t>();
    record.checkpoint = line.value("checkpoint", std::string());
    record.results = line.at("results");
    if (!record.results.is_object()) throw InvalidFile(origin + ": \"results\" is not an object");
    return record;
  } catch (const nlohmann::json::exception& error) {
    throw InvalidFile(origin + ": not a benchmark record (" + error.what() + ")");
  }
}

}  // namespace marginlab::benchmarks
