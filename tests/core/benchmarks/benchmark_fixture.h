#pragma once
// The benchmark fixture (tests/fixtures/benchmarks/fixture-a.tgz, unpacked into the build folder) and the numbers
// the authors' functions print on it (reference-a.json).
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

namespace marginlab::test_support {

inline std::filesystem::path benchmark_fixture() { return MARGINLAB_BENCHMARK_FIXTURE_DIR; }

inline const nlohmann::json& benchmark_reference() {
  static const nlohmann::json reference = nlohmann::json::parse(
      std::ifstream(std::filesystem::path(MARGINLAB_FIXTURES_DIR) / "benchmarks/reference-a.json"));
  return reference;
}

}  // namespace marginlab::test_support
