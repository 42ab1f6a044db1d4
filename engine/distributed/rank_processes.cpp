#include "engine/distributed/rank_processes.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <stdexcept>
#include <thread>

namespace marginlab::distributed {
namespace {

constexpr std::size_t kKeptLines = 20;

std::atomic<int> g_signal{0};  // the signal the launcher received, to pass on

void remember_signal(int sig) { g_signal = sig; }

struct Child {
  pid_t pid = -1;
  int out = -1;  // read end of the rank's stdout+stderr
  std::string partial;
  std::deque<std::string> last;
  bool running = true;
  RankOutcome outcome;
};

void set_env(std::vector<std::string>& env, const std::string& name, const std::string& value) {
  const std::string prefix = name + "=";
  for (auto& entry : env) {
    if (entry.rfind(prefix, 0) == 0) {
      entry = prefix + value;
      return;
    }
  }
  env.push_back(prefix + value);
}

pid_t spawn(const RankLaunch& launch, int rank, int port, int* out_fd) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error(std::string("launch: pipe failed: ") + std::strerror(errno));
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) env.emplace_back(*e);
  set_env(env, "RANK", std::to_string(rank));
  set_env(env, "WORLD_SIZE", std::to_string(launch.nproc));
  set_env(env, "LOCAL_RANK", std::to_string(rank));
  set_env(env, "LOCAL_WORLD_SIZE", std::to_string(launch.nproc));
  set_env(env, "MASTER_ADDR", launch.master_addr);
  set_env(env, "MASTER_PORT", std::to_string(port));
  if (!launch.store_file.empty()) set_env(env, "MARGINLAB_STORE_FILE", launch.store_file);
  for (const auto& [name, value] : launch.env) set_env(env, name, value);
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_text{launch.program};
  argv_text.insert(argv_text.end(), launch.args.begin(), launch.args.end());
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);

  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("launch: fork failed: ") + std::strerror(errno));
  if (pid == 0) {
    // A process group of its own: a Ctrl-C at the terminal reaches the launcher, which passes it on once.
    setpgid(0, 0);
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    close(fds[0]);
    close(fds[1]);
    execve(argv[0], argv.data(), envp.data());
    std::fprintf(stderr, "launch: cannot run %s: %s\n", argv[0], std::strerror(errno));
    _exit(127);
  }
  close(fds[1]);
  fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
  *out_fd = fds[0];
  return pid;
}

// Reads what is there; hands out whole lines.
void drain(Child& child, int rank, const std::function<void(int, const std::string&)>& on_line, bool at_end) {
  char buffer[4096];
  while (child.out >= 0) {
    const ssize_t n = read(child.out, buffer, sizeof buffer);
    if (n > 0) {
      child.partial.append(buffer, static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
      close(child.out);
      child.out = -1;
      at_end = true;
    }
    break;
  }
  std::size_t start = 0;
  for (std::size_t nl; (nl = child.partial.find('\n', start)) != std::string::npos; start = nl + 1) {
    std::string line = child.partial.substr(start, nl - start);
    child.last.push_back(line);
    if (child.last.size() > kKeptLines) child.last.pop_front();
    on_line(rank, line);
  }
  child.partial.erase(0, start);
  if (at_end && !child.partial.empty()) {
    child.last.push_back(child.partial);
    if (child.last.size() > kKeptLines) child.last.pop_front();
    on_line(rank, child.partial);
    child.partial.clear();
  }
}

}  // namespace

std::string RankOutcome::describe() const {
  std::string text = signal ? "ended by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")"
                            : "exit code " + std::to_string(exit_code);
  if (ended_by_us) text += ", ended by the launcher";
  return text;
}

bool LaunchOutcome::ok() const {
  if (timed_out || interrupted) return false;
  for (const auto& r : ranks) {
    if (!r.ok()) return false;
  }
  return true;
}

