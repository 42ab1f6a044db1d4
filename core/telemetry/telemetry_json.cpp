#include "core/telemetry/telemetry_json.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "core/errors.h"

namespace marginlab::train {
namespace {
using nlohmann::json;

json number(double value) { return std::isfinite(value) ? json(value) : json(nullptr); }

// The element type of a binary array, as its blob's subtype: what the bytes hold (native little-endian order).
template <class T>
constexpr std::uint8_t binary_subtype() {
  if constexpr (std::is_same_v<T, float>) return 1;
  if constexpr (std::is_same_v<T, double>) return 2;
  if constexpr (std::is_same_v<T, std::int64_t>) return 3;
  if constexpr (std::is_same_v<T, std::uint8_t>) return 4;
}

template <class T>
json numbers(const std::vector<T>& values, bool binary) {
  if (binary) {
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(values.data());
    return json::binary(std::vector<std::uint8_t>(bytes, bytes + values.size() * sizeof(T)), binary_subtype<T>());
  }
  json array = json::array();
  for (const auto& v : values) {
    if constexpr (std::is_floating_point_v<T>) {
      array.push_back(number(v));
    } else {
      array.push_back(v);
    }
  }
  return array;
}

// Reads `line[key]` as T, with null as NaN for floating point; absent keys keep `fallback`. Anything else is an
// InvalidFile naming the line and key.
template <class T>
T read(const json& line, const char* key, const std::string& origin, T fallback = T{}) {
  const auto it = line.find(key);
  if (it == line.end()) return fallback;
  try {
    if constexpr (std::is_floating_point_v<T>) {
      if (it->is_null()) return std::numeric_limits<T>::quiet_NaN();
    }
    return it->get<T>();
  } catch (const json::exception& error) {
    throw InvalidFile(origin + ": \"" + key + "\" = " + it->dump().substr(0, 60) + ": " + error.what());
  }
}

template <class T>
std::vector<T> read_array(const json& object, const char* key, const std::string& origin) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return {};
  if (it->is_binary()) {
    const auto& blob = it->get_binary();
    if (!blob.has_subtype() || blob.subtype() != binary_subtype<T>() || blob.size() % sizeof(T) != 0) {
      throw InvalidFile(origin + ": \"" + key + "\" holds binary data of another type");
    }
    std::vector<T> values(blob.size() / sizeof(T));
    std::memcpy(values.data(), blob.data(), blob.size());
    return values;
  }
  if (!it->is_array()) throw InvalidFile(origin + ": \"" + key + "\" is not an array");
  std::vector<T> values;
  values.reserve(it->size());
  for (const auto& v : *it) {
    if constexpr (std::is_floating_point_v<T>) {
      if (v.is_null()) {
        values.push_back(std::numeric_limits<T>::quiet_NaN());
        continue;
      }
    }
    if (!v.is_number()) throw InvalidFile(origin + ": \"" + key + "\" holds " + v.dump().substr(0, 40));
    values.push_back(v.get<T>());
  }
  return values;
}

RunEvent::Kind event_kind(const std::string& name, const std::string& origin) {
  for (auto kind : {RunEvent::Kind::param_applied, RunEvent::Kind::param_rejected, RunEvent::Kind::checkpoint,
                    RunEvent::Kind::evaluation, RunEvent::Kind::epoch_end, RunEvent::Kind::step_skipped,
                    RunEvent::Kind::info, RunEvent::Kind::control, RunEvent::Kind::request_rejected}) {
    if (to_string(kind) == name) return kind;
  }
  throw InvalidFile(origin + ": unknown event kind \"" + name + "\"");
}

eval::FlipTest flip_test(const std::string& name, const std::string& origin) {
  for (auto flip : {eval::FlipTest::none, eval::FlipTest::sum, eval::FlipTest::norm_weighted}) {
    if (eval::to_string(flip) == name) return flip;
  }
  throw InvalidFile(origin + ": unknown flip test \"" + name + "\"");
}

}  // namespace

