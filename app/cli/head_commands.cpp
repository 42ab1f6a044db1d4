// marginlab-cli verify-heads, heads, bench heads: the margin heads on their own.
#include <ATen/Parallel.h>
#include <fmt/format.h>

#include <cstdio>
#include <fstream>

#include "app/cli/command.h"
#include "devtools/bench/bench_heads.h"
#include "core/errors.h"
#include "core/heads/head_registry.h"
#include "core/range.h"
#include "devtools/verify/verify_heads.h"

namespace marginlab::cli {
namespace {

int run_verify_heads(const std::vector<std::string>& files) {
  std::size_t checks = 0, failed = 0, files_failed = 0;
  for (const auto& file : files) {
    const auto report = verify::verify_reference_file(file);
    std::fputs(verify::format_report(report).c_str(), stdout);
    std::fputs("\n", stdout);
    checks += report.rows.size();
    for (const auto& row : report.rows) {
      failed += row.verdict == verify::Verdict::fail ||
                row.verdict == verify::Verdict::deviation_fail;
    }
    files_failed += !report.ok();
  }
  fmt::print("verify-heads: {} files, {} checks: {} passed, {} failed\n", files.size(), checks, checks - failed, failed);
  return files_failed == 0 ? 0 : 1;
}

std::string allowed(const heads::ParamValue& p) {
  if (p.type == heads::HeadParamType::choice) {
    std::string names;
    for (const auto& c : p.choices) names += (names.empty() ? "" : " | ") + c.name;
    return names;
  }
  return Range{p.lo, p.hi, p.lo_open, p.hi_open}.describe();
}

std::string default_text(const heads::ParamValue& p) {
  return p.type == heads::HeadParamType::choice ? p.choice : format_number(p.value);
}

// Every head, or one (kind or alias) with the tips of its choices: the registry as experiment files use it.
int run_list_heads(const std::string& only) {
  const heads::HeadDescriptor* one = nullptr;
  if (!only.empty()) one = heads::canonical_head(only).head;
  for (const auto& head : heads::head_registry()) {
    if (one && one != &head) continue;
    fmt::print("{:<16} {}: {}\n", head.kind, head.title, head.description);
    for (const auto& p : head.params) {
      fmt::print("    {:<20} {:<8} {:<10} {:<34} {:<6} {}\n", p.name, heads::to_string(p.type), default_text(p),
                 allowed(p), p.live ? "live" : "fixed", p.help);
      if (one && p.type == heads::HeadParamType::choice) {
        for (const auto& c : p.choices) fmt::print("        {:<18} {}\n", c.name, c.tip);
      }
    }
    for (const auto& rule : head.capabilities) {
      fmt::print("    keeps or needs: {} ({}){}\n", heads::to_string(rule.capability), heads::describe(rule.capability),
                 rule.param.empty() ? "" : fmt::format(" when {} = {}", rule.param, rule.choice));
    }
    for (const auto& alias : head.aliases) {
      std::string choices;
      for (const auto& [name, value] : alias.choices) {
        choices += (choices.empty() ? "" : ", ") + name + " = " + std::get<std::string>(value);
      }
      fmt::print("    also read as kind \"{}\": {}\n", alias.kind, choices);
    }
  }
  if (!one) fmt::print("\n`marginlab-cli heads KIND` lists one head with its choices explained.\n");
  return 0;
}

int run_bench_heads(bench::HeadBenchConfig config, const std::string& csv_path) {
  std::ofstream csv;
  if (!csv_path.empty()) {
    csv.open(csv_path);
    if (!csv) throw InvalidFile(csv_path + ": cannot write the CSV file");
    csv << "head,classes,batch,dim,median_ms,ratio_to_baseline\n";
  }
  fmt::print("bench heads: B = {}, D = {}, {} threads, median of {} forward+backward steps\n", config.batch,
             config.dim, at::get_num_threads(), config.iterations);
  fmt::print("{:<44} {:>8} {:>12} {:>10}\n", "head", "classes", "median ms", "vs base");
  bench::bench_heads(config, [&](const bench::HeadBenchRow& row) {
    fmt::print("{:<44} {:>8} {:>12.1f} {:>9.3f}x\n", row.head, row.classes, row.median_ms, row.ratio);
    std::fflush(stdout);
    if (csv) {
      csv << fmt::format("{},{},{},{},{:.3f},{:.4f}\n", row.head, row.classes, config.batch, config.dim, row.median_ms,
                         row.ratio);
    }
  });
  return 0;
}

}  // namespace

void add_head_commands(CLI::App& app, CLI::App& bench_group, Commands& commands) {
  auto* verify = app.add_subcommand("verify-heads", "replay reference files of the authors' code through our heads");
  auto files = std::make_shared<std::vector<std::string>>();
  verify->add_option("files", *files, "reference JSON files")->required()->check(CLI::ExistingFile);
  commands.push_back({verify, [files] { return run_verify_heads(*files); }});

  auto* list = app.add_subcommand("heads", "list the margin heads, their hyperparameters, capabilities and aliases");
  auto only = std::make_shared<std::string>();
  list->add_option("kind", *only, "only this head (a kind or an older alias), with its choices explained");
  commands.push_back({list, [only] { return run_list_heads(*only); }});

  auto* bench_heads = bench_group.add_subcommand("heads", "forward+backward time of every head vs a plain normalised linear");
  auto config = std::make_shared<bench::HeadBenchConfig>();
  auto csv_path = std::make_shared<std::string>();
  bench_heads->add_option("--batch", config->batch, "batch size")->check(CLI::PositiveNumber);
  bench_heads->add_option("--dim", config->dim, "embedding dimension")->check(CLI::PositiveNumber);
  bench_heads->add_option("--classes", config->classes, "class counts")->delimiter(',')->check(CLI::PositiveNumber);
  bench_heads->add_option("--heads", config->heads, "heads to time (default: all)")->delimiter(',');
  bench_heads->add_option("--iterations", config->iterations, "timed steps per head")->check(CLI::PositiveNumber);
  bench_heads->add_option("--warmup", config->warmup, "untimed steps per head")->check(CLI::NonNegativeNumber);
  bench_heads->add_option("--csv", *csv_path, "also write the table as CSV");
  commands.push_back({bench_heads, [config, csv_path] { return run_bench_heads(*config, *csv_path); }});
}

}  // namespace marginlab::cli
