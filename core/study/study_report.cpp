#include "core/study/study_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <set>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/study/study_plan.h"

namespace marginlab::study {
namespace {

std::string number(double v, int digits = 4) { return std::isfinite(v) ? fmt::format("{:.{}f}", v, digits) : "–"; }

std::string mean_ci(const MeanInterval& m) {
  if (m.n == 0) return "–";
  if (m.n == 1) return number(m.mean) + " (1 run)";
  return fmt::format("{} ± {}", number(m.mean), number(m.ci95));
}

// Markdown table cells must not hold a bar or a line break.
std::string cell(std::string text) {
  for (auto& c : text) {
    if (c == '|' || c == '\n') c = ' ';
  }
  return text;
}

// The strata of the metric's set that the runs report, "all" first, in the order the runs list them.
std::vector<std::string> strata_of(const StudyResults& results, const std::string& set) {
  std::vector<std::string> names;
  for (const auto& run : results.runs) {
    const auto it = run.last_by_set.find(set);
    if (it == run.last_by_set.end()) continue;
    for (const auto& s : it->second.strata) {
      if (std::find(names.begin(), names.end(), s.stratum) == names.end()) names.push_back(s.stratum);
    }
  }
  return names;
}

// One setting's finished runs' values of `metric` on their last evaluation of its set, with their interval.
MeanInterval over_seeds(const StudyResults& results, int setting, const Metric& metric) {
  return mean_interval(setting_values(results, setting, metric));
}

std::string signed_number(double v) { return std::isfinite(v) ? fmt::format("{:+.4f}", v) : "–"; }

// Each claim, setting against each other setting it names: the difference of means with its interval, and what it
// says about the claim (a positive difference is the claimed setting doing better, whatever the metric's direction).
std::string claims_section(const StudyDirectory& study, const StudyResults& results) {
  const auto& config = study.config();
  if (config.claims.empty()) return {};
  const auto setting_of = [&](const std::string& label) {
    for (const auto& s : results.settings) {
      if (s.label == label) return s.setting;
    }
    return -1;
  };
  std::string md = "## The claims, tested\n\n";
  md +=
      "Each row: the claimed setting's mean over its finished runs minus the other's, signed so that positive means "
      "the claimed setting did better, with Welch's 95% interval over seeds. *Reproduces*: the whole interval is "
      "above 0. *Not shown*: the interval holds 0 (the seeds' spread is larger than the difference). *Reversed*: the "
      "whole interval is below 0.\n\n";
  for (const auto& claim : config.claims) {
    const Metric metric = claim.metric ? *claim.metric : config.metric;
    const double sign = metric.higher_is_better() ? 1.0 : -1.0;
    md += fmt::format("**{}** ({}):\n\n| {} against | difference | 95% interval | verdict |\n|---|---:|---:|---|\n",
                      cell(claim.text), metric.describe(), cell(claim.setting));
    const int mine = setting_of(claim.setting);
    for (const auto& other : claim.against) {
      const int theirs = setting_of(other);
      if (mine < 0 || theirs < 0) continue;
      auto d = welch_difference(setting_values(results, mine, metric), setting_values(results, theirs, metric));
      d.difference *= sign;
      const double low = sign > 0 ? d.low * sign : d.high * sign, high = sign > 0 ? d.high * sign : d.low * sign;
      std::string verdict;
      if (!std::isfinite(low) || !std::isfinite(high)) {
        verdict = "too few finished runs to tell";
      } else if (low > 0) {
        verdict = "**reproduces**";
      } else if (high < 0) {
        verdict = fmt::format("**reversed** here, by {:.4f}", -d.difference);
      } else {
        verdict = "not shown";
      }
      md += fmt::format("| {} | {} | {} … {} | {} |\n", cell(other), signed_number(d.difference), signed_number(low),
                        signed_number(high), verdict);
    }
    md += "\n";
  }
  return md;
}

}  // namespace

std::string study_report_markdown(const StudyDirectory& study, const StudyResults& results,
                                  const std::vector<ReportFigure>& figures) {
  const auto& config = study.config();
  const auto& base = config.base;
  std::string md = fmt::format("# Study: {}\n\n", config.name);
  if (!config.description.empty()) md += config.description + "\n\n";

  int finished = 0, stopped = 0, other = 0;
  for (const auto& r : results.runs) {
    if (r.outcome == RunOutcome::finished)
      ++finished;
    else if (r.outcome == RunOutcome::stopped)
      ++stopped;
    else
      ++other;
  }
  md += "## Design\n\n";
  md += fmt::format(
      "- **Ranked by** {} ({} is better), at each run's last evaluation; settings by the mean over their "
      "finished runs.\n",
      config.metric.describe(), config.metric.higher_is_better() ? "higher" : "lower");
  const auto value_at = [&](const char* a, const char* b) {
    return base.contains(a) && base[a].contains(b) ? base[a][b].dump() : std::string("default");
  };
  md += fmt::format("- **Base experiment**: backbone {}, head {}, {} epochs (max_steps {}), batch {}, data {}.\n",
                    value_at("model", "backbone"), base.contains("head") ? base["head"].dump() : "default",
                    value_at("train", "epochs"), value_at("train", "max_steps"), value_at("train", "batch_size"),
                    value_at("data", "source"));
  for (const auto& axis : config.axes) {
    std::string values;
    if (axis.range) {
      values = fmt::format("{} {}…{}{}", axis.range->log ? "log-uniform" : "uniform", axis.range->min, axis.range->max,
                           axis.range->integer ? ", whole numbers" : "");
    } else {
      for (const auto& v : axis.values) values += (values.empty() ? "" : ", ") + axis.label_of(v);
    }
    md += fmt::format("- **Varied** `{}`: {}\n", axis.key, values);
  }
  std::string seeds;
  for (const auto s : config.seeds) seeds += (seeds.empty() ? "" : ", ") + std::to_string(s);
  md += fmt::format(
      "- **Seeds** (train.seed) {}; {} sampling, {} settings × {} seeds = {} runs: {} finished, {} "
      "stopped early, {} not finished.\n",
      seeds, config.sampling == Sampling::grid ? "grid" : "random", results.settings.size(), config.seeds.size(),
      results.runs.size(), finished, stopped, other);
  double seconds = 0, last = 0;
  for (const auto& r : results.runs) {
    seconds += r.seconds;
    last = std::max(last, r.ended);
  }
  if (last > 0) {
    const auto when = static_cast<std::time_t>(last);
    char date[32];
    std::strftime(date, sizeof date, "%Y-%m-%d", std::gmtime(&when));
    md += fmt::format(
        "- **Time**: {:.0f} min of run processes in all (each run's start to its last status), the last "
        "on {} (UTC).\n",
        seconds / 60, date);
  }
  if (config.early_stopping.rule != StoppingRule::none) {
    std::string steps;
    for (const auto s : config.early_stopping.at_steps) steps += (steps.empty() ? "" : ", ") + std::to_string(s);
    md += fmt::format(
        "- **Early stopping**: {} rule at steps {} (keep {:g}, judged once {} runs reached a step); "
        "stopped runs are left out of the means.\n",
        to_string(config.early_stopping.rule), steps, config.early_stopping.keep, config.early_stopping.min_runs);
  }
  md += "\n";

  // The ranking, with the metric's measure on every stratum of its set and the set's ρ.
  const auto strata = strata_of(results, config.metric.set);
  const bool per_stratum = config.metric.measure != "norm_quality_spearman";
  md += fmt::format("## Settings ranked by {}\n\n", config.metric.describe());
  md += "Mean over the finished runs ± the half-width of its 95% confidence interval (Student's t over seeds)";
  md += per_stratum && strata.size() > 1 ? "; the stratum columns give the same measure on the set's other strata.\n\n"
                                         : ".\n\n";
  md += "| rank | setting | runs | " + cell(config.metric.describe()) + " | sd |";
  std::string rule = "|---:|---|---:|---:|---:|";
  if (per_stratum) {
    for (const auto& s : strata) {
      if (s == config.metric.stratum) continue;
      md += " " + s + " |";
      rule += "---:|";
    }
  }
  md += " norm–quality ρ |\n" + rule + "---:|\n";
  int rank = 0;
  for (const int s : results.ranking()) {
    const auto& summary = results.settings[static_cast<std::size_t>(s)];
    const auto main = over_seeds(results, s, config.metric);
    md += fmt::format("| {} | {} | {}{} | {} | {} |", std::isfinite(summary.mean) ? std::to_string(++rank) : "–",
                      cell(summary.label), summary.finished,
                      summary.stopped ? fmt::format(" (+{} stopped)", summary.stopped) : "", mean_ci(main),
                      number(main.sd));
    if (per_stratum) {
      for (const auto& name : strata) {
        if (name == config.metric.stratum) continue;
        Metric m = config.metric;
        m.stratum = name;
        md += " " + mean_ci(over_seeds(results, s, m)) + " |";
      }
    }
    Metric rho = config.metric;
    rho.measure = "norm_quality_spearman";
    rho.stratum = "all";
    md += " " + mean_ci(over_seeds(results, s, rho)) + " |\n";
  }
  md += "\n";

  md += claims_section(study, results);

  md += "## Runs\n\n| run | setting | seed | outcome | step | " + cell(config.metric.describe()) + " | note |\n";
  md += "|---|---|---:|---|---:|---:|---|\n";
  for (const auto& r : results.runs) {
    const auto& summary = results.settings[static_cast<std::size_t>(r.setting)];
    md += fmt::format("| {} | {} | {} | {} | {}{} | {} | {} |\n", r.id, cell(summary.label), r.seed,
                      to_string(r.outcome), r.step, r.total_steps > 0 ? fmt::format("/{}", r.total_steps) : "",
                      r.metric_step > 0 ? fmt::format("{} (step {})", number(r.metric), r.metric_step) : "–",
                      cell(r.message));
  }
  md += "\n";

  const auto decisions = study.decisions();
  if (!decisions.empty()) {
    md += "## Early-stopping verdicts\n\n| run | step | verdict |\n|---|---:|---|\n";
    for (const auto& d : decisions) md += fmt::format("| {} | {} | {} |\n", d.run, d.step, cell(d.reason));
    md += "\n";
  }
  if (!figures.empty()) {
    md += "## Figures\n\n";
    for (const auto& f : figures) md += fmt::format("![{}]({})\n\n*{}*\n\n", f.caption, f.file, f.caption);
  }
  md +=
      "Every number above is read from the runs' files in the study folder's `runs/`; written by `marginlab-cli "
      "study report`.\n";
  return md;
}

std::vector<ReportFigure> read_report_figures(const StudyDirectory& study) {
  const auto index = study.path() / "figures" / "index.json";
  std::vector<ReportFigure> figures;
  if (!std::filesystem::exists(index)) return figures;
  const auto document = nlohmann::json::parse(read_whole_file(index), nullptr, false);
  if (!document.is_array()) throw InvalidFile(index.string() + ": not a list of {file, caption}");
  for (const auto& entry : document) {
    if (!entry.is_object() || !entry.value("file", nlohmann::json()).is_string() ||
        !entry.value("caption", nlohmann::json()).is_string()) {
      throw InvalidFile(index.string() + ": " + entry.dump() + ": not {file, caption}");
    }
    ReportFigure f{entry["file"], entry["caption"]};
    if (std::filesystem::exists(study.path() / f.file)) figures.push_back(std::move(f));
  }
  return figures;
}

void write_report_figures(const StudyDirectory& study, const std::vector<ReportFigure>& figures) {
  nlohmann::json document = nlohmann::json::array();
  for (const auto& f : figures) document.push_back({{"file", f.file}, {"caption", f.caption}});
  write_file_atomically(study.path() / "figures" / "index.json", document.dump(2) + "\n");
}

}  // namespace marginlab::study
