#include "devtools/verify/reference_json.h"

#include <fstream>
#include <limits>

#include "core/errors.h"

namespace marginlab::verify {
namespace {

void flatten(const nlohmann::json& value, std::vector<double>& out, std::vector<std::int64_t>& shape, std::size_t depth,
             const std::string& where) {
  if (value.is_array()) {
    const auto n = static_cast<std::int64_t>(value.size());
    if (depth == shape.size()) {
      shape.push_back(n);
    } else if (shape[depth] != n) {
      throw InvalidFile(where + ": ragged array (length " + std::to_string(n) + " where " +
                        std::to_string(shape[depth]) + " was expected at depth " + std::to_string(depth) + ")");
    }
    for (const auto& item : value) flatten(item, out, shape, depth + 1, where);
    return;
  }
  if (depth != shape.size()) throw InvalidFile(where + ": a number where a nested list was expected");
  out.push_back(json_number(value, where));
}

}  // namespace

nlohmann::json load_json_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InvalidFile(path + ": cannot open the file");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw InvalidFile(path + ": not valid JSON at byte " + std::to_string(e.byte) + " (" + e.what() + ")");
  }
}

double json_number(const nlohmann::json& value, const std::string& where) {
  if (value.is_number()) return value.get<double>();
  if (value.is_boolean()) return value.get<bool>() ? 1.0 : 0.0;
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
    if (s == "Infinity") return std::numeric_limits<double>::infinity();
    if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
  }
  throw InvalidFile(where + ": expected a number, got " + value.dump().substr(0, 40));
}

torch::Tensor json_tensor(const nlohmann::json& value, torch::ScalarType dtype, const std::string& where) {
  std::vector<double> flat;
  std::vector<std::int64_t> shape;
  flatten(value, flat, shape, 0, where);
  auto t = torch::tensor(flat, torch::kFloat64);
  return t.reshape(shape).to(dtype);
}

torch::Tensor json_labels(const nlohmann::json& value, const std::string& where) {
  if (!value.is_array()) throw InvalidFile(where + ": expected a list of class ids");
  std::vector<std::int64_t> labels;
  for (const auto& item : value) {
    if (!item.is_number_integer()) throw InvalidFile(where + ": class ids must be integers, got " + item.dump());
    labels.push_back(item.get<std::int64_t>());
  }
  return torch::tensor(labels, torch::kInt64);
}

const nlohmann::json& require(const nlohmann::json& object, std::string_view key, const std::string& where) {
  const std::string name(key);
  if (!object.is_object() || !object.contains(name)) throw InvalidFile(where + ": missing key '" + name + "'");
  return object.at(name);
}

}  // namespace marginlab::verify
