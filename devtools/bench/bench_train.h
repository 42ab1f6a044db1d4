#pragma once
// Training throughput on tensors made on the device (no image pipeline, so it builds and runs without OpenCV):
// samples/s of full optimiser steps, the model FLOP/s they achieve, and that as a fraction of the machine's peak
// measured in the same run. Also the cost of the telemetry (diagnostics, host copies, snapshots).
//
// The peak is the faster of two kernels, because neither bounds the other: a square matrix product (the BLAS
// library's GEMM) and a 3×3 convolution (oneDNN on the CPU, cuDNN on CUDA). On the 2-core AMD EPYC development box
// Debian's LibTorch 1.13 reaches ~200 GFLOP/s in mm (OpenBLAS) but ~420-440 GFLOP/s in channels-last 3×3
// convolutions (oneDNN's JIT kernels): against the GEMM alone, IResNet training showed "120% of the peak".
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/experiment/experiment.h"

namespace marginlab::distributed {
class Communicator;
}

namespace marginlab::bench {

struct TrainBenchConfig {
  std::string backbone = "ir18";
  std::int64_t input_size = 112;
  std::int64_t batch = 64;
  std::int64_t embedding_dim = 512;
  std::string head = "arcface";
  std::int64_t classes = 1000;
  bool channels_last = true;
  train::Precision precision = train::Precision::fp32;
  train::DeviceChoice device = train::DeviceChoice::automatic;
  std::int64_t report_every = 10;  // as a run's report.every_steps, for the telemetry cost
  int warmup = 3;
  int iterations = 10;
  // After the timed steps, this many more under LibTorch's operator profiler (0: none): the time of each operator.
  int profile_steps = 0;
  std::string profile_trace;  // where to write those steps as a Chrome trace (chrome://tracing, Perfetto); optional
  // One rank of a distributed benchmark (null: one process): `batch` is then the global batch, each rank steps on its
  // share, and the classes are sharded as in training.
  std::shared_ptr<distributed::Communicator> comm;
};

// One operator's share of the profiled steps: its own time (less the operators it called), per step.
struct OperatorTime {
  std::string name;
  double self_ms_per_step = 0;
  double calls_per_step = 0;
};

struct TrainBenchResult {
  std::string device;
  int threads = 0;
  double gemm_peak_flops = 0;  // best of repeated square matrix products (FLOP/s), in the training precision,
                               // measured before and after the timed steps
  std::int64_t gemm_size = 0;
  double conv_peak_flops = 0;        // best of repeated 3×3 convolutions in the training memory format and precision,
                                     // before and after the steps
  double peak_flops = 0;             // the faster of the two
  double step_ms = 0;                // median full step without telemetry
  double samples_per_second = 0;
  double flops_per_sample = 0;       // forward + backward (3 × forward) of backbone and head
  double achieved_flops = 0;         // flops_per_sample × samples/s
  double peak_fraction = 0;          // achieved / peak_flops
  double step_with_telemetry_ms = 0; // median step with diagnostics, per-step records and a snapshot every N
  double telemetry_overhead = 0;     // step_with_telemetry / step − 1
  // Distributed (without telemetry; medians per step, on rank 0): the time in collectives, split into the backbone's
  // gradient allreduce and the rest (the head's: gathered embeddings and labels, the softmax statistics, the step's
  // sums); compute is the step less both. The classifier this rank holds: weights, gradient and optimiser slot.
  int world_size = 1;
  double collectives_ms = 0;
  double gradient_allreduce_ms = 0;
  double compute_ms = 0;
  std::int64_t classes_per_rank = 0;
  double classifier_bytes_per_rank = 0;
  // With profile_steps: every operator the step ran, the most expensive first, and the profiled steps' mean time
  // (slower than step_ms by the profiler's own cost).
  std::vector<OperatorTime> operators;
  double profiled_step_ms = 0;
};

TrainBenchResult bench_train(const TrainBenchConfig& config);

}  // namespace marginlab::bench
