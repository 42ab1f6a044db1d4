#pragma once
// Every margin head, described once: its kind, what it is, its typed hyperparameters, what it keeps and needs, and
// the old kind names that still mean one of its variants. Torch-free, so the CLI's listing, the experiment's
// validation, the workbench's editors and the engine's factory (engine/heads/head_factory.h) all read the same
// entries. The list of heads is core/heads/heads.def.
#include <string>
#include <string_view>
#include <vector>

#include "core/heads/head_values.h"

namespace marginlab::heads {

// What a head keeps or needs beyond its kernel: what a trainer, a distributed run or an export must provide for it.
enum class HeadCapability {
  feature_norms,     // the margin depends on each sample's feature norm (image quality)
  batch_statistics,  // keeps an EMA of batch statistics (across ranks, the batch is the global one)
  class_statistics,  // keeps per-class statistics, refreshed during training
  sample_memory,     // keeps a per-sample memory the size of the dataset
  momentum_encoder,  // learns from the features of an EMA copy of the backbone
  random_margins,    // draws its margins at random, from a seeded generator
  regulariser,       // adds a term to the loss besides the cross-entropy
};

std::string_view to_string(HeadParamType type);  // "number", "integer", "choice"
std::string_view to_string(HeadCapability capability);
std::string_view describe(HeadCapability capability);
const std::vector<HeadCapability>& all_capabilities();

// A capability the head has always (empty `param`) or only when one of its choices is made.
struct CapabilityRule {
  HeadCapability capability;
  std::string param;
  std::string choice;
};

// An older kind name that means this head with these choices ("arcface-legacy": ArcFace, form = legacy).
struct HeadAlias {
  std::string kind;
  HeadValues choices;
};

struct HeadDescriptor {
  std::string kind;         // "arcface": what experiment files say
  std::string title;        // "ArcFace": what messages and titles say
  std::string description;  // one line
  std::vector<CapabilityRule> capabilities;
  std::vector<HeadAlias> aliases;
  // Every parameter at its defaults, with type, range or choices, and live flag.
  std::vector<ParamValue> params;
  // Every parameter at the defaults with `given` applied by name. Throws InvalidParameter for an unknown name, a
  // value of the wrong type, an unknown choice or a value out of range, with the head's own messages.
  std::vector<ParamValue> (*resolve)(const HeadValues& given) = nullptr;

  // Whether the head, with the parameters `resolved` lists, has the capability.
  bool has(HeadCapability capability, const std::vector<ParamValue>& resolved) const;
};

// Every head, in the order listings show them.
const std::vector<HeadDescriptor>& head_registry();
// The head of this kind (not an alias), or null.
const HeadDescriptor* find_head(std::string_view kind);

// A kind as written (the head's own or an alias) with the values given, in the registry's terms.
struct HeadChoiceOf {
  const HeadDescriptor* head;
  HeadValues values;  // the given values and the alias's choices
};
// Throws InvalidParameter for an unknown kind (listing the known ones), or when an alias's choice and a given value
// disagree ("arcface-legacy" with form = exact).
HeadChoiceOf canonical_head(const std::string& kind, const HeadValues& given = {});

// The kind's parameters (alias kinds too) at the defaults with `given` applied, validated as the head validates them.
std::vector<ParamValue> head_parameter_values(const std::string& kind, const HeadValues& given = {});

// Every combination of every head's choices: what tests and benchmarks go through to see every variant.
struct HeadVariant {
  std::string kind;
  HeadValues choices;
  std::string label() const;  // "arcface", "arcface(form=legacy)", "kappaface(formula=paper, statistics=memory)"
};
std::vector<HeadVariant> head_variants();

// The values of a parameter listing, by name.
HeadValues values_of(const std::vector<ParamValue>& params);

}  // namespace marginlab::heads
