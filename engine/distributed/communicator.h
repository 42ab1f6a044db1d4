#pragma once
// The collectives a distributed run needs, over c10d (Gloo on the CPU), behind one small interface so that the
// trainer does not depend on LibTorch's version (1.13's ProcessGroup, 2.x's Backend) and a one-process run uses the
// same code with collectives that do nothing. Only what Gloo supports on every version is used: allreduce (sum,
// max), allgather of equal shapes, broadcast, barrier (distributed.md §1.4). Every rank must call the same
// collectives in the same order with the same shapes; callers check shapes before (Gloo aborts a rank otherwise).
#include <torch/torch.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "engine/distributed/launch_env.h"

namespace marginlab::distributed {

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int world_size() const = 0;

  // In place, every rank ends with the same result. Tensors must be contiguous (they are made so otherwise).
  virtual void allreduce_sum(torch::Tensor& tensor) = 0;
  virtual void allreduce_max(torch::Tensor& tensor) = 0;
  // Every rank's tensor (equal shapes), in rank order.
  virtual std::vector<torch::Tensor> allgather(const torch::Tensor& tensor) = 0;
  virtual void broadcast(torch::Tensor& tensor, int root) = 0;
  virtual void barrier() = 0;

  // Every rank's rows, concatenated along dim 0 in rank order.
  torch::Tensor allgather_rows(const torch::Tensor& tensor);
  // Rank `root`'s text on every rank (a run directory, live changes), through tensors on `device` (the backend's:
  // the CPU for Gloo, this rank's GPU for NCCL).
  std::string broadcast_text(const std::string& text, int root, const torch::Device& device);
};

// A run of one process: collectives return their input.
std::shared_ptr<Communicator> single_process();

enum class Backend {
  gloo,  // CPU tensors
  nccl,  // CUDA tensors, one GPU per process (the device of LOCAL_RANK); builds with MARGINLAB_WITH_NCCL only
};

struct GroupOptions {
  Backend backend = Backend::gloo;
  // How long a collective, and the rendezvous, may wait for a rank before the group fails.
  std::chrono::milliseconds timeout = std::chrono::seconds(300);
  int gloo_threads = 2;
};

// The group of the run `env` describes (a single process when WORLD_SIZE is 1): the store at MASTER_ADDR:MASTER_PORT
// (rank 0 serves it, or torchrun's agent does), or the file MARGINLAB_STORE_FILE. Gloo goes over the interface
// GLOO_SOCKET_IFNAME names, else over loopback for a single-node run on 127.0.0.1, else this host's address; NCCL
// picks its own (NCCL_SOCKET_IFNAME steers it) and this process's GPU is set to LOCAL_RANK's first.
// Throws InvalidParameter when this build lacks the backend, and DistributedError when the rendezvous fails.
std::shared_ptr<Communicator> connect(const LaunchEnv& env, const GroupOptions& options = {});

// Whether this build can run distributed on the CPU (compiled with Gloo's headers), and on CUDA (with NCCL).
bool has_gloo();
bool has_nccl();

}  // namespace marginlab::distributed
