#include "devtools/verify/verify_heads.h"

#include <cmath>
#include <limits>
#include <sstream>

#include <fmt/format.h>

#include "core/errors.h"
#include "engine/heads/adaface.h"
#include "engine/heads/arcface.h"
#include "engine/heads/cosface.h"
#include "engine/heads/curricularface.h"
#include "engine/heads/kappaface.h"
#include "engine/heads/magface.h"
#include "devtools/verify/reference_json.h"

namespace marginlab::verify {
namespace {

using nlohmann::json;
using namespace marginlab::heads;

struct Tolerance {
  double atol;
  double rtol;
};
// The tolerances: float32 cases 1e-4 relative or 1e-5 absolute; float64 cases 1e-9.
constexpr Tolerance kFloat32{1e-5, 1e-4};
constexpr Tolerance kFloat64{1e-9, 1e-9};

Tolerance tolerance_for(torch::ScalarType dtype) { return dtype == torch::kFloat64 ? kFloat64 : kFloat32; }

// torch::tensor(double) follows the default dtype (float32): comparisons need the double itself.
torch::Tensor f64(double value) { return torch::tensor({value}, torch::kFloat64); }
torch::Tensor f64(const std::vector<double>& values) { return torch::tensor(values, torch::kFloat64); }

std::string shape_text(const torch::Tensor& t) {
  std::ostringstream out;
  out << t.sizes();
  return out.str();
}

// Collects the rows of one case at one tolerance.
class Checker {
 public:
  Checker(FileReport& report, std::string case_name, Tolerance tol)
      : report_(report), case_(std::move(case_name)), tol_(tol) {}

  void compare(const std::string& quantity, const torch::Tensor& ours, const torch::Tensor& expected,
               bool deviation = false, const std::string& note = "") {
    CheckRow row{case_, quantity, 0.0, 0.0, Verdict::pass, note};
    bool ok = true;
    if (!ours.defined()) {
      ok = false;
      row.note = "MarginLab produced no value";
    } else if (ours.numel() != expected.numel()) {
      ok = false;
      row.note = "shape " + shape_text(ours) + " vs reference " + shape_text(expected);
    } else {
      auto a = ours.detach().to(torch::kCPU, torch::kFloat64).reshape({-1}).contiguous();
      auto b = expected.detach().to(torch::kCPU, torch::kFloat64).reshape({-1}).contiguous();
      const double* pa = a.data_ptr<double>();
      const double* pb = b.data_ptr<double>();
      std::int64_t finite_where_reference_nan = 0;
      for (std::int64_t i = 0; i < a.numel(); ++i) {
        double abs_err = 0.0;
        double rel_err = 0.0;
        if (std::isnan(pb[i]) && std::isfinite(pa[i])) {
          // The official code's NaN (e.g. sqrt'(0) at |cos| = 1): MarginLab stays finite on purpose.
          ++finite_where_reference_nan;
          continue;
        }
        if (std::isnan(pa[i]) || std::isnan(pb[i])) {
          if (!(std::isnan(pa[i]) && std::isnan(pb[i]))) abs_err = rel_err = std::numeric_limits<double>::infinity();
        } else if (pa[i] != pb[i]) {
          abs_err = std::abs(pa[i] - pb[i]);
          rel_err = pb[i] != 0.0 ? abs_err / std::abs(pb[i]) : std::numeric_limits<double>::infinity();
        }
        row.max_abs = std::max(row.max_abs, abs_err);
        row.max_rel = std::max(row.max_rel, std::isnan(rel_err) ? std::numeric_limits<double>::infinity() : rel_err);
        if (!(abs_err <= tol_.atol || rel_err <= tol_.rtol)) ok = false;
      }
      if (finite_where_reference_nan > 0) {
        deviation = true;
        row.note = fmt::format("reference NaN in {} of {} entries (official sqrt/acos at |cos| = 1), ours finite; "
                               "errors over the rest",
                               finite_where_reference_nan, a.numel());
      }
    }
    row.verdict = deviation ? (ok ? Verdict::deviation_pass : Verdict::deviation_fail) : (ok ? Verdict::pass : Verdict::fail);
    report_.rows.push_back(row);
  }

