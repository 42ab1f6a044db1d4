#include "engine/train/experiment.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "engine/backbones/backbone.h"
#include "engine/core/errors.h"
#include "engine/heads/head_catalog.h"
#include "engine/train/json_reader.h"
#ifdef MARGINLAB_WITH_OPENCV
#include "engine/train/data_setup.h"
#endif

namespace marginlab::train {
namespace {

using nlohmann::json;

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
const std::vector<std::pair<std::string, heads::KappaStatisticsSource>> kKappaStatistics{
    {"memory", heads::KappaStatisticsSource::memory_buffer},
    {"momentum_encoder", heads::KappaStatisticsSource::momentum_encoder}};
const std::vector<std::pair<std::string, eval::FlipTest>> kFlipTests{{"none", eval::FlipTest::none},
                                                                     {"sum", eval::FlipTest::sum},
                                                                     {"norm_weighted", eval::FlipTest::norm_weighted}};

template <class Enum>
std::string name_of(Enum value, const std::vector<std::pair<std::string, Enum>>& names) {
  for (const auto& [name, v] : names) {
    if (v == value) return name;
  }
  return "?";
}

constexpr double kHuge = 1e300;
constexpr std::int64_t kHugeInt = std::int64_t{1} << 40;

}  // namespace

Experiment experiment_from_json(const json& document, const std::string& origin) {
  Experiment e;
  ObjectReader root(document, "", origin);
  root.string("name", e.name);
  if (e.name.empty() || e.name.find('/') != std::string::npos) root.fail("name", e.name, "must be a non-empty name without '/'");
  root.string("description", e.description);
  root.string("runs_dir", e.runs_dir);

  read_section(root, "data", [&](ObjectReader& r) {
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
  read_section(root, "model", [&](ObjectReader& r) {
    r.string("backbone", e.model.backbone);
    r.integer("embedding_dim", e.model.embedding_dim, 2, 65536);
    r.number("dropout", e.model.dropout, 0.0, 0.999);
    r.boolean("channels_last", e.model.channels_last);
  });
  read_section(root, "head", [&](ObjectReader& r) {
    r.string("kind", e.head.kind);
    if (const auto* p = r.find("params")) {
      if (!p->is_object()) r.fail("head.params", *p, "must be a JSON object of numbers");
      for (auto it = p->begin(); it != p->end(); ++it) {
        if (!it.value().is_number()) r.fail("head.params." + it.key(), it.value(), "must be a number");
        e.head.params[it.key()] = it.value().get<double>();
      }
    }
    r.choice("kappa_statistics", e.head.kappa_statistics, kKappaStatistics);
  });
  read_section(root, "optimizer", [&](ObjectReader& r) {
    auto& o = e.optimizer;
    r.choice("kind", o.kind, kOptimizers);
    r.number("lr", o.lr, 0.0, 100.0, true);
    r.number("momentum", o.momentum, 0.0, 0.999999);
    r.number("weight_decay", o.weight_decay, 0.0, 1.0);
    r.array("betas", o.betas, 0.0, 0.999999);
    r.number("eps", o.eps, 0.0, 1.0, true);
    r.number("clip_grad_norm", o.clip_grad_norm, 0.0, kHuge);
  });
  read_section(root, "schedule", [&](ObjectReader& r) {
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
  read_section(root, "train", [&](ObjectReader& r) {
    auto& t = e.train;
    r.integer("epochs", t.epochs, 1, 100000);
    r.integer("max_steps", t.max_steps, 0, kHugeInt);
    r.integer("batch_size", t.batch_size, 1, 1 << 20);
    r.choice("precision", t.precision, kPrecisions);
    r.choice("device", t.device, kDevices);
    r.integer("threads", t.threads, 0, 1024);
    r.integer("seed", t.seed, 0, kHugeInt);
  });
  read_section(root, "report", [&](ObjectReader& r) {
    r.integer("every_steps", e.report.every_steps, 1, kHugeInt);
    r.integer("samples", e.report.samples, 1, 1 << 20);
    r.integer("histogram_bins", e.report.histogram_bins, 2, 4096);
    r.integer("save_every_steps", e.report.save_every_steps, 0, kHugeInt);
  });
  read_section(root, "checkpoint",
          [&](ObjectReader& r) { r.integer("every_steps", e.checkpoint.every_steps, 0, kHugeInt); });
  read_section(root, "eval", [&](ObjectReader& r) {
    r.integer("every_steps", e.eval.every_steps, 0, kHugeInt);
    r.boolean("at_end", e.eval.at_end);
    if (const auto* sets = r.find("sets")) {
      if (!sets->is_array()) r.fail("eval.sets", *sets, "must be an array of \"synthface\" or verification files");
      e.eval.sets.clear();
      for (const auto& set : *sets) {
        if (!set.is_string() || set.get<std::string>().empty()) {
          r.fail("eval.sets", *sets, "entries must be \"synthface\" or paths of .bin packs / pair lists");
        }
        e.eval.sets.push_back(set.get<std::string>());
      }
    }
    r.choice("flip_test", e.eval.flip_test, kFlipTests);
    r.integer("batch_size", e.eval.batch_size, 0, 1 << 20);
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
    if (!backbones::is_backbone_kind(e.model.backbone)) {
      throw InvalidParameter("model.backbone = \"" + e.model.backbone + "\": unknown backbone (known: " +
                             backbones::backbone_kind_names() + ")");
    }
    // The kind, the parameter names and their ranges, as the head will check them, without building one (the
    // workbench checks every edit on its GUI thread, which never touches torch).
    heads::head_parameter_values(e.head.kind, e.head.params);
    if (e.head.kappa_statistics != heads::KappaStatisticsSource::memory_buffer && e.head.kind != "kappaface") {
      throw InvalidParameter("head.kappa_statistics = \"" + name_of(e.head.kappa_statistics, kKappaStatistics) +
                             "\": only KappaFace collects class statistics (head.kind = \"" + e.head.kind + "\")");
    }
  } catch (const InvalidParameter& error) {
    throw InvalidParameter(origin + ": " + error.what());
  }
  for (const auto& set : e.eval.sets) {
    if (set == "synthface" && e.data.source != "synthface") {
      throw InvalidParameter(origin + ": eval.sets contains \"synthface\": its pairs come from the SynthFace "
                             "generator of data.source = \"synthface\", but data.source = \"" + e.data.source +
                             "\"; list verification files (.bin packs, pair lists) instead");
    }
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
      {"head",
       {{"kind", e.head.kind},
        {"params", params},
        {"kappa_statistics", name_of(e.head.kappa_statistics, kKappaStatistics)}}},
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
      {"eval",
       {{"every_steps", e.eval.every_steps},
        {"at_end", e.eval.at_end},
        {"sets", e.eval.sets},
        {"flip_test", name_of(e.eval.flip_test, kFlipTests)},
        {"batch_size", e.eval.batch_size}}},
  };
}

json read_experiment_document(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InvalidFile(path + ": cannot open the experiment file");
  json document;
  try {
    in >> document;
  } catch (const json::parse_error& error) {
    throw InvalidFile(path + ": not valid JSON (" + error.what() + ")");
  }
  return document;
}

Experiment load_experiment(const std::string& path) {
  return experiment_from_json(read_experiment_document(path), path);
}

void save_experiment(const Experiment& experiment, const std::string& path) {
  // Written beside the target and renamed over it: a failed save never leaves a half-written experiment.
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << to_json(experiment).dump(2) << "\n";
    out.close();
    if (!out) {
      std::remove(temporary.c_str());
      throw InvalidFile(path + ": cannot write the experiment file");
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    throw InvalidFile(path + ": cannot write the experiment file (rename failed)");
  }
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
