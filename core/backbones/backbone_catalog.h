#pragma once
// The backbone kinds by name, without building one: torch-free, so that the experiment's validation, the workbench's
// choices and the CLI's listing read the same table the engine's make_backbone() builds from.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace marginlab::backbones {

// Every name make_backbone() accepts (aliases aside), with a one-line description each.
const std::vector<std::pair<std::string, std::string>>& backbone_kinds();
// The kind a name stands for: itself, or the canonical kind of an arcface_torch function name ("iresnet50" ->
// "ir50"); empty when the name is not a backbone.
std::string canonical_backbone_kind(const std::string& name);
// Whether make_backbone() accepts `kind` (aliases included).
bool is_backbone_kind(const std::string& kind);
// The kinds as one comma-separated line, for error messages.
std::string backbone_kind_names();
// The input side a kind was designed for: 112 for the insightface networks, 64 for "demo".
std::int64_t native_input_size(const std::string& kind);

}  // namespace marginlab::backbones
