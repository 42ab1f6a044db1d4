// libFuzzer target for the unpickler's checkpoint vocabulary (the data.pkl of torch.save files), fed directly so
// that the fuzzer's effort goes into the opcodes rather than the zip around them. Any outcome but a value or
// InvalidFile (a crash, a sanitizer report, a leak from a reference cycle, runaway memory) is a bug.
#include <cstddef>
#include <cstdint>
#include <set>
#include <span>

#include "core/errors.h"
#include "engine/formats/pickle.h"

namespace {

namespace pickle = marginlab::formats::pickle;

// Visits every value once (shared objects once), as a reader of the result would, describing each.
void walk(const pickle::Value& value, std::set<const void*>& seen, int depth) {
  if (depth > 40) __builtin_trap();  // the unpickler bounds nesting at 32
  (void)pickle::described(value);
  const void* identity = nullptr;
  const pickle::Items* items = nullptr;
  const std::vector<std::pair<pickle::Value, pickle::Value>>* entries = pickle::dict_entries(value);
  if (const auto* list = std::get_if<pickle::List>(&value.content)) {
    identity = list->node.get();
    items = &list->node->items;
  } else if (const auto* tuple = std::get_if<pickle::Tuple>(&value.content)) {
    identity = tuple->items.get();
    items = tuple->items.get();
  } else if (const auto* dict = std::get_if<pickle::Dict>(&value.content)) {
    identity = dict->node.get();
  } else if (const auto* object = std::get_if<pickle::Object>(&value.content)) {
    identity = object->node.get();
    items = &object->node->arguments;
    if (object->node->state) walk(*object->node->state, seen, depth + 1);
  }
  if (identity && !seen.insert(identity).second) return;
  if (items) {
    for (const auto& item : *items) walk(item, seen, depth + 1);
  }
  if (entries) {
    for (const auto& [key, item] : *entries) {
      walk(key, seen, depth + 1);
      walk(item, seen, depth + 1);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto loaded =
        pickle::load(std::span<const std::uint8_t>(data, size), "fuzz.pkl", pickle::Vocabulary::checkpoint);
    std::set<const void*> seen;
    walk(loaded.root, seen, 0);
  } catch (const marginlab::InvalidFile&) {
  }
  return 0;
}