std::string LaunchOutcome::report() const {
  if (ok()) return {};
  std::string text;
  if (timed_out) text += "the ranks did not finish before the deadline and were ended. ";
  if (interrupted) text += "interrupted: the signal was passed on to every rank. ";
  if (first_failure >= 0) {
    const auto& r = ranks[static_cast<std::size_t>(first_failure)];
    text += "rank " + std::to_string(r.rank) + " failed first (" + r.describe() + "); the others were ended. ";
    text += "Its last lines:";
    for (const auto& line : r.last_lines) text += "\n  [rank " + std::to_string(r.rank) + "] " + line;
  }
  return text;
}

int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error(std::string("launch: socket failed: ") + std::strerror(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    close(fd);
    throw std::runtime_error(std::string("launch: no free port: ") + std::strerror(errno));
  }
  close(fd);
  return ntohs(address.sin_port);
}

LaunchOutcome run_ranks(const RankLaunch& launch) {
  if (launch.nproc < 1) throw std::runtime_error("launch: --nproc must be at least 1");
  auto on_line = launch.on_line ? launch.on_line : [](int rank, const std::string& line) {
    std::fprintf(stderr, "[rank %d] %s\n", rank, line.c_str());
  };
  LaunchOutcome result;
  result.master_port = launch.master_port > 0 ? launch.master_port : free_port();

  struct sigaction handler {};
  struct sigaction old_int {
  }, old_term{};
  handler.sa_handler = remember_signal;
  sigemptyset(&handler.sa_mask);
  g_signal = 0;
  sigaction(SIGINT, &handler, &old_int);
  sigaction(SIGTERM, &handler, &old_term);

  std::vector<Child> children(static_cast<std::size_t>(launch.nproc));
  for (int r = 0; r < launch.nproc; ++r) {
    auto& c = children[static_cast<std::size_t>(r)];
    c.outcome.rank = r;
    c.pid = spawn(launch, r, result.master_port, &c.out);
  }

  using Clock = std::chrono::steady_clock;
  const auto started = Clock::now();
  Clock::time_point term_sent{};
  bool ending = false;
  auto end_all = [&](int sig) {
    for (auto& c : children) {
      if (c.running) {
        kill(c.pid, sig);
        c.outcome.ended_by_us = true;
      }
    }
  };

  for (;;) {
    std::vector<pollfd> fds;
    std::vector<int> owners;
    for (int r = 0; r < launch.nproc; ++r) {
      if (children[r].out >= 0) {
        fds.push_back({children[r].out, POLLIN, 0});
        owners.push_back(r);
      }
    }
    if (!fds.empty())
      poll(fds.data(), fds.size(), 100);
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].revents) drain(children[owners[i]], owners[i], on_line, false);
    }

    bool any_running = false;
    for (int r = 0; r < launch.nproc; ++r) {
      auto& c = children[r];
      if (!c.running) continue;
      int status = 0;
      const pid_t done = waitpid(c.pid, &status, WNOHANG);
      if (done != c.pid) {
        any_running = true;
        continue;
      }
      c.running = false;
      if (WIFEXITED(status)) c.outcome.exit_code = WEXITSTATUS(status);
      if (WIFSIGNALED(status)) c.outcome.signal = WTERMSIG(status);
      if (!c.outcome.ok() && result.first_failure < 0 && !c.outcome.ended_by_us) result.first_failure = r;
    }
    if (!any_running) break;

    if (!ending && g_signal != 0) {
      result.interrupted = true;
      ending = true;
      term_sent = Clock::now();
      end_all(g_signal == SIGINT ? SIGINT : SIGTERM);
    }
    if (!ending && result.first_failure >= 0) {
      ending = true;
      term_sent = Clock::now();
      end_all(SIGTERM);
    }
    if (!ending && launch.deadline.count() > 0 && Clock::now() - started > launch.deadline) {
      result.timed_out = true;
      ending = true;
      term_sent = Clock::now();
      end_all(SIGTERM);
    }
    if (ending && Clock::now() - term_sent > launch.grace) end_all(SIGKILL);
  }
  for (int r = 0; r < launch.nproc; ++r) {
    auto& c = children[r];
    drain(c, r, on_line, true);
    if (c.out >= 0) close(c.out);
    c.outcome.last_lines.assign(c.last.begin(), c.last.end());
    result.ranks.push_back(c.outcome);
  }
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  return result;
}

}  // namespace marginlab::distributed
