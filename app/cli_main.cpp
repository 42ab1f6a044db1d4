// marginlab-cli: the headless side of MarginLab. The commands live in app/cli, a file per group.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "app/cli/command.h"
#include "core/version.h"
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
#ifdef MARGINLAB_WITH_OPENCV
  marginlab::cli::add_synth_commands(app, *bench, commands);
  marginlab::cli::add_rec_commands(app, *bench, commands);
  marginlab::cli::add_eval_commands(app, *bench, commands);
  marginlab::cli::add_data_commands(app, *bench, commands);
  marginlab::cli::add_export_commands(app, *bench, commands);
#endif
  marginlab::cli::add_model_commands(app, *bench, commands);
  marginlab::cli::add_train_commands(app, *bench, commands);
  marginlab::cli::add_verify_commands(app, *bench, commands);

  CLI11_PARSE(app, argc, argv);
  try {
    marginlab::reuse_freed_memory();
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
