#include "devtools/bench/bench_train.h"

#include <torch/csrc/autograd/profiler_legacy.h>
#include <torch/torch.h>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <vector>

#include "core/errors.h"
#include "engine/backbones/model_info.h"
#include "engine/backbones/backbone.h"
#include "engine/distributed/communicator.h"
#include "engine/distributed/replica_sync.h"
#include "engine/train/session.h"
#include "engine/train/telemetry_builder.h"

namespace marginlab::bench {
namespace {

using Clock = std::chrono::steady_clock;

void synchronize(const torch::Device& device) {
  if (device.is_cuda()) torch::cuda::synchronize();
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

torch::ScalarType training_dtype(train::Precision precision) {
  return precision == train::Precision::fp16   ? torch::kHalf
         : precision == train::Precision::bf16 ? torch::kBFloat16
                                               : torch::kFloat32;
}

// FLOP/s of the best of five runs of `kernel` (after one untimed run: library initialisation, thread start).
template <typename Kernel>
double best_rate(const torch::Device& device, double flops, Kernel kernel) {
  kernel();
  synchronize(device);
  double best = 0;
  for (int i = 0; i < 5; ++i) {
    const auto start = Clock::now();
    kernel();
    synchronize(device);
    best = std::max(best, flops / std::chrono::duration<double>(Clock::now() - start).count());
  }
  return best;
}

// The BLAS library's practical matrix-multiply rate: n×n products in the training dtype.
std::pair<double, std::int64_t> gemm_peak(const torch::Device& device, train::Precision precision) {
  const std::int64_t n = device.is_cuda() ? 8192 : 2048;
  const auto options = torch::TensorOptions().device(device).dtype(training_dtype(precision));
  const auto a = torch::randn({n, n}, options), b = torch::randn({n, n}, options);
  auto c = torch::mm(a, b);
  const double flops = 2.0 * static_cast<double>(n) * static_cast<double>(n) * static_cast<double>(n);
  return {best_rate(device, flops, [&] { torch::mm_out(c, a, b); }), n};
}

// The convolution library's rate on an IResNet-shaped 3×3 convolution (256 → 256 channels on a 14×14 map, stage
// three of ir50 at 112×112), in the memory format the training uses.
double conv_peak(const torch::Device& device, train::Precision precision, bool channels_last) {
  const std::int64_t batch = device.is_cuda() ? 256 : 16, channels = 256, side = 14;
  const auto options = torch::TensorOptions().device(device).dtype(training_dtype(precision));
  const auto format = channels_last ? torch::MemoryFormat::ChannelsLast : torch::MemoryFormat::Contiguous;
  const auto x = torch::randn({batch, channels, side, side}, options).contiguous(format);
  const auto w = torch::randn({channels, channels, 3, 3}, options).contiguous(format);
  const double flops = 2.0 * batch * channels * side * side * channels * 9;
  return best_rate(device, flops, [&] { torch::conv2d(x, w, {}, 1, 1); });
}

// Forwards to the run's communicator and adds up the time its collectives take (the device synchronised around each,
// so that NCCL's asynchronous calls are timed whole).
class TimingCommunicator final : public distributed::Communicator {
 public:
  TimingCommunicator(std::shared_ptr<distributed::Communicator> inner, torch::Device device)
      : inner_(std::move(inner)), device_(device) {}
  int rank() const override { return inner_->rank(); }
  int world_size() const override { return inner_->world_size(); }
  void allreduce_sum(torch::Tensor& t) override { timed([&] { inner_->allreduce_sum(t); }); }
  void allreduce_max(torch::Tensor& t) override { timed([&] { inner_->allreduce_max(t); }); }
  std::vector<torch::Tensor> allgather(const torch::Tensor& t) override {
    std::vector<torch::Tensor> out;
    timed([&] { out = inner_->allgather(t); });
    return out;
  }
  void broadcast(torch::Tensor& t, int root) override { timed([&] { inner_->broadcast(t, root); }); }
  void barrier() override { timed([&] { inner_->barrier(); }); }
  double seconds() const { return seconds_; }

 private:
  template <class Call>
  void timed(Call call) {
    synchronize(device_);
    const auto start = Clock::now();
    call();
    synchronize(device_);
    seconds_ += std::chrono::duration<double>(Clock::now() - start).count();
  }
  std::shared_ptr<distributed::Communicator> inner_;
  torch::Device device_;
  double seconds_ = 0;
};

namespace profiler = torch::autograd::profiler;

// Each operator's own time in the profiled `events` (one list per thread, ranges pushed and popped in nesting order):
// its range less the ranges of the operators it called, so that a convolution's time is not counted again in the
// `aten::convolution` that dispatched it.
std::vector<OperatorTime> self_times(const profiler::thread_event_lists& events, int steps) {
  std::map<std::string, OperatorTime> by_name;
  for (const auto& thread : events) {
    struct Open {
      const profiler::LegacyEvent* push;
      double children_us;
    };
    std::vector<Open> open;
    for (const auto& event : thread) {
      if (event.kind() == profiler::EventKind::PushRange) {
        open.push_back({&event, 0.0});
      } else if (event.kind() == profiler::EventKind::PopRange && !open.empty()) {
        const auto range = open.back();
        open.pop_back();
        const double us = range.push->cpuElapsedUs(event);
        auto& op = by_name[range.push->name()];
        op.name = range.push->name();
        op.self_ms_per_step += (us - range.children_us) / 1000.0 / steps;
        op.calls_per_step += 1.0 / steps;
        if (!open.empty()) open.back().children_us += us;
      }
    }
  }
  std::vector<OperatorTime> operators;
  for (auto& [name, op] : by_name) operators.push_back(std::move(op));
  std::sort(operators.begin(), operators.end(),
            [](const auto& a, const auto& b) { return a.self_ms_per_step > b.self_ms_per_step; });
  return operators;
}

void write_trace(const profiler::thread_event_lists& events, const std::string& file) {
  std::vector<profiler::LegacyEvent*> all;
  for (const auto& thread : events) {
    for (const auto& event : thread) all.push_back(const_cast<profiler::LegacyEvent*>(&event));
  }
  std::ofstream out(file);
  profiler::writeProfilerEventsToStream(out, all);
  if (!out) throw InvalidFile(fmt::format("bench train: cannot write the profile trace {}", file));
}

}  // namespace

TrainBenchResult bench_train(const TrainBenchConfig& config) {
  train::Experiment experiment;
  experiment.model.backbone = config.backbone;
  experiment.model.embedding_dim = config.embedding_dim;
  experiment.model.channels_last = config.channels_last;
  experiment.data.image_size = config.input_size;
  experiment.head.kind = config.head;
  experiment.train.batch_size = config.batch;
  experiment.train.precision = config.precision;
  experiment.report.every_steps = config.report_every;
  train::check_experiment(experiment, "bench train");

  const auto device = train::resolve_device(config.device);
  TrainBenchResult result;
  result.device = device.str();
  result.threads = at::get_num_threads();
  // Measured before and after the timed steps, the faster kept: a neighbour's burst during one short measurement made
  // the peak read up to 15% low on the shared development box, and the step's share of it as much too high.
  auto measure_peaks = [&] {
    const auto [gemm, size] = gemm_peak(device, config.precision);
    result.gemm_peak_flops = std::max(result.gemm_peak_flops, gemm);
    result.gemm_size = size;
    result.conv_peak_flops =
        std::max(result.conv_peak_flops, conv_peak(device, config.precision, config.channels_last));
    result.peak_flops = std::max(result.gemm_peak_flops, result.conv_peak_flops);
  };
  measure_peaks();

  const auto comm = std::make_shared<TimingCommunicator>(
      config.comm ? config.comm : distributed::single_process(), device);
  const int world = comm->world_size();
  if (config.batch % world != 0) {
    throw InvalidParameter(fmt::format("bench train: --batch {} is the global batch and must be a multiple of the {} "
                                       "ranks", config.batch, world));
  }
  const std::int64_t rows = config.batch / world;
  torch::manual_seed(0);
  train::DataShape shape{config.classes, {}, config.classes * 10};
  train::TrainingSession session(experiment, shape, device, comm);
  // A fixed batch made on the device: the benchmark measures the model, not the input pipeline. Each rank its own.
  torch::manual_seed(1 + comm->rank());
  data::Batch batch;
  batch.images = torch::randn({rows, 3, config.input_size, config.input_size}, torch::TensorOptions().device(device));
  batch.labels = torch::randint(config.classes, {rows}, torch::TensorOptions().device(device).dtype(torch::kInt64));
  batch.quality = torch::rand({rows}, torch::TensorOptions().device(device));
  batch.sample_ids = torch::arange(rows, torch::TensorOptions().device(device).dtype(torch::kInt64)) + rows * comm->rank();

  std::vector<double> collectives, gradient_sums;
  auto time_steps = [&](bool with_telemetry) {
    train::TelemetryBuilder telemetry(experiment, std::vector<std::int64_t>(config.classes, 10));
    std::vector<double> times;
    collectives.clear();
    gradient_sums.clear();
    for (int i = 0; i < config.warmup + config.iterations; ++i) {
      synchronize(device);
      const auto start = Clock::now();
      const double collectives_before = comm->seconds();
      const double gradients_before = session.replica_sync() ? session.replica_sync()->seconds_summing() : 0.0;
      const auto outcome = session.step(batch, 0.01, with_telemetry);
      if (with_telemetry) {
        train::StepRecord record;
        record.step = i + 1;
        telemetry.add_step(record, outcome, session);
        if ((i + 1) % config.report_every == 0) {
          telemetry.take_steps();
          telemetry.snapshot(session, session.class_statistics(), i + 1, 0);
        }
      }
      synchronize(device);
      if (i >= config.warmup) {
        times.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
        collectives.push_back(1000 * (comm->seconds() - collectives_before));
        gradient_sums.push_back(
            1000 * ((session.replica_sync() ? session.replica_sync()->seconds_summing() : 0.0) - gradients_before));
      }
    }
    return median(times);
  };
  result.step_ms = time_steps(false);
  result.world_size = world;
  result.collectives_ms = median(collectives);
  result.gradient_allreduce_ms = median(gradient_sums);
  result.compute_ms = result.step_ms - result.collectives_ms;
  result.classes_per_rank = session.classes_held().count;
  // Weights, their gradient and the optimiser's slots (SGD's momentum; AdamW's two moments).
  const double copies = 2.0 + (experiment.optimizer.kind == train::OptimizerKind::sgd ? 1.0 : 2.0);
  result.classifier_bytes_per_rank =
      copies * static_cast<double>(session.head()->kernel().numel()) * session.head()->kernel().element_size();
  result.step_with_telemetry_ms = time_steps(true);
  result.telemetry_overhead = result.step_with_telemetry_ms / result.step_ms - 1.0;
  measure_peaks();
  result.samples_per_second = 1000.0 * static_cast<double>(config.batch) / result.step_ms;  // the global batch

  if (config.profile_steps > 0) {
    profiler::thread_event_lists events;
    const auto start = Clock::now();
    {
      profiler::TLSLegacyProfilerGuard guard(
          torch::profiler::impl::ProfilerConfig(torch::profiler::impl::ProfilerState::CPU),
          [&events](const profiler::thread_event_lists& lists) { events = lists; });
      for (int i = 0; i < config.profile_steps; ++i) session.step(batch, 0.01, false);
      synchronize(device);
    }
    result.profiled_step_ms =
        std::chrono::duration<double, std::milli>(Clock::now() - start).count() / config.profile_steps;
    result.operators = self_times(events, config.profile_steps);
    if (!config.profile_trace.empty()) write_trace(events, config.profile_trace);
  }

  backbones::BackboneSpec spec;
  spec.kind = config.backbone;
  spec.embedding_dim = config.embedding_dim;
  spec.input_size = config.input_size;
  const double forward_macs = backbones::model_info(spec).multiply_adds +
                              static_cast<double>(config.embedding_dim) * static_cast<double>(config.classes);
  // Backward costs about twice the forward (gradients for inputs and for weights).
  result.flops_per_sample = 3.0 * 2.0 * forward_macs;
  result.achieved_flops = result.flops_per_sample * result.samples_per_second;
  result.peak_fraction = result.achieved_flops / result.peak_flops;
  return result;
}

}  // namespace marginlab::bench
