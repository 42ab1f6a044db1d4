#include "engine/distributed/communicator.h"

#include <cstring>

#ifdef MARGINLAB_WITH_GLOO
#include <torch/csrc/distributed/c10d/FileStore.hpp>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif
#ifdef MARGINLAB_WITH_NCCL
#include <c10/cuda/CUDAFunctions.h>
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <cstdlib>
#include <utility>

#include "core/errors.h"

namespace marginlab::distributed {

torch::Tensor Communicator::allgather_rows(const torch::Tensor& tensor) {
  if (world_size() == 1) return tensor;
  return torch::cat(allgather(tensor), 0);
}

std::string Communicator::broadcast_text(const std::string& text, int root, const torch::Device& device) {
  if (world_size() == 1) return text;
  auto size = torch::full({1}, static_cast<std::int64_t>(rank() == root ? text.size() : 0),
                          torch::TensorOptions(device).dtype(torch::kInt64));
  broadcast(size, root);
  const auto bytes = size.item<std::int64_t>();
  if (bytes == 0) return {};
  auto payload = torch::zeros({bytes}, torch::kUInt8);
  if (rank() == root) std::memcpy(payload.data_ptr<std::uint8_t>(), text.data(), text.size());
  payload = payload.to(device);
  broadcast(payload, root);
  payload = payload.to(torch::kCPU).contiguous();
  return std::string(reinterpret_cast<const char*>(payload.data_ptr<std::uint8_t>()), static_cast<std::size_t>(bytes));
}

namespace {

class SingleProcess final : public Communicator {
 public:
  int rank() const override { return 0; }
  int world_size() const override { return 1; }
  void allreduce_sum(torch::Tensor&) override {}
  void allreduce_max(torch::Tensor&) override {}
  std::vector<torch::Tensor> allgather(const torch::Tensor& tensor) override { return {tensor}; }
  void broadcast(torch::Tensor&, int) override {}
  void barrier() override {}
};

#ifdef MARGINLAB_WITH_GLOO

// ProcessGroupGloo and ProcessGroupNCCL are c10d::ProcessGroups in 1.13 and c10d::Backends in 2.x (which split the
// group into a front end and per-device backends): their collectives have the same signatures in both, so they are
// called directly.
using GlooGroup = c10d::ProcessGroupGloo;

template <class Group>
class C10dGroup final : public Communicator {
 public:
  C10dGroup(c10::intrusive_ptr<Group> group, int rank, int world)
      : group_(std::move(group)), rank_(rank), world_(world) {}

  int rank() const override { return rank_; }
  int world_size() const override { return world_; }

  void allreduce_sum(torch::Tensor& tensor) override { allreduce(tensor, c10d::ReduceOp::SUM); }
  void allreduce_max(torch::Tensor& tensor) override { allreduce(tensor, c10d::ReduceOp::MAX); }

  std::vector<torch::Tensor> allgather(const torch::Tensor& tensor) override {
    std::vector<torch::Tensor> input{tensor.contiguous()};
    std::vector<std::vector<torch::Tensor>> output(1);
    for (int r = 0; r < world_; ++r) output[0].push_back(torch::empty_like(input[0]));
    group_->allgather(output, input)->wait();
    return output[0];
  }

  void broadcast(torch::Tensor& tensor, int root) override {
    std::vector<torch::Tensor> tensors{contiguous(tensor)};
    c10d::BroadcastOptions options;
    options.rootRank = root;
    group_->broadcast(tensors, options)->wait();
    copy_back(tensor, tensors[0]);
  }

  void barrier() override { group_->barrier()->wait(); }

 private:
  void allreduce(torch::Tensor& tensor, c10d::ReduceOp op) {
    std::vector<torch::Tensor> tensors{contiguous(tensor)};
    c10d::AllreduceOptions options;
    options.reduceOp = op;
    group_->allreduce(tensors, options)->wait();
    copy_back(tensor, tensors[0]);
  }
  static torch::Tensor contiguous(const torch::Tensor& t) { return t.is_contiguous() ? t : t.contiguous(); }
  static void copy_back(torch::Tensor& target, const torch::Tensor& result) {
    if (!result.is_same(target)) target.copy_(result);
  }

