// marginlab-cli verify-heads, heads, bench heads: the margin heads on their own.
#include <fmt/format.h>

#include <cstdio>
#include <fstream>

#include "app/cli/command.h"
#include "devtools/bench/bench_heads.h"
#include "core/errors.h"
#include "engine/heads/head_factory.h"
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

int run_list_heads() {
  for (const auto& [kind, description] : heads::head_kinds()) {
    heads::HeadSpec spec;
    spec.kind = kind;
    spec.embedding_dim = 4;
    spec.num_classes = 2;
    auto head = heads::make_head(spec);
    fmt::print("{:<26} {}\n", kind, description);
    for (const auto& p : head->parameter_values()) {
      fmt::print("    {:<16} = {:<8g} {}{:g}, {:g}{}  {}\n", p.name, p.value, p.lo_open ? "(" : "[", p.lo, p.hi,
                 p.hi_open ? ")" : "]", p.help);
    }
  }
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
  fmt::print("{:<26} {:>8} {:>12} {:>10}\n", "head", "classes", "median ms", "vs base");
  bench::bench_heads(config, [&](const bench::HeadBenchRow& row) {
    fmt::print("{:<26} {:>8} {:>12.1f} {:>9.3f}x\n", row.head, row.classes, row.median_ms, row.ratio);
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

  auto* list = app.add_subcommand("heads", "list the margin heads and their hyperparameters");
  commands.push_back({list, [] { return run_list_heads(); }});

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
