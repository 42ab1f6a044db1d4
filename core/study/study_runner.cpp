#include "core/study/study_runner.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <thread>

#include "core/errors.h"
#include "core/run/run_follower.h"
#include "core/run/run_requests.h"
#include "core/run/run_status.h"
#include "core/study/early_stopping.h"
#include "core/study/study_results.h"

namespace marginlab::study {
namespace {

namespace fs = std::filesystem;

struct Active {
  const PlannedRun* run = nullptr;
  pid_t pid = -1;
  std::unique_ptr<train::RunFollower> follower;
  bool stop_asked = false;
};

// A run directory that cannot be continued (no checkpoint) is moved aside, never deleted: its files may still say why
// it failed.
void set_aside(const fs::path& directory) {
  const auto aside = directory.parent_path() / ".abandoned";
  std::error_code error;
  fs::create_directories(aside, error);
  for (int n = 1;; ++n) {
    const auto target = aside / fmt::format("{}-{}", directory.filename().string(), n);
    if (fs::exists(target)) continue;
    fs::rename(directory, target, error);
    if (error) throw InvalidFile(directory.string() + ": cannot move the unfinished run aside: " + error.message());
    return;
  }
}

pid_t spawn(const std::string& program, const std::vector<std::string>& args, const fs::path& console) {
  const int out = ::open(console.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (out < 0) throw InvalidFile(console.string() + ": cannot write: " + std::strerror(errno));
  std::vector<std::string> argv_text{program};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) {
    ::close(out);
    throw std::runtime_error(std::string("study: fork failed: ") + std::strerror(errno));
  }
  if (pid == 0) {
    // A process group of its own: a Ctrl-C at the terminal reaches the study, which asks each run once to stop.
    setpgid(0, 0);
    dup2(out, STDOUT_FILENO);
    dup2(out, STDERR_FILENO);
    execv(argv[0], argv.data());
    std::fprintf(stderr, "study: cannot run %s: %s\n", argv[0], std::strerror(errno));
    _exit(127);
  }
  ::close(out);
  return pid;
}

int threads_per_run(const Parallel& parallel) {
  if (parallel.threads_per_run > 0) return parallel.threads_per_run;
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(1, cores / std::max(1, parallel.runs));
}

}  // namespace

RunnerOutcome run_study(const StudyDirectory& study, const RunnerOptions& options) {
  const auto& config = study.config();
  const auto say = [&](const std::string& line) {
    if (options.say) options.say(line);
  };
  // The study's own status.json (run_status.h's format): who runs it, so that a second process refuses to run it
  // at the same time and the workbench can ask it to stop.
  if (const auto current = train::read_run_status(study.path());
      current && current->state == train::RunState::running && current->host == train::this_process().host &&
      !train::process_gone(current->pid)) {
    throw InvalidFile(
        fmt::format("{}: process {} runs this study now; stop it first", study.path().string(), current->pid));
  }
  // Its "steps" are the runs: done of planned.
  auto study_status = train::status_of_this_process(train::RunState::running);
  study_status.activity = "running the study";
  study_status.total_steps = static_cast<std::int64_t>(study.plan().runs.size());
  train::write_run_status(study.path(), study_status);
  const auto initial = read_study_results(study);

  // The rule's record: every run's metric at each of its steps, and which (run, step) were judged.
  const std::set<std::int64_t> rungs(config.early_stopping.at_steps.begin(), config.early_stopping.at_steps.end());
  std::map<std::int64_t, std::map<std::string, double>> at_rung;
  std::set<std::pair<std::string, std::int64_t>> judged;
  for (const auto& d : study.decisions()) judged.insert({d.run, d.step});
  for (const auto& r : initial.runs) {
    for (const auto& [step, value] : r.metric_by_step) {
      if (rungs.count(step)) at_rung[step][r.id] = value;
    }
  }

  std::deque<const PlannedRun*> queue;
  RunnerOutcome outcome;
  for (std::size_t i = 0; i < initial.runs.size(); ++i) {
    const auto& r = initial.runs[i];
    switch (r.outcome) {
      case RunOutcome::finished:
        ++outcome.finished;
        break;
      case RunOutcome::stopped:
        ++outcome.stopped;
        break;
      case RunOutcome::running:
        throw InvalidFile(study.run_directory(r.id).string() +
                          ": is running now (another study process?); stop it first");
      default:
        queue.push_back(&study.plan().runs[i]);
    }
  }
  if (outcome.finished + outcome.stopped > 0) {
    say(fmt::format("resuming: {} runs finished and {} stopped early stay as they are; {} to run", outcome.finished,
                    outcome.stopped, queue.size()));
  }

  const int threads = threads_per_run(config.parallel);
  std::vector<Active> active;
  bool interrupting = false;
  const auto start = [&](const PlannedRun& run) {
    const auto directory = study.run_directory(run.id);
    std::vector<std::string> args;
    if (fs::is_regular_file(directory / "checkpoints" / "latest.pt")) {
      args = {"train", "--resume", directory.string(), "--quiet"};
      say(fmt::format("[{}] resumes from its checkpoint", run.id));
    } else {
      if (fs::exists(directory)) set_aside(directory);
      fs::create_directories(directory);
      args = {"train",   "--config", study.experiment_file(run.id).string(),  "--into", directory.string(),
              "--quiet", "--set",    fmt::format("train.threads={}", threads)};
      say(fmt::format("[{}] starts: {}, seed {}", run.id, describe_setting(config, run.values), run.seed));
    }
    Active a;
    a.run = &run;
    a.pid = spawn(options.program, args, directory / "console.txt");
    a.follower = std::make_unique<train::RunFollower>(directory);
    active.push_back(std::move(a));
  };

  // Judges each new evaluation at a rule step.
  const auto judge = [&](Active& a, const train::Evaluation& e) {
    if (e.set != config.metric.set || !rungs.count(e.step)) return;
    const std::string& id = a.run->id;
    const double value = metric_value(config.metric, e);
    auto& here = at_rung[e.step];
    here[id] = value;
    if (judged.count({id, e.step}) || a.stop_asked) return;
    std::vector<double> others;
    for (const auto& [other, v] : here) {
      if (other != id) others.push_back(v);
    }
    const auto verdict = decide(config.early_stopping, config.metric.higher_is_better(), e.step, value, others);
    Decision d;
    d.run = id;
    d.step = e.step;
    d.stop = verdict.stop;
    d.value = value;
    d.threshold = verdict.threshold;
    d.compared = verdict.compared;
    d.reason = verdict.reason;
    study.record(d);
    judged.insert({id, e.step});
    say(fmt::format("[{}] {}", id, verdict.reason));
    if (verdict.stop) {
      train::RunRequest request;
      request.action = train::RequestAction::stop;
      train::write_request(study.run_directory(id), request);
      a.stop_asked = true;
    }
  };

  while (true) {
    if (options.interrupt && options.interrupt->load() && !interrupting) {
      interrupting = true;
      say(
          fmt::format("interrupted: asking {} running runs to stop (each writes a checkpoint); resume with "
                      "`marginlab-cli study --resume {}`",
                      active.size(), study.path().string()));
      for (const auto& a : active) ::kill(a.pid, SIGINT);
    }
    while (!interrupting && static_cast<int>(active.size()) < config.parallel.runs && !queue.empty()) {
      start(*queue.front());
      queue.pop_front();
    }
    if (active.empty()) break;
    for (auto it = active.begin(); it != active.end();) {
      for (const auto& e : it->follower->poll().evaluations) judge(*it, e);
      int wait_status = 0;
      if (::waitpid(it->pid, &wait_status, WNOHANG) != it->pid) {
        ++it;
        continue;
      }
      for (const auto& e : it->follower->poll().evaluations) judge(*it, e);  // its last words
      const auto status = train::read_run_status(study.run_directory(it->run->id));
      const bool exited_ok = WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0;
      std::string line;
      if (status && status->state == train::RunState::finished && exited_ok) {
        ++outcome.finished;
        line = fmt::format("finished at step {}", status->step);
        // A rule step the run never reached judged nothing: say so, the study's design may need other steps.
        std::string unreached;
        for (const auto step : rungs) {
          if (step > status->step) unreached += (unreached.empty() ? "" : ", ") + std::to_string(step);
        }
        if (!unreached.empty())
          line += fmt::format(", before the early-stopping step(s) {}: not judged there", unreached);
      } else if (status && status->state == train::RunState::stopped && it->stop_asked) {
        ++outcome.stopped;
        line = fmt::format("stopped early at step {}", status->step);
      } else if (status && status->state == train::RunState::stopped && interrupting) {
        ++outcome.interrupted;
        line = fmt::format("interrupted at step {} (checkpoint written)", status->step);
      } else {
        ++outcome.failed;
        line = fmt::format("failed ({}): see {}",
                           status && !status->message.empty() ? status->message
                           : WIFSIGNALED(wait_status)         ? fmt::format("signal {}", WTERMSIG(wait_status))
                                                              : fmt::format("exit code {}", WEXITSTATUS(wait_status)),
                           (study.run_directory(it->run->id) / "console.txt").string());
      }
      say(fmt::format("[{}] {}", it->run->id, line));
      study_status.step = outcome.finished + outcome.stopped;
      train::write_run_status(study.path(), study_status);
      it = active.erase(it);
    }
    if (!active.empty()) std::this_thread::sleep_for(options.poll);
  }
  outcome.pending = static_cast<int>(queue.size());
  study_status.state = outcome.complete()   ? train::RunState::finished
                       : outcome.failed > 0 ? train::RunState::failed
                                            : train::RunState::stopped;
  study_status.step = outcome.finished + outcome.stopped;
  study_status.activity.clear();
  study_status.message =
      fmt::format("{} finished, {} stopped early, {} failed, {} interrupted, {} not started", outcome.finished,
                  outcome.stopped, outcome.failed, outcome.interrupted, outcome.pending);
  train::write_run_status(study.path(), study_status);
  return outcome;
}

}  // namespace marginlab::study