  void compare(const std::string& quantity, const torch::Tensor& ours, const json& expected, bool deviation = false) {
    compare(quantity, ours, json_tensor(expected, torch::kFloat64, case_ + "." + quantity), deviation);
  }

  // A property rather than a value (e.g. "no gradient reaches the norm").
  void expect(const std::string& quantity, bool holds, const std::string& note, bool deviation = false) {
    CheckRow row{case_, quantity, 0.0, 0.0, Verdict::pass, note};
    row.verdict = deviation ? (holds ? Verdict::deviation_pass : Verdict::deviation_fail)
                            : (holds ? Verdict::pass : Verdict::fail);
    report_.rows.push_back(row);
  }

  void fail(const std::string& quantity, const std::string& note) { expect(quantity, false, note); }

 private:
  FileReport& report_;
  std::string case_;
  Tolerance tol_;
};

torch::ScalarType dtype_named(const json& params, torch::ScalarType fallback) {
  if (!params.contains("dtype")) return fallback;
  const auto name = params.at("dtype").get<std::string>();
  if (name.find("float64") != std::string::npos || name.find("double") != std::string::npos) return torch::kFloat64;
  if (name.find("float32") != std::string::npos || name.find("float") != std::string::npos) return torch::kFloat32;
  throw InvalidFile("unsupported dtype '" + name + "'");
}

double number(const json& object, const std::string& key, const std::string& where) {
  const auto& v = require(object, key, where);
  // Buffers such as init_batch_mean are stored as one-element lists.
  if (v.is_array() && v.size() == 1) return json_number(v[0], where + "." + key);
  return json_number(v, where + "." + key);
}

// ---------------------------------------------------------------------------------------------------------------
// AdaFace (mk-minchul/AdaFace head.py)

// Our documented behaviour in plain double arithmetic, independent of the torch implementation: used where the
// official code produces NaN (a batch of one) and MarginLab deliberately differs.
struct AdaFaceClosedForm {
  AdaFaceParams params;
  std::vector<double> kernel;  // D × C, row-major
  std::int64_t dim, classes;
  double mean, std;