  c10::intrusive_ptr<Group> group_;
  int rank_;
  int world_;
};

c10::intrusive_ptr<c10d::Store> make_store(const LaunchEnv& env, const GroupOptions& options) {
  if (!env.store_file.empty()) return c10::make_intrusive<c10d::FileStore>(env.store_file, env.world_size);
  c10d::TCPStoreOptions store;
  store.port = static_cast<std::uint16_t>(env.master_port);
  store.timeout = options.timeout;
  if (env.agent_store) {
    // torchrun's agent serves the store; each attempt of a restarted job works under its own prefix.
    store.isServer = false;
    auto client = c10::make_intrusive<c10d::TCPStore>(env.master_addr, store);
    return c10::make_intrusive<c10d::PrefixStore>("/worker/attempt_" + std::to_string(env.restart_count), client);
  }
  store.isServer = env.rank == 0;
  store.numWorkers = static_cast<std::size_t>(env.world_size);
  store.multiTenant = true;
  return c10::make_intrusive<c10d::TCPStore>(env.master_addr, store);
}

std::shared_ptr<::gloo::transport::Device> make_device(const LaunchEnv& env) {
  // Python reads GLOO_SOCKET_IFNAME for its users; a C++ program has to do it itself.
  if (const char* ifname = std::getenv("GLOO_SOCKET_IFNAME"); ifname && *ifname) {
    return c10d::ProcessGroupGloo::createDeviceForInterface(ifname);
  }
  if (env.master_addr == "127.0.0.1" || env.master_addr == "localhost") {
    return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
  }
  return c10d::ProcessGroupGloo::createDefaultDevice();
}

#endif  // MARGINLAB_WITH_GLOO

#ifdef MARGINLAB_WITH_NCCL
std::shared_ptr<Communicator> connect_nccl(const LaunchEnv& env, const c10::intrusive_ptr<c10d::Store>& store,
                                           const GroupOptions& options) {
  // NCCL makes its communicators on the current device at the first collective: one GPU per process.
  c10::cuda::set_device(static_cast<c10::DeviceIndex>(env.local_rank));
  auto nccl = c10d::ProcessGroupNCCL::Options::create();
  nccl->timeout = options.timeout;
  auto group = c10::make_intrusive<c10d::ProcessGroupNCCL>(store, env.rank, env.world_size, nccl);
  return std::make_shared<C10dGroup<c10d::ProcessGroupNCCL>>(std::move(group), env.rank, env.world_size);
}
#endif

}  // namespace

std::shared_ptr<Communicator> single_process() { return std::make_shared<SingleProcess>(); }

bool has_gloo() {
#ifdef MARGINLAB_WITH_GLOO
  return true;
#else
  return false;
#endif
}

bool has_nccl() {
#ifdef MARGINLAB_WITH_NCCL
  return true;
#else
  return false;
#endif
}

std::shared_ptr<Communicator> connect(const LaunchEnv& env, const GroupOptions& options) {
  if (!env.distributed()) return single_process();
  if (options.backend == Backend::nccl && !has_nccl()) {
    throw InvalidParameter(describe(env) +
                           ": this build has no NCCL (configure with -DMARGINLAB_WITH_NCCL=ON "
                           "against a CUDA LibTorch) and cannot train on several GPUs");
  }
#ifdef MARGINLAB_WITH_GLOO
  try {
    auto store = make_store(env, options);
#ifdef MARGINLAB_WITH_NCCL
    if (options.backend == Backend::nccl) return connect_nccl(env, store, options);
#endif
    auto gloo = GlooGroup::Options::create(options.timeout);
    gloo->devices.push_back(make_device(env));
    gloo->threads = options.gloo_threads;
    auto group = c10::make_intrusive<GlooGroup>(store, env.rank, env.world_size, gloo);
    return std::make_shared<C10dGroup<GlooGroup>>(std::move(group), env.rank, env.world_size);
  } catch (const c10::Error& error) {
    throw DistributedError(describe(env) + ": cannot form the group (" + error.what_without_backtrace() + ")");
  } catch (const std::exception& error) {
    throw DistributedError(describe(env) + ": cannot form the group (" + error.what() + ")");
  }
#else
  (void)options;
  throw InvalidParameter(describe(env) +
                         ": this build has no Gloo (install libgloo-dev and rebuild) and cannot "
                         "train on several processes");
#endif
}

}  // namespace marginlab::distributed