json event_to_json(const RunEvent& e) {
  json line{{"step", e.step}, {"kind", to_string(e.kind)}, {"text", e.text}};
  if (!e.name.empty()) {
    line["name"] = e.name;
    line["value"] = number(e.value);
  }
  if (!e.name.empty() || e.version > 0) line["version"] = e.version;
  return line;
}

RunEvent event_from_json(const json& line, const std::string& origin) {
  RunEvent e;
  e.step = read<std::int64_t>(line, "step", origin);
  e.kind = event_kind(read<std::string>(line, "kind", origin, "info"), origin);
  e.text = read<std::string>(line, "text", origin);
  e.name = read<std::string>(line, "name", origin);
  e.value = read<double>(line, "value", origin, 0.0);
  e.version = read<std::uint64_t>(line, "version", origin);
  return e;
}

json snapshot_to_json(const Snapshot& s, SnapshotForm form) {
  const auto& d = s.samples;
  const auto numbers = [&form](const auto& values) { return ::marginlab::train::numbers(values, form.binary_arrays); };
  json params = json::array();
  // A choice (fixed for the run) by its name; numbers by value, as 0.1 wrote them all.
  for (const auto& p : s.head_params) {
    if (p.type == heads::HeadParamType::choice) {
      params.push_back({{"name", p.name}, {"choice", p.choice}});
    } else {
      params.push_back({{"name", p.name}, {"value", p.value}});
    }
  }
  json bands = json::array();
  const std::size_t first_band = form.all_bands || s.norm_history.empty() ? 0 : s.norm_history.size() - 1;
  for (std::size_t i = first_band; i < s.norm_history.size(); ++i) {
    const auto& b = s.norm_history[i];
    bands.push_back({b.step, b.p05, b.p25, b.p50, b.p75, b.p95, number(b.ema_mean), number(b.ema_std)});
  }
  json line{{"step", s.step},
            {"epoch", s.epoch},
            {"head", s.head_kind},
            {"margin_unit", s.margin_unit},
            {"params", params},
            {"base_lr", s.base_lr},
            {"samples",
             {{"label", numbers(d.label)},
              {"labelled", numbers(d.labelled)},
              {"norm", numbers(d.norm)},
              {"margin", numbers(d.margin)},
              {"cos_margin", numbers(d.cos_margin)},
              {"theta", numbers(d.theta)},
              {"max_other_cos", numbers(d.max_other_cos)},
              {"hard", numbers(d.hard)},
              {"target_grad", numbers(d.target_grad)},
              {"z_hat", numbers(d.z_hat)},
              {"g_angular", numbers(d.g_angular)},
              {"g_additive", numbers(d.g_additive)},
              {"quality", numbers(s.quality)}}},
            {"norm_quality_spearman", number(s.norm_quality_spearman)},
            {"norm_histogram",
             {{"lo", s.norm_histogram_lo}, {"hi", s.norm_histogram_hi}, {"counts", numbers(s.norm_histogram)}}},
            {"norm_band", bands},
            {"class_mean_theta", numbers(s.class_mean_theta)}};
  if (form.class_count) line["class_count"] = numbers(s.class_count);
  if (s.kappa.kept) {
    const auto& k = s.kappa;
    line["kappa"] = {{"count", numbers(k.count)},     {"r", numbers(k.r)},         {"kappa", numbers(k.kappa)},
                     {"w_kappa", numbers(k.w_kappa)}, {"w_pop", numbers(k.w_pop)}, {"psi", numbers(k.psi)},
                     {"margin", numbers(k.margin)},   {"refreshes", k.refreshes}};
  }
  return line;
}

