#pragma once
// Forward+backward time of each head against a plain normalised linear layer + cross-entropy, the cost floor of
// any cosine classifier. `marginlab-cli bench heads` prints it.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace marginlab::bench {

struct HeadBenchConfig {
  std::int64_t batch = 512;
  std::int64_t dim = 512;
  std::vector<std::int64_t> classes{1000, 10000, 100000};
  std::vector<std::string> heads;  // kinds or aliases; empty: every variant of every head
  int warmup = 1;
  int iterations = 5;
  std::uint64_t seed = 0;
};

struct HeadBenchRow {
  std::string head;  // the kind or variant ("arcface(form=legacy)"); "baseline" for the normalised linear + CE
  std::int64_t classes;
  double median_ms;
  double ratio;  // median_ms / the baseline's at the same C
};

std::vector<HeadBenchRow> bench_heads(const HeadBenchConfig& config,
                                      const std::function<void(const HeadBenchRow&)>& on_row = {});

}  // namespace marginlab::bench
