// marginlab-cli train, bench train: training from the command line and its throughput.
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <thread>

#include <unistd.h>

#include "app/cli/command.h"
#include "app/cli/evaluation_report.h"
#include "devtools/bench/bench_train.h"
#include "core/errors.h"
#include "core/experiment/experiment.h"
#include "engine/distributed/communicator.h"
#include "engine/distributed/launch_env.h"
#include "engine/distributed/rank_processes.h"
#include "engine/train/session.h"
#ifdef MARGINLAB_WITH_OPENCV
#include "engine/train/background_run.h"
#endif

namespace marginlab::cli {
namespace {

namespace fs = std::filesystem;

#ifdef MARGINLAB_WITH_OPENCV

std::atomic<int> interrupts{0};

extern "C" void on_interrupt(int) {
  // The first Ctrl-C asks for a clean stop (the poll loop forwards it); a second one ends the program at once.
  if (interrupts.fetch_add(1) > 0) std::_Exit(130);
}

// A preset name ("synthface-demo") or a path.
fs::path resolve_config(const std::string& name) {
  if (fs::exists(name)) return name;
  const fs::path preset = fs::path(MARGINLAB_PRESETS_DIR) / (name + ".json");
  if (fs::exists(preset)) return preset;
  throw InvalidFile(name + ": no such experiment file, nor a preset in " + std::string(MARGINLAB_PRESETS_DIR));
}

std::string clock_text(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--";
  const auto s = static_cast<long>(seconds + 0.5);
  return s >= 3600 ? fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60) : fmt::format("{:02}:{:02}", s / 60, s % 60);
}

// On a terminal one line redrawn in place; in a log (not a TTY) a plain line every kLogInterval.
class ProgressLine {
 public:
  ProgressLine(std::int64_t start, std::int64_t total)
      : start_(start), total_(total), terminal_(::isatty(STDERR_FILENO) != 0) {}

  void update(const train::StepRecord& r) {
    last_ = r;
    // Steps/s since the run (re)started: steadier than the last step's.
    if (r.wall_seconds > 0 && r.step > start_) {
      rate_steps_ = static_cast<double>(r.step - start_) / r.wall_seconds;
    }
  }

  // Clears the redrawn line before other output.
  void clear() {
    if (terminal_ && drawn_step_ > 0) {
      std::fputs("\r\033[K", stderr);
      drawn_step_ = 0;  // redraw at the next draw()
    }
  }

  void draw(bool final_line) {
    if (last_.step == 0) return;
    const auto now = std::chrono::steady_clock::now();
    if (!final_line) {
      if (last_.step == drawn_step_) return;
      if (!terminal_ && now - last_log_ < kLogInterval) return;
    }
    drawn_step_ = last_.step;
    last_log_ = now;
    const double done = static_cast<double>(last_.step) / static_cast<double>(total_);
    constexpr int kWidth = 24;
    const int filled = static_cast<int>(done * kWidth);
    const double eta = rate_steps_ > 0 ? static_cast<double>(total_ - last_.step) / rate_steps_ : NAN;
    std::fprintf(stderr, "%s[%s%s] %3.0f%% step %lld/%lld epoch %lld loss %.4f acc %.3f lr %.3g %5.0f img/s ETA %s%s",
                 terminal_ ? "\r\033[K" : "", std::string(filled, '#').c_str(),
                 std::string(kWidth - filled, '.').c_str(), 100 * done, static_cast<long long>(last_.step),
                 static_cast<long long>(total_), static_cast<long long>(last_.epoch + 1), last_.loss, last_.accuracy,
                 last_.lr, last_.samples_per_second, clock_text(eta).c_str(), terminal_ && !final_line ? "" : "\n");
    std::fflush(stderr);
  }

