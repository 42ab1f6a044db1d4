// Reading torchrun's and SLURM's variables: what a rank learns of its place, and refusals that name the variable.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "core/errors.h"
#include "engine/distributed/launch_env.h"

namespace marginlab::distributed {
namespace {

LaunchEnv read(const std::map<std::string, std::string>& vars) {
  return read_launch_env([&vars](const char* name) -> const char* {
    const auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  });
}

std::string refusal(const std::map<std::string, std::string>& vars) {
  try {
    read(vars);
  } catch (const InvalidParameter& error) {
    return error.what();
  }
  return "accepted";
}

TEST(LaunchEnv, NothingSetIsOneProcess) {
  const auto env = read({});
  EXPECT_FALSE(env.distributed());
  EXPECT_EQ(env.world_size, 1);
  EXPECT_EQ(describe(env), "single process");
  EXPECT_EQ(threads_per_rank(env), 0);
}

TEST(LaunchEnv, TorchrunsVariables) {
  const auto env = read({{"RANK", "5"},
                         {"WORLD_SIZE", "8"},
                         {"LOCAL_RANK", "1"},
                         {"LOCAL_WORLD_SIZE", "4"},
                         {"MASTER_ADDR", "10.0.0.1"},
                         {"MASTER_PORT", "29400"},
                         {"TORCHELASTIC_USE_AGENT_STORE", "True"},
                         {"TORCHELASTIC_RESTART_COUNT", "2"}});
  EXPECT_TRUE(env.distributed());
  EXPECT_EQ(env.rank, 5);
  EXPECT_EQ(env.local_rank, 1);
  EXPECT_EQ(env.local_world_size, 4);
  EXPECT_EQ(env.master_addr, "10.0.0.1");
  EXPECT_EQ(env.master_port, 29400);
  EXPECT_TRUE(env.agent_store);
  EXPECT_EQ(env.restart_count, 2);
  EXPECT_EQ(describe(env), "rank 5 of 8 (local 1 of 4), torchrun, store 10.0.0.1:29400 (torchrun's agent)");
  EXPECT_GE(threads_per_rank(env), 1);
}

TEST(LaunchEnv, SlurmWhereTorchrunsAreAbsent) {
  const auto env = read({{"SLURM_PROCID", "3"}, {"SLURM_NTASKS", "4"}, {"SLURM_LOCALID", "3"}, {"SLURM_NNODES", "1"}});
  EXPECT_EQ(env.source, "slurm");
  EXPECT_EQ(env.rank, 3);
  EXPECT_EQ(env.world_size, 4);
  EXPECT_EQ(env.local_world_size, 4);
  EXPECT_EQ(env.master_addr, "127.0.0.1");
  EXPECT_NE(refusal({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "8"}, {"SLURM_NNODES", "2"}}).find("needs MASTER_ADDR"),
            std::string::npos);
}

TEST(LaunchEnv, BadValuesAreRefusedNamingTheVariable) {
  EXPECT_EQ(refusal({{"RANK", "two"}, {"WORLD_SIZE", "4"}}), "RANK = \"two\": expected a whole number");
  EXPECT_EQ(refusal({{"RANK", "4"}, {"WORLD_SIZE", "4"}}), "RANK = 4 is outside [0, 4) (WORLD_SIZE = 4)");
  EXPECT_EQ(refusal({{"RANK", "0"}, {"WORLD_SIZE", "0"}}), "WORLD_SIZE = 0: must be at least 1");
  EXPECT_EQ(refusal({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_PORT", "70000"}}),
            "MASTER_PORT = 70000: must be in [1, 65535]");
}

}  // namespace
}  // namespace marginlab::distributed
