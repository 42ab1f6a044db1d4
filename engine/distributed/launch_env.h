#pragma once
// Where this process stands in a distributed run, read from the environment its launcher set: torchrun's variables
// (RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT, TORCHELASTIC_*), which
// `marginlab-cli launch` sets too, or SLURM's where torchrun's are absent. No torch: the launcher reads it as well.
#include <functional>
#include <string>

namespace marginlab::distributed {

struct LaunchEnv {
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;
  int local_world_size = 1;
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
  // torchrun's agent already serves the store at MASTER_ADDR:MASTER_PORT: every rank is a client of it, under the
  // prefix of its restart attempt.
  bool agent_store = false;
  int restart_count = 0;
  // MARGINLAB_STORE_FILE: rendezvous through a file on a shared filesystem instead of TCP (the tests use it).
  std::string store_file;
  std::string source = "single process";  // "torchrun", "slurm", "single process"

  bool distributed() const { return world_size > 1; }
};

// Reads the launch variables through `get` (std::getenv by default). Throws InvalidParameter naming the variable
// and its value when one is not a number, a rank is outside [0, WORLD_SIZE), or SLURM spans several nodes without
// MASTER_ADDR.
LaunchEnv read_launch_env(const std::function<const char*(const char*)>& get = {});

// Intra-op threads for this rank: the machine's cores shared by the ranks on it (at least 1); 0 (all cores) for a
// single process.
int threads_per_rank(const LaunchEnv& env);

// "rank 2 of 4 (local 0 of 2), torchrun, store 10.0.0.1:29500": for logs and errors.
std::string describe(const LaunchEnv& env);

}  // namespace marginlab::distributed