Snapshot snapshot_from_json(const json& line, const std::string& origin) {
  Snapshot s;
  s.step = read<std::int64_t>(line, "step", origin);
  s.epoch = read<std::int64_t>(line, "epoch", origin);
  s.head_kind = read<std::string>(line, "head", origin);
  s.margin_unit = read<std::string>(line, "margin_unit", origin);
  s.base_lr = read<double>(line, "base_lr", origin);
  if (const auto params = line.find("params"); params != line.end() && params->is_array()) {
    for (const auto& p : *params) {
      heads::ParamValue value{};
      value.name = read<std::string>(p, "name", origin);
      if (p.contains("choice")) {
        value.type = heads::HeadParamType::choice;
        value.live = false;
        value.choice = read<std::string>(p, "choice", origin);
      } else {
        value.value = read<double>(p, "value", origin);
      }
      s.head_params.push_back(value);
    }
  }
  const auto samples_it = line.find("samples");
  const json samples = samples_it != line.end() ? *samples_it : json::object();
  auto& d = s.samples;
  d.label = read_array<std::int64_t>(samples, "label", origin);
  d.labelled = read_array<std::uint8_t>(samples, "labelled", origin);
  if (d.labelled.empty()) d.labelled.assign(d.label.size(), 1);  // written before labelled was recorded
  for (std::size_t i = 0; i < d.label.size(); ++i) d.labelled[i] = d.labelled[i] && d.label[i] >= 0;
  d.norm = read_array<float>(samples, "norm", origin);
  d.margin = read_array<float>(samples, "margin", origin);
  d.cos_margin = read_array<float>(samples, "cos_margin", origin);
  d.theta = read_array<float>(samples, "theta", origin);
  d.max_other_cos = read_array<float>(samples, "max_other_cos", origin);
  d.hard = read_array<std::uint8_t>(samples, "hard", origin);
  d.target_grad = read_array<float>(samples, "target_grad", origin);
  d.z_hat = read_array<float>(samples, "z_hat", origin);
  d.g_angular = read_array<float>(samples, "g_angular", origin);
  d.g_additive = read_array<float>(samples, "g_additive", origin);
  s.quality = read_array<float>(samples, "quality", origin);
  const auto n = d.label.size();
  for (const auto* column : {&d.norm, &d.margin, &d.cos_margin, &d.theta, &d.max_other_cos, &d.target_grad, &s.quality}) {
    if (column->size() != n) throw InvalidFile(origin + ": the sample arrays differ in length");
  }
  if (d.labelled.size() != n || d.hard.size() != n) throw InvalidFile(origin + ": the sample arrays differ in length");
  s.norm_quality_spearman = read<double>(line, "norm_quality_spearman", origin, kNotApplicable);
  if (const auto histogram = line.find("norm_histogram"); histogram != line.end()) {
    s.norm_histogram_lo = read<float>(*histogram, "lo", origin);
    s.norm_histogram_hi = read<float>(*histogram, "hi", origin);
    s.norm_histogram = read_array<std::int64_t>(*histogram, "counts", origin);
  }
  if (const auto bands = line.find("norm_band"); bands != line.end() && bands->is_array()) {
    for (const auto& b : *bands) {
      if (!b.is_array() || b.size() != 8) throw InvalidFile(origin + ": a norm band is not [step, 5 percentiles, μ, σ]");
      const auto at = [&](std::size_t i) { return b[i].is_null() ? kNotApplicable : b[i].get<double>(); };
      s.norm_history.push_back({b[0].get<std::int64_t>(), static_cast<float>(at(1)), static_cast<float>(at(2)),
                                static_cast<float>(at(3)), static_cast<float>(at(4)), static_cast<float>(at(5)),
                                at(6), at(7)});
    }
  }
  s.class_mean_theta = read_array<float>(line, "class_mean_theta", origin);
  s.class_count = read_array<std::int64_t>(line, "class_count", origin);
  // Files written before 0.2 left the section out until KappaFace's first refresh: their KappaFace snapshots keep
  // class statistics all the same.
  s.kappa.kept = s.head_kind == "kappaface";
  if (const auto kappa = line.find("kappa"); kappa != line.end()) {
    auto& k = s.kappa;
    k.kept = true;
    k.count = read_array<std::int64_t>(*kappa, "count", origin);
    k.r = read_array<double>(*kappa, "r", origin);
    k.kappa = read_array<double>(*kappa, "kappa", origin);
    k.w_kappa = read_array<double>(*kappa, "w_kappa", origin);
    k.w_pop = read_array<double>(*kappa, "w_pop", origin);
    k.psi = read_array<double>(*kappa, "psi", origin);
    k.margin = read_array<double>(*kappa, "margin", origin);
    k.refreshes = read<std::int64_t>(*kappa, "refreshes", origin);
  }
  return s;
}

