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
  // Partial FC: this head holds classes [first_class, first_class + held_classes) of num_classes (0: all of them).
  std::int64_t first_class = 0;
  std::int64_t held_classes = 0;
};

// What a head's factory receives: the sizes, and every hyperparameter resolved and validated.
struct HeadBuild {
  std::int64_t embedding_dim;
  std::int64_t num_classes;  // the classes this head holds
  HeadValues values;
  std::vector<std::int64_t> class_counts;  // n_c of the classes held (num_classes entries)
  // Of the whole dataset, also under Partial FC: its samples (KappaFace's memory rows, indexed by dataset row) and
  // its largest class (KappaFace's population weight is relative to it).
  std::int64_t dataset_size;
  std::int64_t largest_class;
};

// Throws InvalidParameter for an unknown kind, a bad value or a held range outside the classes, naming it.
MarginHead make_head(const HeadSpec& spec);

// The spec of one variant of the registry (head_variants()) at these sizes.
HeadSpec spec_for(const HeadVariant& variant, std::int64_t embedding_dim, std::int64_t num_classes);

}  // namespace marginlab::heads
