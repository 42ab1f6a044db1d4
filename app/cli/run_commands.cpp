// marginlab-cli tune, control: steering a run through its directory, from any shell that sees it (the run's own
// machine, or another over NFS or sshfs). Each writes one request (core/run/run_requests.h) and waits, bounded, for
// the run's answer in its events.
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "app/cli/command.h"
#include "core/errors.h"
#include "core/run/run_requests.h"
#include "core/run/run_status.h"

namespace marginlab::cli {
namespace {

namespace fs = std::filesystem;

// A run that has ended cannot answer: say so at once rather than after the timeout. A stalled one may come back.
void check_run_answers(const fs::path& run) {
  if (!fs::is_regular_file(run / "experiment.json")) throw InvalidFile(run.string() + ": not a run directory");
  const auto status = train::read_run_status(run);
  if (!status) {
    throw InvalidFile(run.string() +
                      ": has no status.json, so nothing reads its requests (not started yet, or a "
                      "run from before 0.4)");
  }
  const auto judgement = train::judge_liveness(status, train::unix_now(), 60.0);
  if (judgement.liveness == train::Liveness::ended || judgement.liveness == train::Liveness::vanished) {
    throw InvalidFile(
        fmt::format("{}: the run is not running ({} at step {}{}); resume it with marginlab-cli train "
                    "--resume {}",
                    run.string(), judgement.text, status->step, status->message.empty() ? "" : ": " + status->message,
                    run.string()));
  }
  if (judgement.liveness == train::Liveness::stalled) fmt::print(stderr, "warning: {}\n", judgement.text);
}

int send(const fs::path& run, train::RunRequest request, std::size_t parts, double timeout_seconds) {
  check_run_answers(run);
  const auto version = train::write_request(run, request);
  fmt::print("request {} ({}) written; waiting for the run's answer (at most {:g} s)\n", version,
             train::to_string(request.action), timeout_seconds);
  const auto answer = train::await_answer(run, version, parts,
                                          std::chrono::milliseconds(static_cast<std::int64_t>(timeout_seconds * 1000)));
  for (const auto& line : answer.lines) fmt::print("{}\n", line);
  if (!answer.complete) {
    const auto status = train::read_run_status(run);
    fmt::print(stderr, "no {}answer within {:g} s; the run reads requests at step boundaries ({})\n",
               answer.lines.empty() ? "" : "complete ", timeout_seconds,
               status ? train::judge_liveness(status, train::unix_now(), 60.0).text : "no status");
    return 3;
  }
  return answer.obeyed ? 0 : 1;
}

// "head.params.m=0.3" → ("head.params.m", 0.3), with the key checked to be a live parameter's.
std::pair<std::string, double> parse_assignment(const std::string& assignment) {
  const auto equals = assignment.find('=');
  const std::string key = assignment.substr(0, equals);
  if (equals == std::string::npos || train::live_parameter_name(key).empty()) {
    throw InvalidParameter("--set " + assignment +
                           ": expected KEY=VALUE with KEY a live parameter, head.params.<name> or optimizer.lr");
  }
  const std::string text = assignment.substr(equals + 1);
  try {
    std::size_t used = 0;
    const double value = std::stod(text, &used);
    if (used == text.size() && std::isfinite(value)) return {key, value};
  } catch (const std::exception&) {
  }
  throw InvalidParameter("--set " + assignment + ": \"" + text + "\" is not a number");
}

}  // namespace

void add_run_commands(CLI::App& app, CLI::App& /*bench_group*/, Commands& commands) {
  struct Options {
    std::string run;
    std::vector<std::string> assignments;
    std::string action;
    double timeout = 30;
  };
  auto options = std::make_shared<Options>();

  auto* tune = app.add_subcommand(
      "tune", "change live parameters of a running run through its directory and wait for its answer");
  tune->add_option("run", options->run, "the run directory")->required()->check(CLI::ExistingDirectory);
  tune->add_option("--set", options->assignments, "KEY=VALUE, e.g. --set head.params.m=0.3 --set optimizer.lr=0.01")
      ->required();
  tune->add_option("--timeout", options->timeout, "seconds to wait for the run's answer")->check(CLI::PositiveNumber);
  commands.push_back({tune, [options] {
                        train::RunRequest request;
                        request.action = train::RequestAction::set;
                        for (const auto& assignment : options->assignments) {
                          const auto [key, value] = parse_assignment(assignment);
                          request.params[key] = value;
                        }
                        const auto parts = request.params.size();
                        return send(options->run, std::move(request), parts, options->timeout);
                      }});

  auto* control =
      app.add_subcommand("control", "pause, resume, stop or checkpoint a running run through its directory");
  control->add_option("run", options->run, "the run directory")->required()->check(CLI::ExistingDirectory);
  control->add_option("action", options->action, "pause, resume, stop or checkpoint")
      ->required()
      ->check(CLI::IsMember({"pause", "resume", "stop", "checkpoint"}));
  control->add_option("--timeout", options->timeout, "seconds to wait for the run's answer")
      ->check(CLI::PositiveNumber);
  commands.push_back({control, [options] {
                        train::RunRequest request;
                        request.action = *train::request_action(options->action);
                        return send(options->run, std::move(request), 1, options->timeout);
                      }});
}

}  // namespace marginlab::cli
