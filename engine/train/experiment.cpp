#include "engine/train/experiment.h"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "engine/backbones/backbone.h"
#include "engine/core/errors.h"
#include "engine/heads/head_factory.h"
#ifdef MARGINLAB_WITH_OPENCV
#include "engine/train/data_setup.h"
#endif

namespace marginlab::train {
namespace {

using nlohmann::json;

// Reads one JSON object, remembering which keys were consumed so that leftovers (typos) are reported by name.
class ObjectReader {
 public:
  ObjectReader(const json& object, std::string path, const std::string& origin)
      : object_(object), path_(std::move(path)), origin_(origin) {
    if (!object_.is_object()) fail(path_.empty() ? "the document" : path_, object_, "must be a JSON object");
  }

  [[noreturn]] void fail(const std::string& key, const json& value, const std::string& why) const {
    throw InvalidParameter(fmt::format("{}: {} = {}: {}", origin_, key, value.dump(), why));
  }
  std::string key_path(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

  const json* find(const std::string& key) {
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
  const json& object_;
  std::string path_;
  const std::string& origin_;
  std::set<std::string> seen_;
};

const std::vector<std::pair<std::string, Precision>> kPrecisions{
    {"fp32", Precision::fp32}, {"fp16", Precision::fp16}, {"bf16", Precision::bf16}};
const std::vector<std::pair<std::string, DeviceChoice>> kDevices{
    {"auto", DeviceChoice::automatic}, {"cpu", DeviceChoice::cpu}, {"cuda", DeviceChoice::cuda}};
const std::vector<std::pair<std::string, OptimizerKind>> kOptimizers{{"sgd", OptimizerKind::sgd},
                                                                     {"adamw", OptimizerKind::adamw}};
const std::vector<std::pair<std::string, ScheduleKind>> kSchedules{{"constant", ScheduleKind::constant},
                                                                   {"multistep", ScheduleKind::multistep},
                                                                   {"cosine", ScheduleKind::cosine},
                                                                   {"poly", ScheduleKind::poly}};

template <class Enum>
std::string name_of(Enum value, const std::vector<std::pair<std::string, Enum>>& names) {
  for (const auto& [name, v] : names) {
    if (v == value) return name;
  }
  return "?";
}

constexpr double kHuge = 1e300;
constexpr std::int64_t kHugeInt = std::int64_t{1} << 40;

// A section that is present must be an object; an absent one keeps its defaults.
template <class Fn>
void section(ObjectReader& parent, const std::string& key, const std::string& path, Fn&& read) {
  if (const auto* v = parent.find(key)) {
    ObjectReader reader(*v, path, parent.origin());
    read(reader);
    reader.finish();
  }
}

}  // namespace

Experiment experiment_from_json(const json& document, const std::string& origin) {
  Experiment e;
  ObjectReader root(document, "", origin);
  root.string("name", e.name);
  if (e.name.empty() || e.name.find('/') != std::string::npos) root.fail("name", e.name, "must be a non-empty name without '/'");
  root.string("description", e.description);
  root.string("runs_dir", e.runs_dir);

  section(root, "data", "data", [&](ObjectReader& r) {
    auto& d = e.data;
    r.string("source", d.source);
    if (d.source != "synthface" && d.source != "image_folder" && d.source != "recordio") {
      r.fail("data.source", d.source, "must be one of synthface, image_folder, recordio");
    }
    r.string("path", d.path);
    if (const auto* s = r.find("synthface")) {
      if (!s->is_object()) r.fail("data.synthface", *s, "must be a JSON object");
      d.synthface = *s;
    }
    r.integer("image_size", d.image_size, 16, 1024);
    r.string("color_order", d.color_order);
    if (d.color_order != "rgb" && d.color_order != "bgr") r.fail("data.color_order", d.color_order, "must be rgb or bgr");
    r.array("mean", d.mean, 0.0, 1.0);
    r.array("std", d.std, 0.0, 10.0, true);
    r.number("flip", d.flip, 0.0, 1.0);
    r.number("crop", d.crop, 0.0, 1.0);
    r.number("low_resolution", d.low_resolution, 0.0, 1.0);
    r.number("photometric", d.photometric, 0.0, 1.0);
    r.integer("loader_threads", d.loader_threads, 1, 256);
    r.integer("prefetch_batches", d.prefetch_batches, 1, 1024);
  });
  section(root, "model", "model", [&](ObjectReader& r) {
    r.string("backbone", e.model.backbone);
    r.integer("embedding_dim", e.model.embedding_dim, 2, 65536);
    r.number("dropout", e.model.dropout, 0.0, 0.999);
    r.boolean("channels_last", e.model.channels_last);
  });
  section(root, "head", "head", [&](ObjectReader& r) {
    r.string("kind", e.head.kind);
    if (const auto* p = r.find("params")) {
      if (!p->is_object()) r.fail("head.params", *p, "must be a JSON object of numbers");
      for (auto it = p->begin(); it != p->end(); ++it) {
        if (!it.value().is_number()) r.fail("head.params." + it.key(), it.value(), "must be a number");
        e.head.params[it.key()] = it.value().get<double>();
      }
    }
  });
  section(root, "optimizer", "optimizer", [&](ObjectReader& r) {
    auto& o = e.optimizer;
    r.choice("kind", o.kind, kOptimizers);
    r.number("lr", o.lr, 0.0, 100.0, true);
    r.number("momentum", o.momentum, 0.0, 0.999999);
    r.number("weight_decay", o.weight_decay, 0.0, 1.0);
    r.array("betas", o.betas, 0.0, 0.999999);
    r.number("eps", o.eps, 0.0, 1.0, true);
    r.number("clip_grad_norm", o.clip_grad_norm, 0.0, kHuge);
  });
  section(root, "schedule", "schedule", [&](ObjectReader& r) {
    auto& s = e.schedule;
    r.choice("kind", s.kind, kSchedules);
    r.number("warmup_epochs", s.warmup_epochs, 0.0, 1e6);
    if (const auto* m = r.find("milestones")) {
      if (!m->is_array()) r.fail("schedule.milestones", *m, "must be an array of epochs");
      double previous = 0.0;
      for (const auto& x : *m) {
        if (!x.is_number() || x.get<double>() <= previous) {
          r.fail("schedule.milestones", *m, "must be increasing positive epochs");
        }
        previous = x.get<double>();
        s.milestones.push_back(previous);
      }
    }
    r.number("gamma", s.gamma, 0.0, 1.0, true);
    r.number("min_lr", s.min_lr, 0.0, 100.0);
    r.number("power", s.power, 0.0, 100.0, true);
  });
  section(root, "train", "train", [&](ObjectReader& r) {
    auto& t = e.train;
    r.integer("epochs", t.epochs, 1, 100000);
    r.integer("max_steps", t.max_steps, 0, kHugeInt);
    r.integer("batch_size", t.batch_size, 1, 1 << 20);
    r.choice("precision", t.precision, kPrecisions);
    r.choice("device", t.device, kDevices);
    r.integer("threads", t.threads, 0, 1024);
    r.integer("seed", t.seed, 0, kHugeInt);
  });
  section(root, "report", "report", [&](ObjectReader& r) {
    r.integer("every_steps", e.report.every_steps, 1, kHugeInt);
    r.integer("samples", e.report.samples, 1, 1 << 20);
    r.integer("histogram_bins", e.report.histogram_bins, 2, 4096);
    r.integer("save_every_steps", e.report.save_every_steps, 0, kHugeInt);
  });
  section(root, "checkpoint", "checkpoint",
          [&](ObjectReader& r) { r.integer("every_steps", e.checkpoint.every_steps, 0, kHugeInt); });
  section(root, "eval", "eval", [&](ObjectReader& r) {
    r.integer("every_steps", e.eval.every_steps, 0, kHugeInt);
    r.boolean("at_end", e.eval.at_end);
  });
  root.finish();
  if (e.data.image_size % 16 != 0) {
    root.fail("data.image_size", e.data.image_size, "must be a multiple of 16 (the backbones downsample 16×)");
  }
  check_experiment(e, origin);
  return e;
}

void check_experiment(const Experiment& e, const std::string& origin) {
  try {
    // The backbone's size constraints are checked when it is built; here only its kind, cheaply.
    std::string known;
    bool found = false;
    for (const auto& [kind, description] : backbones::backbone_kinds()) {
      found |= kind == e.model.backbone;
      known += (known.empty() ? "" : ", ") + kind;
    }
    if (!found) {
      throw InvalidParameter("model.backbone = \"" + e.model.backbone + "\": unknown backbone (known: " + known + ")");
    }
    // A head of two classes is cheap and validates the kind, the parameter names and their ranges exactly as
    // the real one will.
    heads::HeadSpec head;
    head.kind = e.head.kind;
    head.embedding_dim = 4;
    head.num_classes = 2;
    head.values = e.head.params;
    heads::make_head(head);
  } catch (const InvalidParameter& error) {
    throw InvalidParameter(origin + ": " + error.what());
  }
#ifdef MARGINLAB_WITH_OPENCV
  if (e.data.source == "synthface") synthface_config(e.data, origin);  // names its own keys in errors
#endif
}

json to_json(const Experiment& e) {
  json params = json::object();
  for (const auto& [name, value] : e.head.params) params[name] = value;
  return json{
      {"name", e.name},
      {"description", e.description},
      {"runs_dir", e.runs_dir},
      {"data",
       {{"source", e.data.source},
        {"path", e.data.path},
        {"synthface", e.data.synthface},
        {"image_size", e.data.image_size},
        {"color_order", e.data.color_order},
        {"mean", e.data.mean},
        {"std", e.data.std},
        {"flip", e.data.flip},
        {"crop", e.data.crop},
        {"low_resolution", e.data.low_resolution},
        {"photometric", e.data.photometric},
        {"loader_threads", e.data.loader_threads},
        {"prefetch_batches", e.data.prefetch_batches}}},
      {"model",
       {{"backbone", e.model.backbone},
        {"embedding_dim", e.model.embedding_dim},
        {"dropout", e.model.dropout},
        {"channels_last", e.model.channels_last}}},
      {"head", {{"kind", e.head.kind}, {"params", params}}},
      {"optimizer",
       {{"kind", name_of(e.optimizer.kind, kOptimizers)},
        {"lr", e.optimizer.lr},
        {"momentum", e.optimizer.momentum},
        {"weight_decay", e.optimizer.weight_decay},
        {"betas", e.optimizer.betas},
        {"eps", e.optimizer.eps},
        {"clip_grad_norm", e.optimizer.clip_grad_norm}}},
      {"schedule",
       {{"kind", name_of(e.schedule.kind, kSchedules)},
        {"warmup_epochs", e.schedule.warmup_epochs},
        {"milestones", e.schedule.milestones},
        {"gamma", e.schedule.gamma},
        {"min_lr", e.schedule.min_lr},
        {"power", e.schedule.power}}},
      {"train",
       {{"epochs", e.train.epochs},
        {"max_steps", e.train.max_steps},
        {"batch_size", e.train.batch_size},
        {"precision", to_string(e.train.precision)},
        {"device", to_string(e.train.device)},
        {"threads", e.train.threads},
        {"seed", e.train.seed}}},
      {"report",
       {{"every_steps", e.report.every_steps},
        {"samples", e.report.samples},
        {"histogram_bins", e.report.histogram_bins},
        {"save_every_steps", e.report.save_every_steps}}},
      {"checkpoint", {{"every_steps", e.checkpoint.every_steps}}},
      {"eval", {{"every_steps", e.eval.every_steps}, {"at_end", e.eval.at_end}}},
  };
}

Experiment load_experiment(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InvalidFile(path + ": cannot open the experiment file");
  json document;
  try {
    in >> document;
  } catch (const json::parse_error& error) {
    throw InvalidFile(path + ": not valid JSON (" + error.what() + ")");
  }
  return experiment_from_json(document, path);
}

void save_experiment(const Experiment& experiment, const std::string& path) {
  std::ofstream out(path);
  out << to_json(experiment).dump(2) << "\n";
  if (!out) throw InvalidFile(path + ": cannot write the experiment file");
}

void apply_override(json& document, const std::string& assignment) {
  const auto equals = assignment.find('=');
  if (equals == std::string::npos || equals == 0) {
    throw InvalidParameter("--set " + assignment + ": expected key=value, e.g. optimizer.lr=0.05");
  }
  const std::string key = assignment.substr(0, equals);
  const std::string text = assignment.substr(equals + 1);
  json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) value = text;  // a bare word such as adaface is meant as a string

  json* node = &document;
  std::stringstream parts(key);
  std::string part, walked;
  std::vector<std::string> path;
  while (std::getline(parts, part, '.')) path.push_back(part);
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i].empty()) throw InvalidParameter("--set " + assignment + ": empty key component");
    walked += (walked.empty() ? "" : ".") + path[i];
    if (!node->is_object()) throw InvalidParameter("--set " + assignment + ": " + walked + " is not an object");
    if (i + 1 == path.size()) {
      (*node)[path[i]] = value;
    } else {
      node = &(*node)[path[i]];
      if (node->is_null()) *node = json::object();
    }
  }
}

std::string to_string(Precision precision) { return name_of(precision, kPrecisions); }
std::string to_string(DeviceChoice device) { return name_of(device, kDevices); }

}  // namespace marginlab::train