Evaluation evaluation_from_json(const json& line, const std::string& origin) {
  Evaluation e;
  e.step = read<std::int64_t>(line, "step", origin);
  e.set = read<std::string>(line, "set", origin);
  e.flip_test = flip_test(read<std::string>(line, "flip_test", origin, "none"), origin);
  e.strata_basis = read<std::string>(line, "strata_basis", origin);
  e.images = read<std::int64_t>(line, "images", origin);
  e.images_skipped = read<std::int64_t>(line, "images_skipped", origin);
  e.pairs_dropped = read<std::int64_t>(line, "pairs_dropped", origin);
  e.skipped_examples = read<std::vector<std::string>>(line, "skipped_examples", origin);
  e.norm_quality_spearman = read<double>(line, "norm_quality_spearman", origin, kNotApplicable);
  if (const auto strata = line.find("strata"); strata != line.end() && strata->is_array()) {
    for (const auto& s : *strata) {
      eval::StratumResult result;
      result.stratum = read<std::string>(s, "stratum", origin);
      auto& m = result.metrics;
      m.pairs = read<std::int64_t>(s, "pairs", origin);
      m.genuine = read<std::int64_t>(s, "genuine", origin);
      m.accuracy = read<double>(s, "accuracy", origin, kNotApplicable);
      m.accuracy_std = read<double>(s, "accuracy_std", origin, kNotApplicable);
      m.threshold = read<double>(s, "threshold", origin, kNotApplicable);
      m.auc = read<double>(s, "auc", origin, kNotApplicable);
      m.eer = read<double>(s, "eer", origin, kNotApplicable);
      if (const auto tars = s.find("tar_at_far"); tars != s.end() && tars->is_array()) {
        for (const auto& t : *tars) {
          eval::TarAtFar tar;
          tar.far_target = read<double>(t, "far", origin);
          tar.supported = read<bool>(t, "supported", origin);
          tar.true_accept_rate = read<double>(t, "tar", origin, kNotApplicable);
          tar.threshold = read<double>(t, "threshold", origin, kNotApplicable);
          m.tar_at_far.push_back(tar);
        }
      }
      // The pair counts behind the rates (the thinned points alone do not say them).
      result.roc.genuine = m.genuine;
      result.roc.impostors = m.pairs - m.genuine;
      if (const auto roc = s.find("roc_far_tar"); roc != s.end() && roc->is_array()) {
        for (const auto& p : *roc) {
          if (!p.is_array() || p.size() != 2) throw InvalidFile(origin + ": a ROC point is not [FAR, TAR]");
          eval::RocPoint point;
          point.false_accept_rate = p[0].is_null() ? kNotApplicable : p[0].get<double>();
          point.true_accept_rate = p[1].is_null() ? kNotApplicable : p[1].get<double>();
          result.roc.points.push_back(point);
        }
      }
      e.strata.push_back(std::move(result));
    }
  }
  if (const auto skipped = line.find("skipped_strata"); skipped != line.end() && skipped->is_array()) {
    for (const auto& s : *skipped) {
      e.skipped_strata.push_back({read<std::string>(s, "stratum", origin), read<std::int64_t>(s, "pairs", origin)});
    }
  }
  return e;
}

}  // namespace marginlab::train
