#include "engine/heads/head_factory.h"

#include <algorithm>
#include <functional>
#include <numeric>
#include <map>

#include "core/heads/head_registry.h"

namespace marginlab::heads {

// Each head's factory, defined in engine/heads/<kind>.cpp.
#define MARGINLAB_HEAD(kind) MarginHead make_##kind##_head(const HeadBuild& build);
#include "core/heads/heads.def"
#undef MARGINLAB_HEAD

namespace {

const std::map<std::string, MarginHead (*)(const HeadBuild&), std::less<>>& factories() {
  static const std::map<std::string, MarginHead (*)(const HeadBuild&), std::less<>> table{
#define MARGINLAB_HEAD(kind) {#kind, &make_##kind##_head},
#include "core/heads/heads.def"
#undef MARGINLAB_HEAD
  };
  return table;
}

}  // namespace

MarginHead make_head(const HeadSpec& spec) {
  const auto chosen = canonical_head(spec.kind, spec.values);
  auto counts = spec.class_counts;
  if (counts.empty()) counts.assign(spec.num_classes, spec.samples_per_class);
  if (static_cast<std::int64_t>(counts.size()) != spec.num_classes) {
    throw InvalidParameter(chosen.head->title + ": class_counts has " + std::to_string(counts.size()) +
                           " entries for " + std::to_string(spec.num_classes) + " classes");
  }
  const std::int64_t held = spec.held_classes > 0 ? spec.held_classes : spec.num_classes - spec.first_class;
  if (spec.first_class < 0 || held < 1 || spec.first_class + held > spec.num_classes) {
    throw InvalidParameter(chosen.head->title + ": classes [" + std::to_string(spec.first_class) + ", " +
                           std::to_string(spec.first_class + held) + ") are not a range of the " +
                           std::to_string(spec.num_classes) + " classes");
  }
  HeadBuild build{spec.embedding_dim, held, values_of(chosen.head->resolve(chosen.values)),
                  std::vector<std::int64_t>(counts.begin() + spec.first_class,
                                            counts.begin() + spec.first_class + held),
                  std::accumulate(counts.begin(), counts.end(), std::int64_t{0}),
                  counts.empty() ? 0 : *std::max_element(counts.begin(), counts.end())};
  auto head = factories().at(chosen.head->kind)(build);
  if (spec.first_class > 0) head->hold_classes(spec.first_class);
  return head;
}

HeadSpec spec_for(const HeadVariant& variant, std::int64_t embedding_dim, std::int64_t num_classes) {
  HeadSpec spec;
  spec.kind = variant.kind;
  spec.embedding_dim = embedding_dim;
  spec.num_classes = num_classes;
  spec.values = variant.choices;
  return spec;
}

}  // namespace marginlab::heads
