#pragma once
// Starts the processes of a one-node distributed run and watches them: `marginlab-cli launch` and the multi-process
// tests. Each rank gets torchrun's variables; its output reaches the caller line by line, tagged with the rank; when
// one rank fails the others are ended (SIGTERM, then SIGKILL after a grace period), and so are they all on a signal
// to the caller or past a deadline. Only the processes started here are ever signalled. POSIX, no torch.
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace marginlab::distributed {

struct RankLaunch {
  std::string program;            // the executable every rank runs
  std::vector<std::string> args;  // its arguments (without the program name)
  int nproc = 1;
  std::string master_addr = "127.0.0.1";
  int master_port = 0;                     // 0: a free port of this host
  std::string store_file;                  // set: the ranks rendezvous through this file (MARGINLAB_STORE_FILE) instead
  std::map<std::string, std::string> env;  // more variables for every rank
  std::chrono::milliseconds deadline{0};   // 0: none
  std::chrono::milliseconds grace{10000};  // between SIGTERM and SIGKILL
  // Each line a rank writes (stdout and stderr together); default: to this process's stderr as "[rank r] line".
  std::function<void(int rank, const std::string& line)> on_line;
};

struct RankOutcome {
  int rank = 0;
  int exit_code = -1;        // when it exited
  int signal = 0;            // when a signal ended it
  bool ended_by_us = false;  // we signalled it, because another rank failed, a deadline passed or we were asked to
  std::vector<std::string> last_lines;  // its last 20 lines
  bool ok() const { return exit_code == 0; }
  std::string describe() const;  // "exit code 3", "killed by signal 9 (ended by the launcher)"
};

struct LaunchOutcome {
  std::vector<RankOutcome> ranks;
  int first_failure = -1;  // the rank that failed first, or −1
  bool timed_out = false;
  bool interrupted = false;  // SIGINT or SIGTERM reached the launcher and was passed on
  int master_port = 0;
  bool ok() const;
  // One paragraph for the user: which rank failed first, how, and its last lines; empty when all succeeded.
  std::string report() const;
};

// Runs the ranks to the end. Throws std::runtime_error when a process cannot be started.
LaunchOutcome run_ranks(const RankLaunch& launch);

// A TCP port that is free on this host now (the kernel's choice).
int free_port();

}  // namespace marginlab::distributed
