// marginlab-cli: the headless side of MarginLab. The commands live in app/cli, a file per group.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <string>
#include <vector>
#include <spdlog/spdlog.h>

#include "app/cli/command.h"
#include "core/version.h"
#include "engine/distributed/launch_env.h"
#include "engine/runtime/memory.h"
#include "engine/runtime/threads.h"

int main(int argc, char** argv) {
  CLI::App app{"MarginLab: train and study face-recognition margin losses (headless)"};
  app.set_version_flag("--version", std::string("marginlab-cli ") + marginlab::kVersion);
  app.require_subcommand(1);
  int threads = 0;
  app.add_option("--threads", threads, "intra-op threads (default: all cores)");
  auto* bench = app.add_subcommand("bench", "benchmarks");
  bench->require_subcommand(1);

  marginlab::cli::Commands commands;
  marginlab::cli::add_experiment_commands(app, *bench, commands);
  marginlab::cli::add_head_commands(app, *bench, commands);
  marginlab::cli::add_launch_commands(app, *bench, commands);
#ifdef MARGINLAB_WITH_OPENCV
  marginlab::cli::add_synth_commands(app, *bench, commands);
  marginlab::cli::add_rec_commands(app, *bench, commands);
  marginlab::cli::add_eval_commands(app, *bench, commands);
  marginlab::cli::add_data_commands(app, *bench, commands);
  marginlab::cli::add_export_commands(app, *bench, commands);
  marginlab::cli::add_study_commands(app, *bench, commands);
#endif
  marginlab::cli::add_model_commands(app, *bench, commands);
  marginlab::cli::add_train_commands(app, *bench, commands);
  marginlab::cli::add_verify_commands(app, *bench, commands);
  marginlab::cli::add_run_commands(app, *bench, commands);
  marginlab::cli::add_import_commands(app, *bench, commands);
  marginlab::cli::add_benchmark_commands(app, *bench, commands);

  // `launch --nproc 2 -- train ...`: CLI11 would hand what follows "--" back to the top level; launch takes
  // everything after its options as the ranks' command line anyway, so the separator is dropped here.
  std::vector<char*> args(argv, argv + argc);
  const auto launch = std::find_if(args.begin(), args.end(), [](const char* a) { return std::string(a) == "launch"; });
  if (launch != args.end()) {
    const auto separator =
        std::find_if(launch, args.end(), [](const char* a) { return std::string(a) == "--"; });
    if (separator != args.end()) args.erase(separator);
  }
  CLI11_PARSE(app, static_cast<int>(args.size()), args.data());
  try {
    marginlab::reuse_freed_memory();
    // Ranks started together on one machine share its cores.
    if (threads <= 0) threads = marginlab::distributed::threads_per_rank(marginlab::distributed::read_launch_env());
    marginlab::configure_threads(threads);
    for (const auto& command : commands) {
      if (*command.app) return command.run();
    }
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 2;
  }
  return 0;
}
