#pragma once
// Reading the reference files of ../shared/reference: strict JSON where NaN and infinities are the strings
// "NaN", "Infinity", "-Infinity"; arrays are row-major nested lists.
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <string>
#include <string_view>
#include <vector>

namespace marginlab::verify {

// Parses a file; throws InvalidFile naming the file and the parser's position on error.
nlohmann::json load_json_file(const std::string& path);

// A number, or one of the strings "NaN", "Infinity", "-Infinity". Throws InvalidFile naming `where` otherwise.
double json_number(const nlohmann::json& value, const std::string& where);

// A nested list of numbers (any depth, rectangular) as a tensor of the given dtype.
torch::Tensor json_tensor(const nlohmann::json& value, torch::ScalarType dtype, const std::string& where);
// A list of integers as an int64 tensor.
torch::Tensor json_labels(const nlohmann::json& value, const std::string& where);

// The child `key` of `object`, or InvalidFile("<where>: missing key '<key>'"). The key is a view, so that a literal
// makes no temporary std::string: GCC 14 takes a reference returned beside one for a dangling one.
const nlohmann::json& require(const nlohmann::json& object, std::string_view key, const std::string& where);

}  // namespace marginlab::verify
