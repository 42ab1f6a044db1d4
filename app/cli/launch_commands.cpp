// marginlab-cli launch: the processes of a one-node distributed run, without Python (torchrun works too).
#include <fmt/format.h>

#include <cstdio>
#include <memory>

#include "app/cli/command.h"
#include "engine/distributed/rank_processes.h"

namespace marginlab::cli {
namespace {

struct LaunchOptions {
  int nproc = 2;
  int master_port = 0;
  std::string master_addr = "127.0.0.1";
};

int run_launch(const LaunchOptions& options, std::vector<std::string> args) {
  if (args.empty()) {
    fmt::print(stderr, "launch: name the command the ranks run, e.g. launch --nproc 2 -- train --config run.json\n");
    return 2;
  }
  distributed::RankLaunch launch;
  launch.program = "/proc/self/exe";  // every rank runs this marginlab-cli
  launch.args = std::move(args);
  launch.nproc = options.nproc;
  launch.master_addr = options.master_addr;
  launch.master_port = options.master_port;
  const auto outcome = distributed::run_ranks(launch);
  if (outcome.ok()) {
    fmt::print(stderr, "launch: {} ranks finished\n", options.nproc);
    return 0;
  }
  fmt::print(stderr, "launch: {}\n", outcome.report());
  return 1;
}

}  // namespace

void add_launch_commands(CLI::App& app, CLI::App& bench_group, Commands& commands) {
  (void)bench_group;
  auto* launch = app.add_subcommand(
      "launch", "run a command as the N ranks of a distributed run on this machine (torchrun's variables)");
  auto options = std::make_shared<LaunchOptions>();
  launch->add_option("--nproc", options->nproc, "ranks to start")->check(CLI::Range(1, 1024));
  launch->add_option("--master-port", options->master_port, "the store's port (default: a free one)")
      ->check(CLI::Range(0, 65535));
  launch->add_option("--master-addr", options->master_addr, "the store's host: this machine");
  // Everything after the options (or after --) is the ranks' command line.
  launch->prefix_command();
  commands.push_back({launch, [options, launch] { return run_launch(*options, launch->remaining()); }});
}

}  // namespace marginlab::cli
