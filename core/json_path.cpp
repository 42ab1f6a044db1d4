#include "core/json_path.h"

#include <sstream>
#include <vector>

namespace marginlab {

using nlohmann::json;

json* dotted_slot(json& document, const std::string& key, std::string* problem) {
  std::vector<std::string> parts;
  std::stringstream stream(key);
  for (std::string part; std::getline(stream, part, '.');) parts.push_back(part);
  if (parts.empty() || key.back() == '.') {
    *problem = "empty key component";
    return nullptr;
  }
  // Walked first without changing anything: a refused key leaves the document as it was.
  const json* probe = &document;
  std::string walked;
  for (const auto& part : parts) {
    if (part.empty()) {
      *problem = "empty key component";
      return nullptr;
    }
    if (probe && !probe->is_object() && !probe->is_null()) {
      *problem = (walked.empty() ? std::string("the document") : walked) + " is not a section";
      return nullptr;
    }
    walked += (walked.empty() ? "" : ".") + part;
    probe = probe && probe->is_object() && probe->contains(part) ? &(*probe)[part] : nullptr;
  }
  json* node = &document;
  for (const auto& part : parts) {
    if (node->is_null()) *node = json::object();
    node = &(*node)[part];
  }
  return node;
}

const json* find_dotted(const json& document, const std::string& key) {
  const json* node = &document;
  std::stringstream parts(key);
  for (std::string part; std::getline(parts, part, '.');) {
    if (!node->is_object()) return nullptr;
    const auto it = node->find(part);
    if (it == node->end()) return nullptr;
    node = &*it;
  }
  return node;
}

}  // namespace marginlab
