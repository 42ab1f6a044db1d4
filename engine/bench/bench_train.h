#pragma once
// Training throughput on tensors made on the device (no image pipeline, so it builds and runs without OpenCV):
// samples/s of full optimiser steps, the model FLOP/s they achieve, and that as a fraction of the machine's GEMM
// peak measured in the same run. Also the cost of the telemetry (diagnostics, host copies, snapshots).
#include <cstdint>
#include <string>

#include "engine/train/experiment.h"

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
};

struct TrainBenchResult {
  std::string device;
  int threads = 0;
  double gemm_peak_flops = 0;        // best of repeated square matrix products (FLOP/s), in the training precision
  std::int64_t gemm_size = 0;
  double step_ms = 0;                // median full step without telemetry
  double samples_per_second = 0;
  double flops_per_sample = 0;       // forward + backward (3 × forward) of backbone and head
  double achieved_flops = 0;         // flops_per_sample × samples/s
  double peak_fraction = 0;          // achieved / GEMM peak
  double step_with_telemetry_ms = 0; // median step with diagnostics, per-step records and a snapshot every N
  double telemetry_overhead = 0;     // step_with_telemetry / step − 1
};

TrainBenchResult bench_train(const TrainBenchConfig& config);

}  // namespace marginlab::bench
