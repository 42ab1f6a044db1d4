#pragma once
// How marginlab-cli is put together: each file under app/cli registers its subcommands on the CLI11 tree and
// hands back what to run when the user picked one, so commands live beside their own option parsing.
#include <CLI/CLI.hpp>

#include <functional>
#include <vector>

namespace marginlab::cli {

struct Command {
  CLI::App* app;             // the parsed subcommand
  std::function<int()> run;  // its exit status
};
using Commands = std::vector<Command>;

// The command groups, one file each.
void add_experiment_commands(CLI::App& app, CLI::App& bench_group, Commands& commands);  // keys
void add_launch_commands(CLI::App& app, CLI::App& bench_group, Commands& commands);  // launch
void add_head_commands(CLI::App& app, CLI::App& bench_group, Commands& commands);  // verify-heads, heads, bench heads
void add_model_commands(CLI::App& app, CLI::App& bench_group, Commands& commands);  // model-info
void add_train_commands(CLI::App& app, CLI::App& bench_group, Commands& commands);  // train, bench train
void add_verify_commands(CLI::App& app, CLI::App& bench_group, Commands& commands);  // verify
void add_run_commands(CLI::App& app, CLI::App& bench_group, Commands& commands);     // tune, control
void add_import_commands(CLI::App& app, CLI::App& bench_group, Commands& commands);  // import
void add_benchmark_commands(CLI::App& app, CLI::App& bench_group, Commands& commands);  // ijb, tinyface, align
#ifdef MARGINLAB_WITH_OPENCV
void add_synth_commands(CLI::App& app, CLI::App& bench_group, Commands& commands);  // synth preview, bench synth
void add_rec_commands(CLI::App& app, CLI::App& bench_group, Commands& commands);  // rec pack, rec info, bench rec
void add_eval_commands(CLI::App& app, CLI::App& bench_group, Commands& commands);   // eval
void add_data_commands(CLI::App& app, CLI::App& bench_group, Commands& commands);   // data inspect
void add_export_commands(CLI::App& app, CLI::App& bench_group, Commands& commands);  // export, embed
void add_study_commands(CLI::App& app, CLI::App& bench_group, Commands& commands);   // study, study report
#endif

}  // namespace marginlab::cli
