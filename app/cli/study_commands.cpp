// marginlab-cli study: a base experiment trained at many settings and seeds, as child `train` processes, with early
// stopping and resume; study report: the study as Markdown (docs/studies.md).
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>

#include "app/cli/command.h"
#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/study/study_plan.h"
#include "core/study/study_report.h"
#include "core/study/study_runner.h"

namespace marginlab::cli {
namespace {

namespace fs = std::filesystem;

std::atomic<bool> study_interrupted{false};
std::atomic<int> study_signals{0};

extern "C" void on_study_interrupt(int) {
  // The first Ctrl-C asks every run to stop with a checkpoint; a second one ends the study at once (the runs, in
  // process groups of their own, go on to their own clean stop).
  study_interrupted = true;
  if (study_signals.fetch_add(1) > 0) std::_Exit(130);
}

struct StudyOptions {
  std::string config;
  std::string resume;
  std::string out;
  bool dry_run = false;
};

fs::path default_study_folder(const std::string& name) {
  const std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
  return fs::path("studies") / (name + "-" + stamp);
}

// A study file, or the name of a built-in study (resources/studies: adaface-claims, ...).
fs::path resolve_study_file(const std::string& name) {
  if (fs::is_regular_file(name)) return name;
  const fs::path builtin = fs::path(MARGINLAB_STUDIES_DIR) / (name + ".json");
  if (fs::is_regular_file(builtin)) return builtin;
  throw InvalidFile(name + ": no such study file, nor a built-in study in " + std::string(MARGINLAB_STUDIES_DIR));
}

fs::path write_report(const study::StudyDirectory& study) {
  const auto results = study::read_study_results(study);
  const auto file = study.path() / "report.md";
  write_file_atomically(file, study::study_report_markdown(study, results, study::read_report_figures(study)));
  return file;
}

void print_plan(const study::StudyConfig& config, const study::StudyPlan& plan) {
  fmt::print("study {}: {} settings × {} seeds = {} runs, {} at a time; ranked by {}\n", config.name, plan.settings,
             config.seeds.size(), plan.runs.size(), config.parallel.runs, config.metric.describe());
  for (const auto& run : plan.runs) {
    fmt::print("  {}  {}, seed {}\n", run.id, study::describe_setting(config, run.values), run.seed);
  }
  std::fflush(stdout);
}

int run_study_command(const StudyOptions& options) {
  std::optional<study::StudyDirectory> study;
  if (!options.resume.empty()) {
    study.emplace(study::StudyDirectory::open(options.resume));
  } else {
    const auto config = study::read_study_file(resolve_study_file(options.config), MARGINLAB_PRESETS_DIR);
    // Every run's experiment is checked here, before anything is written or started.
    const auto plan = study::plan_study(config);
    print_plan(config, plan);
    if (options.dry_run) return 0;
    study.emplace(study::StudyDirectory::create(
        options.out.empty() ? default_study_folder(config.name) : fs::path(options.out), config, plan));
  }
  fmt::print("study directory: {}\n", study->path().string());
  std::fflush(stdout);

  study::RunnerOptions runner;
  runner.program = fs::read_symlink("/proc/self/exe").string();
  runner.say = [](const std::string& line) {
    fmt::print("{}\n", line);
    std::fflush(stdout);
  };
  study_interrupted = false;
  study_signals = 0;
  runner.interrupt = &study_interrupted;
  std::signal(SIGINT, on_study_interrupt);
  std::signal(SIGTERM, on_study_interrupt);
  const auto outcome = study::run_study(*study, runner);
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);

  const auto report = write_report(*study);
  fmt::print("{} finished, {} stopped early, {} failed, {} interrupted, {} not started; report: {}\n", outcome.finished,
             outcome.stopped, outcome.failed, outcome.interrupted, outcome.pending, report.string());
  if (!outcome.complete()) fmt::print("resume with: marginlab-cli study --resume {}\n", study->path().string());
  return outcome.failed > 0 ? 1 : (outcome.complete() ? 0 : 3);
}

}  // namespace

void add_study_commands(CLI::App& app, CLI::App& bench_group, Commands& commands) {
  (void)bench_group;
  auto* study_command = app.add_subcommand(
      "study", "train a base experiment at many settings and seeds, stop losing runs early, rank the settings");
  auto options = std::make_shared<StudyOptions>();
  auto* config = study_command->add_option("--config", options->config,
                                           "study file (JSON, docs/studies.md), or a built-in study: adaface-claims");
  auto* resume =
      study_command
          ->add_option("--resume", options->resume, "continue an interrupted study: finished runs stay finished")
          ->check(CLI::ExistingDirectory);
  auto* out = study_command->add_option("--out", options->out, "the new study's folder (default: studies/NAME-TIME)");
  auto* dry = study_command->add_flag("--dry-run", options->dry_run, "check the study and list its runs; run nothing");
  config->excludes(resume);
  out->excludes(resume);
  dry->excludes(resume);

  auto* report = study_command->add_subcommand("report", "write the study's report (Markdown) from its runs' files");
  auto report_dir = std::make_shared<std::string>();
  auto report_out = std::make_shared<std::string>();
  report->add_option("study", *report_dir, "the study directory")->required()->check(CLI::ExistingDirectory);
  report->add_option("--out", *report_out, "the Markdown file (default: STUDY/report.md)");
  commands.push_back({report, [report_dir, report_out] {
                        const auto study = study::StudyDirectory::open(*report_dir);
                        const auto markdown = study::study_report_markdown(study, study::read_study_results(study),
                                                                           study::read_report_figures(study));
                        const fs::path file = report_out->empty() ? study.path() / "report.md" : fs::path(*report_out);
                        write_file_atomically(file, markdown);
                        fmt::print("{}\n", file.string());
                        return 0;
                      }});
  // `study report` is listed first: its parent `study` counts as parsed too.
  commands.push_back({study_command, [options] {
                        if (options->config.empty() && options->resume.empty()) {
                          throw InvalidParameter("study: give --config FILE, or --resume STUDY_DIR");
                        }
                        return run_study_command(*options);
                      }});
}

}  // namespace marginlab::cli
