#pragma once
// Builds any head of the registry (core/heads/head_registry.h) by kind, for the trainer, the CLI and the benchmarks.
// Each head's factory, make_<kind>_head(), is defined beside the head (engine/heads/<kind>.cpp) and found through
// core/heads/heads.def.
#include <cstdint>
#include <string>
#include <vector>

#include "core/heads/head_registry.h"
#include "core/heads/head_values.h"
#include "engine/heads/margin_head.h"

namespace marginlab::heads {

struct HeadSpec {
  std::string kind;  // a kind of the registry, or an older alias ("arcface-legacy")
  std::int64_t embedding_dim = 512;
  std::int64_t num_classes = 1000;
  HeadValues values;  // hyperparameters by name (numbers, choices); the rest keep their defaults
  // For heads that keep class statistics (KappaFace): n_c per class (default: samples_per_class each).
  std::vector<std::int64_t> class_counts;
  std::int64_t samples_per_class = 10;
};

// What a head's factory receives: the sizes, and every hyperparameter resolved and validated.
struct HeadBuild {
  std::int64_t embedding_dim;
  std::int64_t num_classes;
  HeadValues values;
  std::vector<std::int64_t> class_counts;  // num_classes entries
};

// Throws InvalidParameter for an unknown kind or a bad value, naming it.
MarginHead make_head(const HeadSpec& spec);

// The spec of one variant of the registry (head_variants()) at these sizes.
HeadSpec spec_for(const HeadVariant& variant, std::int64_t embedding_dim, std::int64_t num_classes);

}  // namespace marginlab::heads
