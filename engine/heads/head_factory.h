#pragma once
// Builds any head by name, for the CLI, the benchmarks and (later) experiment files.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/heads/margin_head.h"

namespace marginlab::heads {

struct HeadSpec {
  std::string kind;                      // one of head_kinds()
  std::int64_t embedding_dim = 512;
  std::int64_t num_classes = 1000;
  std::map<std::string, double> values;  // numeric hyperparameters by name; the rest keep their defaults
  // KappaFace only: n_c per class (default: equal counts) and the statistics source.
  std::vector<std::int64_t> class_counts;
  std::int64_t samples_per_class = 10;
  KappaStatisticsSource kappa_source = KappaStatisticsSource::memory_buffer;
};

// Every name make_head() accepts, with a one-line description each.
const std::vector<std::pair<std::string, std::string>>& head_kinds();

// Throws InvalidParameter for an unknown kind or a bad value, naming it.
MarginHead make_head(const HeadSpec& spec);

}  // namespace marginlab::heads
