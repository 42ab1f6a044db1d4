#pragma once
// Dotted keys ("head.params.m") in JSON documents: an experiment's --set overrides, its field table and a study's axes
// all reach into a document this way. Torch-free.
#include <nlohmann/json.hpp>

#include <string>

namespace marginlab {

// The slot for `key` in `document`, its sections made as needed; null with `problem` set ("empty key component",
// "train.epochs is not a section") when the path cannot be walked. Nothing is changed then.
nlohmann::json* dotted_slot(nlohmann::json& document, const std::string& key, std::string* problem);

// The value at `key`, or null where the path is absent.
const nlohmann::json* find_dotted(const nlohmann::json& document, const std::string& key);

}  // namespace marginlab
