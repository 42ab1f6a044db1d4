#include "engine/heads/head_factory.h"

#include <functional>
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
  HeadBuild build{spec.embedding_dim, spec.num_classes, values_of(chosen.head->resolve(chosen.values)),
                  spec.class_counts};
  if (build.class_counts.empty()) build.class_counts.assign(spec.num_classes, spec.samples_per_class);
  if (static_cast<std::int64_t>(build.class_counts.size()) != spec.num_classes) {
    throw InvalidParameter(chosen.head->title + ": class_counts has " + std::to_string(build.class_counts.size()) +
                           " entries for " + std::to_string(spec.num_classes) + " classes");
  }
  return factories().at(chosen.head->kind)(build);
}

HeadSpec spec_for(const HeadVariant& variant, std::int64_t embedding_dim, std::int64_t num_classes) {
  HeadSpec spec{variant.kind, embedding_dim, num_classes};
  spec.values = variant.choices;
  return spec;
}

}  // namespace marginlab::heads
