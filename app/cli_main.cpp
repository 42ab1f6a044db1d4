// marginlab-cli: the headless side of MarginLab.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <fstream>

#include "engine/bench/bench_heads.h"
#include "engine/core/errors.h"
#include "engine/core/memory.h"
#include "engine/core/threads.h"
#include "engine/heads/head_factory.h"
#include "engine/verify/verify_heads.h"

namespace {

int run_verify_heads(const std::vector<std::string>& files) {
  std::size_t checks = 0, failed = 0, files_failed = 0;
  for (const auto& file : files) {
    const auto report = marginlab::verify::verify_reference_file(file);
    std::fputs(marginlab::verify::format_report(report).c_str(), stdout);
    std::fputs("\n", stdout);
    checks += report.rows.size();
    for (const auto& row : report.rows) {
      failed += row.verdict == marginlab::verify::Verdict::fail ||
                row.verdict == marginlab::verify::Verdict::deviation_fail;
    }
    files_failed += !report.ok();
  }
  fmt::print("verify-heads: {} files, {} checks: {} passed, {} failed\n", files.size(), checks, checks - failed, failed);
  return files_failed == 0 ? 0 : 1;
}

int run_list_heads() {
  for (const auto& [kind, description] : marginlab::heads::head_kinds()) {
    marginlab::heads::HeadSpec spec;
    spec.kind = kind;
    spec.embedding_dim = 4;
    spec.num_classes = 2;
    auto head = marginlab::heads::make_head(spec);
    fmt::print("{:<26} {}\n", kind, description);
    for (const auto& p : head->parameter_values()) {
      fmt::print("    {:<16} = {:<8g} {}{:g}, {:g}{}  {}\n", p.name, p.value, p.lo_open ? "(" : "[", p.lo, p.hi,
                 p.hi_open ? ")" : "]", p.help);
    }
  }
  return 0;
}

int run_bench_heads(marginlab::bench::HeadBenchConfig config, const std::string& csv_path) {
  std::ofstream csv;
  if (!csv_path.empty()) {
    csv.open(csv_path);
    if (!csv) throw marginlab::InvalidFile(csv_path + ": cannot write the CSV file");
    csv << "head,classes,batch,dim,median_ms,ratio_to_baseline\n";
  }
  fmt::print("bench heads: B = {}, D = {}, {} threads, median of {} forward+backward steps\n", config.batch,
             config.dim, at::get_num_threads(), config.iterations);
  fmt::print("{:<26} {:>8} {:>12} {:>10}\n", "head", "classes", "median ms", "vs base");
  marginlab::bench::bench_heads(config, [&](const marginlab::bench::HeadBenchRow& row) {
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

int main(int argc, char** argv) {
  CLI::App app{"MarginLab: train and study face-recognition margin losses (headless)"};
  app.set_version_flag("--version", "marginlab-cli 0.1.0");
  app.require_subcommand(1);
  int threads = 0;
  app.add_option("--threads", threads, "intra-op threads (default: all cores)");

  auto* verify = app.add_subcommand("verify-heads", "replay reference files of the authors' code through our heads");
  std::vector<std::string> files;
  verify->add_option("files", files, "reference JSON files")->required()->check(CLI::ExistingFile);

  auto* list = app.add_subcommand("heads", "list the margin heads and their hyperparameters");

  auto* bench = app.add_subcommand("bench", "benchmarks");
  bench->require_subcommand(1);
  auto* bench_heads = bench->add_subcommand("heads", "forward+backward time of every head vs a plain normalised linear");
  marginlab::bench::HeadBenchConfig config;
  std::string csv_path;
  bench_heads->add_option("--batch", config.batch, "batch size")->check(CLI::PositiveNumber);
  bench_heads->add_option("--dim", config.dim, "embedding dimension")->check(CLI::PositiveNumber);
  bench_heads->add_option("--classes", config.classes, "class counts")->delimiter(',')->check(CLI::PositiveNumber);
  bench_heads->add_option("--heads", config.heads, "heads to time (default: all)")->delimiter(',');
  bench_heads->add_option("--iterations", config.iterations, "timed steps per head")->check(CLI::PositiveNumber);
  bench_heads->add_option("--warmup", config.warmup, "untimed steps per head")->check(CLI::NonNegativeNumber);
  bench_heads->add_option("--csv", csv_path, "also write the table as CSV");

  CLI11_PARSE(app, argc, argv);
  try {
    marginlab::reuse_freed_memory();
    marginlab::configure_threads(threads);
    if (*verify) return run_verify_heads(files);
    if (*list) return run_list_heads();
    if (*bench_heads) return run_bench_heads(config, csv_path);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 2;
  }
  return 0;
}