 private:
  static constexpr std::chrono::seconds kLogInterval{10};
  std::int64_t start_, total_;
  bool terminal_;
  train::StepRecord last_;
  double rate_steps_ = 0;
  std::int64_t drawn_step_ = 0;
  std::chrono::steady_clock::time_point last_log_{};
};

struct TrainOptions {
  std::string config;
  std::vector<std::string> overrides;
  std::string resume;
  std::string into;
  bool quiet = false;
};

// The group of a run that torchrun, SLURM or `marginlab-cli launch` started (one process otherwise): NCCL when
// the run trains on CUDA, Gloo on the CPU.
std::shared_ptr<distributed::Communicator> join_group(const distributed::LaunchEnv& env,
                                                      const train::Experiment& experiment) {
  if (!env.distributed()) return nullptr;
  distributed::GroupOptions options;
  options.backend = train::resolve_device(experiment.train.device).is_cuda() ? distributed::Backend::nccl
                                                                            : distributed::Backend::gloo;
  return distributed::connect(env, options);
}

// The experiment the options describe: a preset or file with its --set overrides, or the resumed run's own with them.
train::Experiment resolve_experiment(const TrainOptions& options) {
  const auto file = options.resume.empty() ? resolve_config(options.config) : fs::path(options.resume) / "experiment.json";
  auto document = train::read_experiment_document(file.string());
  for (const auto& o : options.overrides) train::apply_override(document, o);
  return train::experiment_from_json(document, file.string() + (options.overrides.empty() ? "" : " with --set"));
}

// The trainer the options ask for, built on the run's thread: experiment errors surface there and end the run.
train::BackgroundRun::TrainerFactory trainer_factory(const TrainOptions& options, const distributed::LaunchEnv& env,
                                                     const train::Experiment& experiment) {
  if (!options.resume.empty()) {
    const bool changed = !options.overrides.empty();
    return [directory = fs::path(options.resume), experiment, changed, env] {
      auto comm = join_group(env, experiment);
      return std::make_unique<train::Trainer>(directory, changed ? &experiment : nullptr, comm);
    };
  }
  return [experiment, env, into = fs::path(options.into)] {
    auto comm = join_group(env, experiment);
    return std::make_unique<train::Trainer>(experiment, comm, into);
  };
}

// train.processes > 1 and no launcher around: this command again as that many ranks, as `launch --nproc` runs them.
int train_as_ranks(const TrainOptions& options, int processes) {
  distributed::RankLaunch launch;
  launch.program = "/proc/self/exe";
  launch.args = {"train"};
  if (options.resume.empty()) {
    launch.args.insert(launch.args.end(), {"--config", resolve_config(options.config).string()});
  } else {
    launch.args.insert(launch.args.end(), {"--resume", options.resume});
  }
  for (const auto& o : options.overrides) launch.args.insert(launch.args.end(), {"--set", o});
  if (!options.into.empty()) launch.args.insert(launch.args.end(), {"--into", options.into});
  if (options.quiet) launch.args.push_back("--quiet");
  launch.nproc = processes;
  const auto outcome = distributed::run_ranks(launch);
  if (outcome.ok()) return 0;
  fmt::print(stderr, "train: {}\n", outcome.report());
  return 1;
}

int run_train(TrainOptions options) {
  const auto env = distributed::read_launch_env();
  const auto experiment = resolve_experiment(options);
  // The launcher forwards a Ctrl-C to its ranks itself.
  if (!env.distributed() && experiment.train.processes > 1) return train_as_ranks(options, experiment.train.processes);
  interrupts = 0;
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  // Rank 0 speaks for the run; the others report only what goes wrong on them.
  if (env.rank != 0) options.quiet = true;
  train::BackgroundRun run(trainer_factory(options, env, experiment));
  std::optional<ProgressLine> progress;
  bool stop_forwarded = false;
  std::optional<train::BackgroundRun::Ended> end;
  while (!end) {
    if (interrupts > 0 && !stop_forwarded) {
      std::fprintf(stderr, "\nstopping at the next step boundary (a checkpoint follows; Ctrl-C again to abort)\n");
      run.stop();
      stop_forwarded = true;
    }
    auto report = run.poll();
    if (report.started && env.rank == 0) {
      const auto& s = *report.started;
      fmt::print("run directory: {}\n", s.run_directory);
      fmt::print("{}: {} on {}, {} threads{}; {} steps{}\n", s.experiment_name, s.head_kind, s.device,
                 at::get_num_threads(),
                 env.distributed() ? fmt::format(" per rank, {} ranks ({})", env.world_size, env.source) : "",
                 s.total_steps, s.start_step > 0 ? fmt::format(" (resuming at step {})", s.start_step) : "");
      std::fflush(stdout);
      progress.emplace(s.start_step, s.total_steps);
    }
    for (const auto& record : report.steps) {
      if (progress) progress->update(record);
    }
    for (const auto& event : report.events) {
      const bool notable = event.kind != train::RunEvent::Kind::checkpoint && event.kind != train::RunEvent::Kind::info &&
                           event.kind != train::RunEvent::Kind::evaluation;
      if (notable || !options.quiet) {
        if (progress) progress->clear();
        fmt::print("[step {}] {}\n", event.step, event.text);
        std::fflush(stdout);
      }
    }
    // Evaluations are printed from the summary.
    if (progress && !options.quiet) progress->draw(false);
    end = std::move(report.ended);
    if (!end) std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (end->failed) throw std::runtime_error(end->error);
  if (progress && !options.quiet) progress->draw(true);

  const auto& summary = end->summary;
  if (env.rank != 0) return 0;
  fmt::print("{} at step {} of {}; {} steps skipped; last loss {:.4f}\n", summary.stopped ? "stopped" : "finished",
             summary.steps, summary.total_steps, summary.skipped_steps, summary.last_loss);
  for (const auto& evaluation : summary.evaluations) print_set_evaluation(evaluation, evaluation.step);
  fmt::print("resume or inspect: {}\n", summary.run_directory.string());
  return 0;
}

#endif  // MARGINLAB_WITH_OPENCV

void print_bench_train(const bench::TrainBenchConfig& config, const bench::TrainBenchResult& r) {
  fmt::print("bench train: {} {}×{}, batch {}, head {} ({} classes), {}, {}, {} threads on {}\n", config.backbone,
             config.input_size, config.input_size, config.batch, config.head, config.classes,
             train::to_string(config.precision), config.channels_last ? "channels-last" : "NCHW", r.threads, r.device);
  fmt::print("  GEMM peak ({}×{} {}):         {:8.1f} GFLOP/s\n", r.gemm_size, r.gemm_size,
             train::to_string(config.precision), r.gemm_peak_flops / 1e9);
  fmt::print("  3×3 convolution peak:            {:8.1f} GFLOP/s\n", r.conv_peak_flops / 1e9);
  fmt::print("  step (median of {}):             {:8.1f} ms\n", config.iterations, r.step_ms);
  fmt::print("  throughput:                      {:8.1f} samples/s\n", r.samples_per_second);
  fmt::print("  model FLOPs per sample (fwd+bwd): {:7.2f} GFLOP\n", r.flops_per_sample / 1e9);
  fmt::print("  achieved:                        {:8.1f} GFLOP/s = {:.1f}% of the measured peak (the faster of the two)\n",
             r.achieved_flops / 1e9, 100 * r.peak_fraction);
  fmt::print("  step with telemetry:             {:8.1f} ms ({:+.1f}%)\n", r.step_with_telemetry_ms,
             100 * r.telemetry_overhead);
  if (r.operators.empty()) return;
  fmt::print("profile: {} steps of {:.1f} ms under the operator profiler; each operator's own time per step\n",
             config.profile_steps, r.profiled_step_ms);
  fmt::print("  {:>8}  {:>6}  {:>6}  {}\n", "ms/step", "share", "calls", "operator");
  double listed = 0;
  for (std::size_t i = 0; i < r.operators.size() && i < 25; ++i) {
    const auto& op = r.operators[i];
    listed += op.self_ms_per_step;
    fmt::print("  {:8.2f}  {:5.1f}%  {:6.0f}  {}\n", op.self_ms_per_step,
               100 * op.self_ms_per_step / r.profiled_step_ms, op.calls_per_step, op.name);
  }
  double all = 0;
  for (const auto& op : r.operators) all += op.self_ms_per_step;
  fmt::print("  {:8.2f}  {:5.1f}%          the {} other operators\n", all - listed,
             100 * (all - listed) / r.profiled_step_ms,
             r.operators.size() - std::min<std::size_t>(25, r.operators.size()));
  fmt::print("  {:8.2f}  {:5.1f}%          outside any operator (the autograd engine, the trainer)\n",
             r.profiled_step_ms - all, 100 * (r.profiled_step_ms - all) / r.profiled_step_ms);
}

// What rank 0 of a distributed benchmark reports to the launching process, on one line of its output.
constexpr const char* kBenchResultTag = "bench-train-result ";

nlohmann::json to_json(const bench::TrainBenchResult& r) {
  return {{"device", r.device},
          {"threads", r.threads},
          {"world_size", r.world_size},
          {"step_ms", r.step_ms},
          {"compute_ms", r.compute_ms},
          {"gradient_allreduce_ms", r.gradient_allreduce_ms},
          {"collectives_ms", r.collectives_ms},
          {"samples_per_second", r.samples_per_second},
          {"classes_per_rank", r.classes_per_rank},
          {"classifier_bytes_per_rank", r.classifier_bytes_per_rank}};
}

// The command line that runs this benchmark as the ranks of a launch.
std::vector<std::string> bench_train_args(const bench::TrainBenchConfig& c, const std::string& precision,
                                          const std::string& device) {
  std::vector<std::string> args{"bench", "train", "--backbone", c.backbone, "--input-size", std::to_string(c.input_size),
                                "--batch", std::to_string(c.batch), "--embedding-dim", std::to_string(c.embedding_dim),
                                "--head", c.head, "--classes", std::to_string(c.classes),
                                "--iterations", std::to_string(c.iterations), "--warmup", std::to_string(c.warmup),
                                "--report-every", std::to_string(c.report_every), "--precision", precision,
                                "--device", device};
  if (!c.channels_last) args.push_back("--nchw");
  return args;
}

// One process, or each world size of `worlds` through the launcher (this program as every rank): a table of the step
// split into compute, the backbone's gradient allreduce and the head's collectives, and the classifier per rank.
int run_bench_train(bench::TrainBenchConfig config, const std::vector<int>& worlds, const std::string& precision,
                    const std::string& device) {
  const auto env = distributed::read_launch_env();
  if (env.distributed()) {
    // A rank of the benchmark: threads shared among the ranks, Gloo or NCCL as training would use.
    at::set_num_threads(distributed::threads_per_rank(env));
    distributed::GroupOptions options;
    options.backend = train::resolve_device(config.device).is_cuda() ? distributed::Backend::nccl
                                                                    : distributed::Backend::gloo;
    config.comm = distributed::connect(env, options);
    const auto r = bench::bench_train(config);
    if (env.rank == 0) fmt::print("{}{}\n", kBenchResultTag, to_json(r).dump());
    return 0;
  }
  if (worlds.empty() || (worlds.size() == 1 && worlds[0] == 1)) {
    print_bench_train(config, bench::bench_train(config));
    return 0;
  }
  fmt::print("bench train --world-size: {} {}×{}, global batch {}, head {} ({} classes), {}, median of {} steps\n",
             config.backbone, config.input_size, config.input_size, config.batch, config.head, config.classes,
             precision, config.iterations);
  fmt::print("{:>3} {:>9} {:>14} {:>9} {:>9} {:>13} {:>12} {:>10}\n", "W", "classes/r", "classifier/r", "step ms",
             "compute", "grad allred.", "head coll.", "samples/s");
  for (const int world : worlds) {
    nlohmann::json r;
    if (world == 1) {
      r = to_json(bench::bench_train(config));
    } else {
      distributed::RankLaunch launch;
      launch.program = "/proc/self/exe";
      launch.args = bench_train_args(config, precision, device);
      launch.nproc = world;
      launch.on_line = [&r](int rank, const std::string& line) {
        if (rank == 0 && line.rfind(kBenchResultTag, 0) == 0) {
          r = nlohmann::json::parse(line.substr(std::string(kBenchResultTag).size()));
        } else {
          fmt::print(stderr, "[rank {}] {}\n", rank, line);
        }
      };
      const auto outcome = distributed::run_ranks(launch);
      if (!outcome.ok() || r.is_null()) {
        fmt::print(stderr, "bench train at W = {}: {}\n", world, outcome.report());
        return 1;
      }
    }
    const double step = r["step_ms"], gradients = r["gradient_allreduce_ms"], collectives = r["collectives_ms"];
    fmt::print("{:>3} {:>9} {:>11.1f} MiB {:>9.1f} {:>9.1f} {:>13.1f} {:>12.1f} {:>10.1f}\n", world,
               r["classes_per_rank"].get<std::int64_t>(), r["classifier_bytes_per_rank"].get<double>() / (1 << 20), step,
               r["compute_ms"].get<double>(), gradients, collectives - gradients, r["samples_per_second"].get<double>());
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace

void add_train_commands(CLI::App& app, CLI::App& bench_group, Commands& commands) {
#ifdef MARGINLAB_WITH_OPENCV
  auto* train_command = app.add_subcommand("train", "train a model from an experiment file or preset");
  auto options = std::make_shared<TrainOptions>();
  auto* config = train_command->add_option("--config", options->config,
                                           "experiment JSON file, or a preset name (e.g. synthface-demo)");
  train_command->add_option("--set", options->overrides, "override a key, e.g. --set optimizer.lr=0.05 (`marginlab-cli keys` lists them)")
      ->allow_extra_args(false);
  auto* resume = train_command->add_option("--resume", options->resume, "continue the run in this run directory")
                     ->check(CLI::ExistingDirectory);
  auto* into = train_command->add_option(
      "--into", options->into,
      "train in this existing, empty directory instead of a new one under runs_dir (the workbench makes it, to "
      "follow the run from its first moment)");
  into->excludes(resume);
  config->excludes(resume);
  train_command->add_flag("--quiet", options->quiet, "no progress line and no routine events");
  commands.push_back({train_command, [options] {
                        if (options->config.empty() && options->resume.empty()) {
                          throw InvalidParameter("train: give --config FILE|PRESET or --resume RUN_DIR");
                        }
                        return run_train(*options);
                      }});
#else
  (void)app;
#endif

  auto* bench_train = bench_group.add_subcommand("train", "training throughput and its fraction of the measured GEMM / convolution peak");
  auto config_bench = std::make_shared<bench::TrainBenchConfig>();
  bench_train->add_option("--backbone", config_bench->backbone, "backbone kind");
  bench_train->add_option("--input-size", config_bench->input_size, "input side")->check(CLI::PositiveNumber);
  bench_train->add_option("--batch", config_bench->batch, "batch size")->check(CLI::PositiveNumber);
  bench_train->add_option("--embedding-dim", config_bench->embedding_dim, "embedding size")->check(CLI::PositiveNumber);
  bench_train->add_option("--head", config_bench->head, "margin head");
  bench_train->add_option("--classes", config_bench->classes, "classes")->check(CLI::PositiveNumber);
  bench_train->add_option("--iterations", config_bench->iterations, "timed steps")->check(CLI::PositiveNumber);
  bench_train->add_option("--warmup", config_bench->warmup, "untimed steps")->check(CLI::NonNegativeNumber);
  bench_train->add_option("--report-every", config_bench->report_every, "snapshot interval for the telemetry cost")
      ->check(CLI::PositiveNumber);
  bench_train
      ->add_option("--profile", config_bench->profile_steps,
                   "after the timed steps, this many under LibTorch's operator profiler: each operator's time")
      ->check(CLI::NonNegativeNumber);
  bench_train->add_option("--profile-trace", config_bench->profile_trace,
                          "write the profiled steps as a Chrome trace (chrome://tracing, ui.perfetto.dev)");
  auto nchw = std::make_shared<bool>(false);
  bench_train->add_flag("--nchw", *nchw, "plain NCHW memory format instead of channels-last");
  auto precision = std::make_shared<std::string>("fp32");
  bench_train->add_option("--precision", *precision, "fp32, fp16 or bf16 (CUDA)")
      ->check(CLI::IsMember({"fp32", "fp16", "bf16"}));
  auto device = std::make_shared<std::string>("auto");
  bench_train->add_option("--device", *device, "auto, cpu or cuda")->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  auto worlds = std::make_shared<std::vector<int>>();
  bench_train->add_option("--world-size", *worlds,
                          "run as W ranks through the launcher (several: 1,2,4), --batch being the global batch")
      ->delimiter(',')
      ->check(CLI::Range(1, 1024));
  commands.push_back({bench_train, [config_bench, nchw, precision, device, worlds] {
                        config_bench->channels_last = !*nchw;
                        config_bench->precision = *precision == "fp16"   ? train::Precision::fp16
                                                  : *precision == "bf16" ? train::Precision::bf16
                                                                         : train::Precision::fp32;
                        config_bench->device = train::device_choice_from_string(*device, "--device");
                        return run_bench_train(*config_bench, *worlds, *precision, *device);
                      }});
}

}  // namespace marginlab::cli
