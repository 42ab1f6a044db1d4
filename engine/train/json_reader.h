#pragma once
// Strict reading of JSON settings: every value is type- and range-checked, every key not asked for is reported as
// unknown (a typo must not silently fall back to a default), and each message names the origin (file), the full key
// path and the value, e.g. "demo.json: optimizer.lr = -1: must be in (0, 100]".
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/core/errors.h"

namespace marginlab::train {

// Reads one JSON object, remembering which keys were consumed so that leftovers (typos) are reported by name.
class ObjectReader {
 public:
  ObjectReader(const nlohmann::json& object, std::string path, const std::string& origin)
      : object_(object), path_(std::move(path)), origin_(origin) {
    if (!object_.is_object()) fail(path_.empty() ? "the document" : path_, object_, "must be a JSON object");
  }

  [[noreturn]] void fail(const std::string& key, const nlohmann::json& value, const std::string& why) const {
    throw InvalidParameter(fmt::format("{}: {} = {}: {}", origin_, key, value.dump(), why));
  }
  std::string key_path(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

  const nlohmann::json* find(const std::string& key) {
    seen_.insert(key);
    auto it = object_.find(key);
    return it == object_.end() ? nullptr : &*it;
  }

  void number(const std::string& key, double& out, double lo, double hi, bool lo_open = false) {
    if (const auto* v = find(key)) {
      if (!v->is_number()) fail(key_path(key), *v, "must be a number");
      const double x = v->get<double>();
      if (!std::isfinite(x) || x < lo || x > hi || (lo_open && x == lo)) {
        fail(key_path(key), *v, fmt::format("must be in {}{:g}, {:g}]", lo_open ? "(" : "[", lo, hi));
      }
      out = x;
    }
  }

  template <class Int>
  void integer(const std::string& key, Int& out, std::int64_t lo, std::int64_t hi) {
    if (const auto* v = find(key)) {
      if (!v->is_number_integer()) fail(key_path(key), *v, "must be an integer");
      const auto x = v->get<std::int64_t>();
      if (x < lo || x > hi) fail(key_path(key), *v, fmt::format("must be in [{}, {}]", lo, hi));
      out = static_cast<Int>(x);
    }
  }

  void boolean(const std::string& key, bool& out) {
    if (const auto* v = find(key)) {
      if (!v->is_boolean()) fail(key_path(key), *v, "must be true or false");
      out = v->get<bool>();
    }
  }

  void string(const std::string& key, std::string& out) {
    if (const auto* v = find(key)) {
      if (!v->is_string()) fail(key_path(key), *v, "must be a string");
      out = v->get<std::string>();
    }
  }

  template <class Enum>
  void choice(const std::string& key, Enum& out, const std::vector<std::pair<std::string, Enum>>& names) {
    if (const auto* v = find(key)) {
      std::string known;
      for (const auto& [name, value] : names) {
        if (v->is_string() && v->get<std::string>() == name) {
          out = value;
          return;
        }
        known += (known.empty() ? "" : ", ") + name;
      }
      fail(key_path(key), *v, "must be one of " + known);
    }
  }

  template <std::size_t N, class T>
  void array(const std::string& key, std::array<T, N>& out, double lo, double hi, bool lo_open = false) {
    if (const auto* v = find(key)) {
      if (!v->is_array() || v->size() != N) fail(key_path(key), *v, fmt::format("must be an array of {} numbers", N));
      for (std::size_t i = 0; i < N; ++i) {
        const auto& e = (*v)[i];
        if (!e.is_number() || e.get<double>() < lo || e.get<double>() > hi || (lo_open && e.get<double>() == lo)) {
          fail(key_path(key), *v, fmt::format("entries must be numbers in {}{:g}, {:g}]", lo_open ? "(" : "[", lo, hi));
        }
        out[i] = static_cast<T>(e.get<double>());
      }
    }
  }

  // Ends reading: any key not asked for is unknown.
  void finish() const {
    for (auto it = object_.begin(); it != object_.end(); ++it) {
      if (!seen_.count(it.key())) fail(key_path(it.key()), it.value(), "unknown key");
    }
  }

  const std::string& origin() const { return origin_; }

 private:
  const nlohmann::json& object_;
  std::string path_;
  const std::string& origin_;
  std::set<std::string> seen_;
};

// A section that is present must be an object; an absent one keeps its defaults.
template <class Fn>
void read_section(ObjectReader& parent, const std::string& key, Fn&& read) {
  if (const auto* v = parent.find(key)) {
    ObjectReader reader(*v, parent.key_path(key), parent.origin());
    read(reader);
    reader.finish();
  }
}

}  // namespace marginlab::train