  // Updates the statistics as MarginLab documents (skip when B < 2) and returns the logits (B × C).
  std::vector<double> step(const std::vector<double>& emb, const std::vector<double>& norms,
                           const std::vector<std::int64_t>& labels) {
    const auto batch = static_cast<std::int64_t>(labels.size());
    std::vector<double> a(batch);
    for (std::int64_t i = 0; i < batch; ++i) {
      a[i] = std::clamp(norms[i], AdaFaceHeadImpl::kNormMin, AdaFaceHeadImpl::kNormMax);
    }
    if (batch >= 2) {
      double mu = 0.0;
      for (double x : a) mu += x;
      mu /= static_cast<double>(batch);
      double var = 0.0;
      for (double x : a) var += (x - mu) * (x - mu);
      const double sd = std::sqrt(var / static_cast<double>(batch - 1));
      mean = params.t_alpha * mu + (1.0 - params.t_alpha) * mean;
      std = params.t_alpha * sd + (1.0 - params.t_alpha) * std;
    }
    std::vector<double> column_norm(classes, 0.0);
    for (std::int64_t d = 0; d < dim; ++d)
      for (std::int64_t c = 0; c < classes; ++c) column_norm[c] += kernel[d * classes + c] * kernel[d * classes + c];
    for (auto& n : column_norm) n = std::sqrt(n);
    const double eps = params.eps;
    std::vector<double> logits(batch * classes);
    for (std::int64_t i = 0; i < batch; ++i) {
      const double z = std::clamp(params.h * (a[i] - mean) / (std + eps), -1.0, 1.0);
      for (std::int64_t c = 0; c < classes; ++c) {
        double cos = 0.0;
        for (std::int64_t d = 0; d < dim; ++d) cos += emb[i * dim + d] * kernel[d * classes + c] / column_norm[c];
        cos = std::clamp(cos, -1.0 + eps, 1.0 - eps);
        double value = cos;
        if (c == labels[i]) {
          const double theta = std::clamp(std::acos(cos) - params.m * z, eps, M_PI - eps);
          value = std::cos(theta) - params.m * (1.0 + z);
        }
        logits[i * classes + c] = params.s * value;
      }
    }
    return logits;
  }
};

std::vector<double> to_doubles(const torch::Tensor& t) {
  auto c = t.detach().to(torch::kCPU, torch::kFloat64).contiguous();
  return {c.data_ptr<double>(), c.data_ptr<double>() + c.numel()};
}

void replay_adaface(const json& doc, FileReport& report) {
  for (const auto& [case_name, c] : require(doc, "cases", report.path).items()) {
    const std::string where = report.path + ": cases." + case_name;
    const auto& params_json = require(c, "params", where);
    const auto dtype = dtype_named(params_json, torch::kFloat32);
    AdaFaceParams params;
    params.m = number(params_json, "m", where);
    params.h = number(params_json, "h", where);
    params.s = number(params_json, "s", where);
    params.t_alpha = number(params_json, "t_alpha", where);
    if (params_json.contains("eps")) params.eps = number(params_json, "eps", where);
    auto kernel = json_tensor(require(c, "kernel", where), dtype, where + ".kernel");
    const auto dim = kernel.size(0);
    const auto classes = kernel.size(1);

    AdaFaceHead head(dim, classes, params);
    head->to(dtype);
    {
      torch::NoGradGuard no_grad;
      head->kernel().copy_(kernel);
    }
    const double init_mean = number(c, "init_batch_mean", where);
    const double init_std = number(c, "init_batch_std", where);
    head->set_norm_statistics(init_mean, init_std);
    AdaFaceClosedForm closed{params, to_doubles(kernel), dim, classes, init_mean, init_std};

    Checker check(report, case_name, tolerance_for(dtype));
    bool deviating = false;  // from the first batch of one on, the official state is NaN: check our documented rule
    int call_index = 0;
    for (const auto& call : require(c, "calls", where)) {
      const std::string q = "call" + std::to_string(call_index++) + ".";
      const std::string cw = where + "." + q;
      auto embeddings = json_tensor(require(call, "embeddings", cw), dtype, cw + "embeddings").requires_grad_(true);
      auto norms = json_tensor(require(call, "norms", cw), dtype, cw + "norms").requires_grad_(true);
      auto labels = json_labels(require(call, "labels", cw), cw + "labels");
      if (labels.size(0) < 2) deviating = true;

      head->zero_grad();
      auto out = head->forward({embeddings, norms, labels, {}});
      out.loss.backward();
      const bool no_norm_grad = !norms.grad().defined() || norms.grad().abs().max().item<double>() == 0.0;
      check.expect(q + "grad_norms", no_norm_grad, "no gradient reaches the norm");

      auto expected_logits = closed.step(to_doubles(embeddings), to_doubles(norms),
                                         std::vector<std::int64_t>(labels.data_ptr<std::int64_t>(),
                                                                   labels.data_ptr<std::int64_t>() + labels.numel()));
      if (!deviating) {
        check.compare(q + "logits", out.logits, require(call, "logits", cw));
        check.compare(q + "ce_loss", out.classification_loss, require(call, "ce_loss", cw));
        check.compare(q + "batch_mean_after", f64(head->batch_mean()), require(call, "batch_mean_after", cw));
        check.compare(q + "batch_std_after", f64(head->batch_std()), require(call, "batch_std_after", cw));
        check.compare(q + "grad_embeddings", embeddings.grad(), require(call, "grad_embeddings", cw));
        check.compare(q + "grad_kernel", head->kernel().grad(), require(call, "grad_kernel", cw));
      } else {
        // The reference holds NaN here. MarginLab: a batch of one leaves the EMA alone; everything stays finite.
        check.compare(q + "batch_mean_after (B<2 skips the EMA update)", f64(head->batch_mean()),
                      f64(closed.mean), true);
        check.compare(q + "batch_std_after (B<2 skips the EMA update)", f64(head->batch_std()),
                      f64(closed.std), true);
        check.compare(q + "logits (closed form, documented EMA)", out.logits,
                      f64(expected_logits).reshape(out.logits.sizes()), true);
        check.expect(q + "ce_loss and gradients finite",
                     std::isfinite(out.classification_loss.item<double>()) &&
                         torch::isfinite(embeddings.grad()).all().item<bool>() &&
                         torch::isfinite(head->kernel().grad()).all().item<bool>(),
                     "official: NaN", true);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// insightface arcface_torch losses.py: heads applied to given cosines.

struct InsightfaceHeadName {
  std::string era;  // "current" or "legacy_2022"
  std::string cls;
  std::vector<std::pair<std::string, double>> args;
};

InsightfaceHeadName parse_head_name(const std::string& name) {
  InsightfaceHeadName parsed;
  const auto dot = name.find('.');
  const auto open = name.find('(');
  const auto close = name.rfind(')');
  if (dot == std::string::npos || open == std::string::npos || close == std::string::npos || open < dot) {
    throw InvalidFile("head name '" + name + "' is not of the form era.Class(args)");
  }
  parsed.era = name.substr(0, dot);
  parsed.cls = name.substr(dot + 1, open - dot - 1);
  std::stringstream args(name.substr(open + 1, close - open - 1));
  std::string item;
  while (std::getline(args, item, ',')) {
    const auto eq = item.find('=');
    const std::string key = eq == std::string::npos ? "" : item.substr(0, eq);
    parsed.args.emplace_back(key, std::stod(eq == std::string::npos ? item : item.substr(eq + 1)));
  }
  return parsed;
}

double named_arg(const InsightfaceHeadName& n, const std::string& key, std::size_t position) {
  for (const auto& [k, v] : n.args)
    if (k == key) return v;
  if (position < n.args.size() && n.args[position].first.empty()) return n.args[position].second;
  throw InvalidFile("head '" + n.cls + "': no argument '" + key + "'");
}

// The MarginLab head that reproduces an insightface head, or nullptr with `why` set.
MarginHead insightface_head(const std::string& name, std::int64_t dim, std::int64_t classes, std::string& why) {
  const auto n = parse_head_name(name);
  if (n.era != "current" && n.era != "legacy_2022") {
    why = "unknown insightface era '" + n.era + "'";
    return nullptr;
  }
  auto arcface = [&](double s, double m) -> MarginHead {
    ArcFaceParams p;
    p.s = s;
    p.m = m;
    // insightface today: margin without gradient; until 2022-12: the th/mm form with its true gradient.
    if (n.era == "current") p.gradient = ArcFaceGradient::straight_through;
    else p.legacy_th_mm = true;
    return std::make_shared<ArcFaceHeadImpl>(dim, classes, p);
  };
  auto cosface = [&](double s, double m) -> MarginHead {
    CosFaceParams p;
    p.s = s;
    p.m = m;
    return std::make_shared<CosFaceHeadImpl>(dim, classes, p);
  };
  if (n.cls == "ArcFace") return arcface(named_arg(n, "s", 0), named_arg(n, "margin", 1));
  if (n.cls == "CosFace") return cosface(named_arg(n, "s", 0), named_arg(n, "m", 1));
  if (n.cls == "CombinedMarginLoss") {
    const double s = named_arg(n, "s", 0), m1 = named_arg(n, "m1", 1), m2 = named_arg(n, "m2", 2),
                 m3 = named_arg(n, "m3", 3);
    if (m1 == 1.0 && m3 == 0.0) return arcface(s, m2);
    if (m1 == 1.0 && m3 > 0.0) return cosface(s, m3);  // arcface_torch ignores m2 in this branch
    why = "CombinedMarginLoss supports (m1 = 1, m3 = 0) and (m1 = 1, m3 > 0) only, as arcface_torch";
    return nullptr;
  }
  why = "unknown insightface head class '" + n.cls + "'";
  return nullptr;
}

void replay_insightface(const json& doc, FileReport& report) {
  const auto dtype = dtype_named(doc, torch::kFloat32);
  auto weight_rows = json_tensor(require(doc, "weight_rows", report.path), dtype, report.path + ": weight_rows");
  const auto classes = weight_rows.size(0);
  const auto dim = weight_rows.size(1);
  auto centres = weight_rows.t() / weight_rows.t().norm(2, 0, true);
  int batch_index = 0;
  for (const auto& batch : require(doc, "batches", report.path)) {
    const std::string b = "batch" + std::to_string(batch_index++);
    const std::string where = report.path + ": " + b;
    auto embeddings = json_tensor(require(batch, "embeddings", where), dtype, where + ".embeddings");
    auto labels = json_labels(require(batch, "labels", where), where + ".labels");
    auto cosine = json_tensor(require(batch, "cosine", where), dtype, where + ".cosine");
    {
      Checker check(report, b, tolerance_for(dtype));
      auto unit = embeddings / embeddings.norm(2, 1, true);
      check.compare("cosine", torch::mm(unit, centres).clamp(-1.0, 1.0), cosine);
    }
    for (const auto& [name, expected] : require(batch, "heads", where).items()) {
      Checker check(report, b + " " + name, tolerance_for(dtype));
      std::string why;
      auto head = insightface_head(name, dim, classes, why);
      if (!head) {
        check.fail("all", why);
        continue;
      }
      head->to(dtype);
      auto cos = cosine.clone().requires_grad_(true);
      auto out = head->forward_cosine(cos, torch::ones({cos.size(0)}, cos.options()), labels);
      out.classification_loss.backward();
      check.compare("logits", out.logits, require(expected, "logits", where));
      check.compare("ce_loss_valid_rows", out.classification_loss, require(expected, "ce_loss_valid_rows", where));
      check.compare("grad_cosine", cos.grad(), require(expected, "grad_cosine", where));
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// CurricularFace and MagFace: raw features in, as a backbone would give them.

struct RawBatch {
  torch::Tensor raw, norms, embeddings, labels;
};

RawBatch raw_batch(const json& call, torch::ScalarType dtype, const std::string& where) {
  RawBatch b;
  b.raw = json_tensor(require(call, "raw_features", where), dtype, where + ".raw_features").requires_grad_(true);
  b.norms = b.raw.norm(2, 1, true);
  b.embeddings = b.raw / b.norms;
  b.labels = json_labels(require(call, "labels", where), where + ".labels");
  return b;
}

void replay_curricularface(const json& doc, const torch::Tensor& kernel, FileReport& report) {
  const auto dtype = kernel.scalar_type();
  CurricularFaceParams params;  // the file stores none: the authors' defaults m 0.5, s 64
  if (doc.contains("curricularface_params")) {
    const auto& p = doc.at("curricularface_params");
    if (p.contains("m")) params.m = number(p, "m", report.path);
    if (p.contains("s")) params.s = number(p, "s", report.path);
  }
  CurricularFaceHead head(kernel.size(0), kernel.size(1), params);
  head->to(dtype);
  {
    torch::NoGradGuard no_grad;
    head->kernel().copy_(kernel);
  }
  int index = 0;
  for (const auto& call : doc.at("curricularface")) {
    const std::string q = "call" + std::to_string(index) + ".";
    const std::string where = report.path + ": curricularface[" + std::to_string(index) + "]";
    Checker check(report, "curricularface", tolerance_for(dtype));
    if (index++ == 0) head->set_t(number(call, "t_before", where));
    check.compare(q + "t_before", f64(head->t()), require(call, "t_before", where));
    auto b = raw_batch(call, dtype, where);
    head->zero_grad();
    auto out = head->forward({b.embeddings, b.norms, b.labels, {}});
    out.loss.backward();
    check.compare(q + "t_after", f64(head->t()), require(call, "t_after", where));
    check.compare(q + "logits", out.logits, require(call, "logits", where));
    check.compare(q + "origin_cos_scaled",
                  (torch::mm(b.embeddings, head->normalized_kernel()).clamp(-1.0, 1.0) * params.s).detach(),
                  require(call, "origin_cos_scaled", where));
    check.compare(q + "ce_loss", out.classification_loss, require(call, "ce_loss", where));
    check.compare(q + "grad_raw_features", b.raw.grad(), require(call, "grad_raw_features", where));
  }
}

void replay_magface(const json& doc, const torch::Tensor& kernel, FileReport& report) {
  const auto dtype = kernel.scalar_type();
  const auto& pj = require(doc, "magface_params", report.path);
  MagFaceParams params;
  params.l_a = number(pj, "l_a", report.path);
  params.u_a = number(pj, "u_a", report.path);
  params.l_margin = number(pj, "l_margin", report.path);
  params.u_margin = number(pj, "u_margin", report.path);
  params.lambda_g = number(pj, "lambda_g", report.path);
  params.s = number(pj, "s", report.path);
  for (const auto& [variant, calls] : doc.at("magface").items()) {
    const std::string prefix = "easy_margin_";
    if (variant.rfind(prefix, 0) != 0) {
      Checker(report, "magface " + variant, kFloat32).fail("all", "unknown MagFace variant key");
      continue;
    }
    params.easy_margin = variant.substr(prefix.size()) == "True";
    MagFaceHead head(kernel.size(0), kernel.size(1), params);
    head->to(dtype);
    {
      torch::NoGradGuard no_grad;
      head->kernel().copy_(kernel);
    }
    int index = 0;
    for (const auto& call : calls) {
      const std::string q = "call" + std::to_string(index) + ".";
      const std::string where = report.path + ": magface." + variant + "[" + std::to_string(index++) + "]";
      Checker check(report, "magface " + variant, tolerance_for(dtype));
      auto b = raw_batch(call, dtype, where);
      head->zero_grad();
      auto out = head->forward({b.embeddings, b.norms, b.labels, {}});
      out.loss.backward();
      auto cos_scaled = json_tensor(require(call, "cos_theta_scaled", where), torch::kFloat64, where);
      auto cos_m_scaled = json_tensor(require(call, "cos_theta_m_scaled", where), torch::kFloat64, where);
      auto one_hot = torch::zeros_like(cos_scaled).scatter_(1, b.labels.unsqueeze(1), 1.0);
      check.compare(q + "cos_theta_scaled",
                    (torch::mm(b.embeddings, head->normalized_kernel()).clamp(-1.0, 1.0) * params.s).detach(),
                    cos_scaled);
      check.compare(q + "logits (target from cos_theta_m)", out.logits,
                    one_hot * cos_m_scaled + (1.0 - one_hot) * cos_scaled);
      check.compare(q + "loss_id", out.classification_loss, require(call, "loss_id", where));
      check.compare(q + "loss_g", out.regulariser / params.lambda_g, require(call, "loss_g", where));
      check.compare(q + "total (lambda_g " + fmt::format("{:g}", params.lambda_g) + ")", out.loss,
                    require(call, "total_lambda35", where));
      check.compare(q + "grad_raw_features", b.raw.grad(), require(call, "grad_raw_features", where));
    }
  }
}

void replay_baselines(const json& doc, FileReport& report) {
  auto kernel = json_tensor(require(doc, "kernel", report.path), torch::kFloat32, report.path + ": kernel");
  if (doc.contains("curricularface")) replay_curricularface(doc, kernel, report);
  if (doc.contains("magface")) replay_magface(doc, kernel, report);
}

// ---------------------------------------------------------------------------------------------------------------
// KappaFace: class statistics over epochs, then the per-class-margin logits.

void replay_kappaface_section(const json& doc, const std::string& section, FileReport& report) {
  const auto& sec = doc.at(section);
  const auto& inputs = require(doc, "inputs", report.path);
  const std::string where = report.path + ": " + section;
  const auto dtype = section == "official_code" ? torch::kFloat32 : torch::kFloat64;
  const auto variant = section.find("paper") != std::string::npos ? KappaVariant::paper : KappaVariant::code;

  KappaFaceParams params;
  params.variant = variant;
  const auto& hyper = sec.contains("hyper") ? sec.at("hyper") : require(doc, "hyper", report.path);
  params.temperature = number(hyper, "T", where);
  params.gamma = number(hyper, "gamma", where);
  params.m0 = number(hyper, "m0", where);
  params.s = number(hyper, "s", where);
  params.memory_momentum = hyper.contains("momentum") ? number(hyper, "momentum", where)
                                                      : number(hyper, "memory_momentum_new_feature_weight", where);

  auto labels = json_labels(require(inputs, "labels", where), where + ".labels");
  std::vector<std::int64_t> counts;
  for (const auto& n : require(inputs, "counts", where)) counts.push_back(n.get<std::int64_t>());
  const auto batch = require(inputs, "batch", where).get<std::int64_t>();
  auto init_memory = json_tensor(require(inputs, "init_memory", where), dtype, where + ".init_memory");
  auto class_weight = json_tensor(require(inputs, "class_weight", where), dtype, where + ".class_weight");
  const auto dim = class_weight.size(1);
  const auto& epochs = require(inputs, "epochs", where);
  std::vector<torch::Tensor> epoch_features;
  std::vector<torch::Tensor> epoch_orders;
  for (const auto& e : epochs) {
    epoch_features.push_back(json_tensor(require(e, "features", where), dtype, where + ".features"));
    epoch_orders.push_back(json_labels(require(e, "perm", where), where + ".perm"));
  }

  // The loss batch: its samples' epoch-0 features against the class weights, through our full forward pass.
  const json* loss_batch = sec.contains("loss_batch") ? &sec.at("loss_batch") : nullptr;
  torch::Tensor loss_idx, loss_labels;
  if (loss_batch) {
    loss_idx = json_labels(require(*loss_batch, "idx", where), where + ".loss_batch.idx");
    loss_labels = json_labels(require(*loss_batch, "labels", where), where + ".loss_batch.labels");
  }

  for (const auto source : {KappaStatisticsSource::memory_buffer, KappaStatisticsSource::momentum_encoder}) {
    const std::string source_name(to_string(source));
    if (!sec.contains(source_name)) continue;
    params.source = source;
    KappaFaceHead head(dim, counts, init_memory.size(0), params);
    head->to(dtype);
    {
      torch::NoGradGuard no_grad;
      head->kernel().copy_(class_weight.t());
      if (source == KappaStatisticsSource::memory_buffer) head->memory().copy_(init_memory);
    }
    // The reference's loss-batch logits use the memory-buffer statistics.
    const bool check_logits = loss_batch && source == KappaStatisticsSource::memory_buffer;
    Checker check(report, section + " " + source_name, tolerance_for(dtype));
    auto loss_logits = [&](const std::string& key) {
      if (!check_logits || !loss_batch->at("logits").contains(key)) return;
      auto x = epoch_features[0].index_select(0, loss_idx);
      auto out = head->forward({x, x.norm(2, 1), loss_labels, {}});
      check.compare("logits " + key, out.logits, loss_batch->at("logits").at(key));
      if (loss_batch->contains("cosine")) {
        check.compare("loss_batch cosine", torch::mm(x / x.norm(2, 1, true), head->normalized_kernel()),
                      loss_batch->at("cosine"));
      }
    };
    loss_logits("psi_ones");
    const auto& expected_epochs = sec.at(source_name);
    for (std::size_t e = 0; e < epoch_features.size() && e < expected_epochs.size(); ++e) {
      const auto& order = epoch_orders[e];
      for (std::int64_t start = 0; start < order.size(0); start += batch) {
        auto ids = order.slice(0, start, std::min(start + batch, order.size(0)));
        head->observe(ids, epoch_features[e].index_select(0, ids), labels.index_select(0, ids));
      }
      head->end_epoch();
      const auto stats = head->class_statistics();
      const std::string ep = "epoch" + std::to_string(e) + " ";
      const auto& expected = expected_epochs[e];
      const std::pair<const char*, const std::vector<double>*> quantities[] = {
          {"r", &stats.r}, {"kappa", &stats.kappa}, {"w_kappa", &stats.w_kappa}, {"w_pop", &stats.w_pop},
          {"psi", &stats.psi}};
      for (const auto& [key, values] : quantities) {
        if (expected.contains(key)) check.compare(ep + key, f64(*values), expected.at(key));
      }
      loss_logits("psi_after_epoch" + std::to_string(e));
    }
  }
}

void replay_kappaface(const json& doc, FileReport& report) {
  for (const auto& section : {"official_code", "reference_code_mode", "reference_paper_mode"}) {
    if (doc.contains(section)) replay_kappaface_section(doc, section, report);
  }
}

// ---------------------------------------------------------------------------------------------------------------

std::string recognise_layout(const json& doc) {
  if (!doc.is_object()) return "";
  if (doc.contains("cases") && doc.at("cases").is_object()) {
    for (const auto& [name, c] : doc.at("cases").items()) {
      if (c.contains("calls") && c.contains("params") && c.at("params").contains("h")) return "adaface";
    }
  }
  if (doc.contains("weight_rows") && doc.contains("batches")) return "insightface";
  if (doc.contains("kernel") && (doc.contains("curricularface") || doc.contains("magface"))) return "baselines";
  if (doc.contains("inputs") && doc.at("inputs").contains("init_memory") &&
      (doc.contains("official_code") || doc.contains("reference_code_mode") || doc.contains("reference_paper_mode"))) {
    return "kappaface";
  }
  return "";
}

std::string verdict_text(Verdict v) {
  switch (v) {
    case Verdict::pass: return "ok";
    case Verdict::fail: return "FAIL";
    case Verdict::deviation_pass: return "documented deviation: ok";
    case Verdict::deviation_fail: return "documented deviation: FAIL";
  }
  return "?";
}

}  // namespace

bool FileReport::ok() const {
  if (!error.empty() || rows.empty()) return false;
  for (const auto& row : rows) {
    if (row.verdict == Verdict::fail || row.verdict == Verdict::deviation_fail) return false;
  }
  return true;
}

FileReport verify_reference_file(const std::string& path) {
  FileReport report;
  report.path = path;
  try {
    const auto doc = load_json_file(path);
    report.layout = recognise_layout(doc);
    if (report.layout == "adaface") replay_adaface(doc, report);
    else if (report.layout == "insightface") replay_insightface(doc, report);
    else if (report.layout == "baselines") replay_baselines(doc, report);
    else if (report.layout == "kappaface") replay_kappaface(doc, report);
    else report.error = path + ": not a reference file in a known layout (adaface, insightface, baselines, kappaface)";
  } catch (const std::exception& e) {
    report.error = e.what();
  }
  return report;
}

std::string format_report(const FileReport& report) {
  std::string out = fmt::format("{} [{}]\n", report.path, report.layout.empty() ? "unrecognised" : report.layout);
  if (!report.error.empty()) return out + "  error: " + report.error + "\n";
  std::size_t case_width = 4, quantity_width = 8;
  for (const auto& r : report.rows) {
    case_width = std::max(case_width, r.case_name.size());
    quantity_width = std::max(quantity_width, r.quantity.size());
  }
  out += fmt::format("  {:<{}}  {:<{}}  {:>12}  {:>12}  {}\n", "case", case_width, "quantity", quantity_width,
                     "max abs err", "max rel err", "verdict");
  for (const auto& r : report.rows) {
    out += fmt::format("  {:<{}}  {:<{}}  {:>12.3e}  {:>12.3e}  {}{}\n", r.case_name, case_width, r.quantity,
                       quantity_width, r.max_abs, r.max_rel, verdict_text(r.verdict),
                       r.note.empty() ? "" : " (" + r.note + ")");
  }
  std::size_t failed = 0;
  for (const auto& r : report.rows) failed += (r.verdict == Verdict::fail || r.verdict == Verdict::deviation_fail);
  out += fmt::format("  {} checks, {} failed\n", report.rows.size(), failed);
  return out;
}

}  // namespace marginlab::verify
