#include "engine/distributed/launch_env.h"

#include <algorithm>
#include <cstdlib>
#include <string_view>
#include <thread>

#include "core/errors.h"

namespace marginlab::distributed {
namespace {

class Variables {
 public:
  explicit Variables(const std::function<const char*(const char*)>& get) : get_(get) {}

  bool has(const char* name) const { return value(name) != nullptr; }
  const char* value(const char* name) const {
    const char* v = get_ ? get_(name) : std::getenv(name);
    return v && *v ? v : nullptr;
  }
  std::string text(const char* name, const std::string& fallback) const {
    const char* v = value(name);
    return v ? std::string(v) : fallback;
  }
  int number(const char* name, int fallback) const {
    const char* v = value(name);
    if (!v) return fallback;
    char* end = nullptr;
    const long parsed = std::strtol(v, &end, 10);
    if (end == v || *end != '\0' || parsed < 0 || parsed > 1000000) {
      throw InvalidParameter(std::string(name) + " = \"" + v + "\": expected a whole number");
    }
    return static_cast<int>(parsed);
  }

 private:
  const std::function<const char*(const char*)>& get_;
};

void check(const LaunchEnv& env, const char* rank_name, const char* world_name) {
  if (env.world_size < 1) {
    throw InvalidParameter(std::string(world_name) + " = " + std::to_string(env.world_size) + ": must be at least 1");
  }
  if (env.rank >= env.world_size) {
    throw InvalidParameter(std::string(rank_name) + " = " + std::to_string(env.rank) + " is outside [0, " +
                           std::to_string(env.world_size) + ") (" + world_name + " = " +
                           std::to_string(env.world_size) + ")");
  }
  if (env.local_world_size < 1 || env.local_rank >= env.local_world_size) {
    throw InvalidParameter("local rank " + std::to_string(env.local_rank) + " is outside [0, " +
                           std::to_string(env.local_world_size) + ")");
  }
  if (env.master_port < 1 || env.master_port > 65535) {
    throw InvalidParameter("MASTER_PORT = " + std::to_string(env.master_port) + ": must be in [1, 65535]");
  }
}

}  // namespace

LaunchEnv read_launch_env(const std::function<const char*(const char*)>& get) {
  const Variables vars(get);
  LaunchEnv env;
  env.master_addr = vars.text("MASTER_ADDR", env.master_addr);
  env.master_port = vars.number("MASTER_PORT", env.master_port);
  env.store_file = vars.text("MARGINLAB_STORE_FILE", "");
  if (vars.has("RANK") || vars.has("WORLD_SIZE")) {
    env.source = "torchrun";
    env.rank = vars.number("RANK", 0);
    env.world_size = vars.number("WORLD_SIZE", 1);
    env.local_rank = vars.number("LOCAL_RANK", env.rank);
    env.local_world_size = vars.number("LOCAL_WORLD_SIZE", env.world_size);
    env.agent_store = vars.text("TORCHELASTIC_USE_AGENT_STORE", "") == "True";
    env.restart_count = vars.number("TORCHELASTIC_RESTART_COUNT", 0);
    check(env, "RANK", "WORLD_SIZE");
  } else if (vars.has("SLURM_PROCID") && vars.has("SLURM_NTASKS")) {
    // srun starts one task per rank; torchrun's variables win where a job script sets them.
    env.source = "slurm";
    env.rank = vars.number("SLURM_PROCID", 0);
    env.world_size = vars.number("SLURM_NTASKS", 1);
    env.local_rank = vars.number("SLURM_LOCALID", 0);
    const int nodes = vars.number("SLURM_NNODES", 1);
    env.local_world_size = (env.world_size + nodes - 1) / nodes;
    if (nodes > 1 && !vars.has("MASTER_ADDR")) {
      throw InvalidParameter("SLURM_NNODES = " + std::to_string(nodes) +
                             ": a run over several nodes needs MASTER_ADDR (the host of rank 0), e.g. "
                             "MASTER_ADDR=$(scontrol show hostnames \"$SLURM_JOB_NODELIST\" | head -n 1)");
    }
    check(env, "SLURM_PROCID", "SLURM_NTASKS");
  }
  return env;
}

int threads_per_rank(const LaunchEnv& env) {
  if (!env.distributed()) return 0;
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  return std::max(1, cores / env.local_world_size);
}

std::string describe(const LaunchEnv& env) {
  if (!env.distributed()) return "single process";
  std::string text = "rank " + std::to_string(env.rank) + " of " + std::to_string(env.world_size) + " (local " +
                     std::to_string(env.local_rank) + " of " + std::to_string(env.local_world_size) + "), " +
                     env.source + ", ";
  text += env.store_file.empty() ? "store " + env.master_addr + ":" + std::to_string(env.master_port)
                                 : "store file " + env.store_file;
  if (env.agent_store) text += " (torchrun's agent)";
  return text;
}

}  // namespace marginlab::distributed
