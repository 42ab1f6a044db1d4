// One rank of the multi-process tests (test_distributed.cpp starts W of them through run_ranks): it joins the group
// the launch variables describe, runs the scenario named by argv[1], checks the result against what one process
// computes from the same seeded inputs, and exits 0 when it holds, 1 with the reason when not.
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

#include "core/errors.h"
#include "core/heads/head_registry.h"
#include "engine/distributed/communicator.h"
#include "engine/distributed/launch_env.h"
#include "engine/distributed/replica_sync.h"
#include "engine/distributed/sharded_softmax.h"
#include "engine/heads/head_factory.h"
#ifdef MARGINLAB_WITH_OPENCV
#include "engine/train/trainer.h"
#endif

namespace {

using marginlab::distributed::Communicator;

struct Failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void expect(bool condition, const std::string& what) {
  if (!condition) throw Failure(what);
}

double max_diff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

void collectives(Communicator& comm) {
  const int r = comm.rank(), w = comm.world_size();
  auto sum = torch::full({3}, static_cast<double>(r + 1), torch::kFloat64);
  comm.allreduce_sum(sum);
  expect(torch::allclose(sum, torch::full({3}, w * (w + 1) / 2.0, torch::kFloat64)), "allreduce sum");
  auto max = torch::tensor({static_cast<double>(r), -static_cast<double>(r)}, torch::kFloat64);
  comm.allreduce_max(max);
  expect(max[0].item<double>() == w - 1 && max[1].item<double>() == 0, "allreduce max");
  const auto rows = comm.allgather_rows(torch::full({2, 2}, static_cast<double>(r), torch::kFloat64));
  expect(rows.size(0) == 2 * w, "allgather rows");
  for (int k = 0; k < w; ++k) expect(rows[2 * k][0].item<double>() == k, "allgather order");
  const int root = w > 1 ? 1 : 0;
  auto value = torch::full({4}, r == root ? 7.5 : 0.0, torch::kFloat64);
  comm.broadcast(value, root);
  expect(torch::allclose(value, torch::full({4}, 7.5, torch::kFloat64)), "broadcast from rank " + std::to_string(root));
  comm.barrier();
}

// The first C % W ranks hold one class more (arcface_torch's split).
std::pair<std::int64_t, std::int64_t> class_range(std::int64_t classes, int rank, int world) {
  const std::int64_t base = classes / world, extra = classes % world;
  const std::int64_t count = base + (rank < extra ? 1 : 0);
  const std::int64_t start = base * rank + std::min<std::int64_t>(rank, extra);
  return {start, count};
}

// CosFace-like logits s·(cos − m·[target]) of unit rows against unit columns.
torch::Tensor margin_logits(const torch::Tensor& rows, const torch::Tensor& columns, const torch::Tensor& target) {
  const double s = 16.0, m = 0.35;
  auto cosine = torch::mm(rows / rows.norm(2, 1, true), columns / columns.norm(2, 0, true));
  auto margin = torch::zeros_like(cosine);
  const auto here = target >= 0;
  margin.scatter_(1, target.clamp_min(0).unsqueeze(1), here.to(cosine.scalar_type()).unsqueeze(1) * m);
  return s * (cosine - margin);
}

// The sharded cross-entropy over gathered rows equals one process's cross-entropy over the whole batch: the loss,
// the gradient of this rank's columns and of its rows (distributed.md §4.2, test 2).
void sharded_cross_entropy(const std::shared_ptr<Communicator>& comm) {
  const int r = comm->rank(), w = comm->world_size();
  const std::int64_t batch = 12, classes = 10, dim = 8, local_rows = batch / w;
  torch::manual_seed(11);
  const auto embeddings = torch::randn({batch, dim}, torch::kFloat64);
  const auto kernel = torch::randn({dim, classes}, torch::kFloat64);
  const auto labels = torch::randint(classes, {batch}, torch::kInt64);

  // One process, the whole batch.
  auto full_rows = embeddings.clone().requires_grad_(true);
  auto full_kernel = kernel.clone().requires_grad_(true);
  auto full_loss = torch::nn::functional::cross_entropy(margin_logits(full_rows, full_kernel, labels), labels);
  full_loss.backward();

  // This rank: its rows, its classes.
  const auto [start, count] = class_range(classes, r, w);
  auto rows = embeddings.narrow(0, r * local_rows, local_rows).clone().requires_grad_(true);
  auto columns = kernel.narrow(1, start, count).clone().requires_grad_(true);
  const auto gathered = marginlab::distributed::gather_rows(comm, rows);
  const auto owned = (labels >= start) & (labels < start + count);
  const auto target = torch::where(owned, labels - start, torch::full_like(labels, -1));
  auto loss = marginlab::distributed::sharded_cross_entropy(comm, margin_logits(gathered, columns, target), target);
  loss.backward();

  expect(std::abs(loss.item<double>() - full_loss.item<double>()) < 1e-12,
         "loss " + std::to_string(loss.item<double>()) + " vs " + std::to_string(full_loss.item<double>()));
  expect(max_diff(columns.grad(), full_kernel.grad().narrow(1, start, count)) < 1e-12, "gradient of the columns");
  expect(max_diff(rows.grad(), full_rows.grad().narrow(0, r * local_rows, local_rows)) < 1e-12, "gradient of the rows");
}

torch::nn::Sequential small_backbone() {
  return torch::nn::Sequential(torch::nn::Linear(8, 16), torch::nn::Tanh(), torch::nn::Linear(16, 6));
}

double max_parameter_diff(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  double worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, max_diff(a[i], b[i]));
  return worst;
}

// Replicas that start apart are made rank 0's, and K steps of SGD (momentum, weight decay, clipping after the sum)
// on each rank's share of the global batch equal K steps of one process on the whole batch.
void data_parallel(const std::shared_ptr<Communicator>& comm) {
  const int r = comm->rank(), w = comm->world_size();
  const std::int64_t batch = 12, local = batch / w, steps = 3;
  torch::manual_seed(100 + r);
  auto replica = small_backbone();
  replica->to(torch::kFloat64);
  torch::manual_seed(100);
  auto reference = small_backbone();
  reference->to(torch::kFloat64);
  torch::manual_seed(7);
  const auto inputs = torch::randn({steps, batch, 8}, torch::kFloat64);
  const auto targets = torch::randn({steps, batch, 6}, torch::kFloat64);

  marginlab::distributed::ReplicaSync sync(comm, replica->parameters(), replica->buffers(), /*bucket_bytes=*/600);
  expect(w == 1 || sync.bucket_sizes().size() >= 2, "several buckets");
  sync.broadcast_from_rank0();
  expect(max_parameter_diff(replica->parameters(), reference->parameters()) == 0, "rank 0's start");
  const auto options = torch::optim::SGDOptions(0.1).momentum(0.9).weight_decay(5e-4);
  torch::optim::SGD sgd(replica->parameters(), options);
  torch::optim::SGD reference_sgd(reference->parameters(), options);
  for (std::int64_t t = 0; t < steps; ++t) {
    // This rank's part of the global mean.
    const auto x = inputs[t].narrow(0, r * local, local), y = targets[t].narrow(0, r * local, local);
    sgd.zero_grad();
    ((replica->forward(x) - y).pow(2).sum() / static_cast<double>(batch * 6)).backward();
    sync.sum_gradients();
    torch::nn::utils::clip_grad_norm_(replica->parameters(), 0.5);
    sgd.step();
    reference_sgd.zero_grad();
    (reference->forward(inputs[t]) - targets[t]).pow(2).mean().backward();
    torch::nn::utils::clip_grad_norm_(reference->parameters(), 0.5);
    reference_sgd.step();
  }
  const double diff = max_parameter_diff(replica->parameters(), reference->parameters());
  expect(diff < 1e-12, "parameters after " + std::to_string(steps) + " steps differ by " + std::to_string(diff));
}

// Partial FC end to end: a data-parallel backbone, the classifier's columns sharded, embeddings gathered, the sharded
// cross-entropy; K SGD steps equal one process training backbone and full classifier on the global batch.
void partial_fc_training(const std::shared_ptr<Communicator>& comm) {
  const int r = comm->rank(), w = comm->world_size();
  const std::int64_t batch = 12, local = batch / w, classes = 10, steps = 3;
  torch::manual_seed(100);
  auto backbone = small_backbone();
  torch::manual_seed(100);
  auto reference = small_backbone();
  backbone->to(torch::kFloat64);
  reference->to(torch::kFloat64);
  torch::manual_seed(5);
  auto kernel = torch::randn({6, classes}, torch::kFloat64);
  const auto inputs = torch::randn({steps, batch, 8}, torch::kFloat64);
  const auto labels = torch::randint(classes, {steps, batch}, torch::kInt64);
  const auto [start, count] = class_range(classes, r, w);
  auto shard = kernel.narrow(1, start, count).clone().requires_grad_(true);
  auto full_kernel = kernel.clone().requires_grad_(true);

  marginlab::distributed::ReplicaSync sync(comm, backbone->parameters(), backbone->buffers());
  sync.broadcast_from_rank0();
  const auto options = torch::optim::SGDOptions(0.1).momentum(0.9).weight_decay(5e-4);
  auto parameters = backbone->parameters();
  parameters.push_back(shard);
  torch::optim::SGD sgd(parameters, options);
  auto reference_parameters = reference->parameters();
  reference_parameters.push_back(full_kernel);
  torch::optim::SGD reference_sgd(reference_parameters, options);
  for (std::int64_t t = 0; t < steps; ++t) {
    const auto y = labels[t];
    const auto owned = (y >= start) & (y < start + count);
    const auto target = torch::where(owned, y - start, torch::full_like(y, -1));
    sgd.zero_grad();
    const auto rows =
        marginlab::distributed::gather_rows(comm, backbone->forward(inputs[t].narrow(0, r * local, local)));
    marginlab::distributed::sharded_cross_entropy(comm, margin_logits(rows, shard, target), target).backward();
    sync.sum_gradients();  // the shard's gradient is its own: never summed
    sgd.step();
    reference_sgd.zero_grad();
    torch::nn::functional::cross_entropy(margin_logits(reference->forward(inputs[t]), full_kernel, y), y).backward();
    reference_sgd.step();
  }
  const double backbone_diff = max_parameter_diff(backbone->parameters(), reference->parameters());
  const double shard_diff = max_diff(shard, full_kernel.narrow(1, start, count));
  expect(backbone_diff < 1e-12, "backbone after the steps differs by " + std::to_string(backbone_diff));
  expect(shard_diff < 1e-12, "classifier shard after the steps differs by " + std::to_string(shard_diff));
}

// Every head variant on this rank's classes, with the values of other ranks' rows summed over the ranks, gives the
// full head's columns and the full head's per-row diagnostics, twice in a row (CurricularFace's t and ElasticFace's
// draws move between the calls).
void heads_on_shards(const std::shared_ptr<Communicator>& comm) {
  const int r = comm->rank(), w = comm->world_size();
  const std::int64_t classes = 10, batch = 9;
  torch::manual_seed(21);
  const auto cosine = torch::rand({2, batch, classes}, torch::kFloat64) * 1.8 - 0.9;
  const auto norms = torch::linspace(5.0, 90.0, batch, torch::kFloat64);
  const auto labels = torch::tensor({0, 3, 4, 9, 6, 1, 7, 2, 8}, torch::kInt64);
  const auto [start, count] = class_range(classes, r, w);
  const auto owned = (labels >= start) & (labels < start + count);
  const auto local = torch::where(owned, labels - start, torch::full_like(labels, -1));
  for (const auto& variant : marginlab::heads::head_variants()) {
    auto build = [&variant](marginlab::heads::HeadSpec spec) {
      auto head = marginlab::heads::make_head(spec);
      head->to(torch::kFloat64);
      return head;
    };
    auto full = build(marginlab::heads::spec_for(variant, 4, classes));
    auto shard_spec = marginlab::heads::spec_for(variant, 4, classes);
    shard_spec.first_class = start;
    shard_spec.held_classes = count;
    auto shard = build(shard_spec);
    shard->set_over_ranks({[comm](torch::Tensor& t) { comm->allreduce_sum(t); },
                           [comm](torch::Tensor& t) { comm->allreduce_max(t); }});
    for (std::int64_t call = 0; call < 2; ++call) {
      auto full_norms = norms.clone().requires_grad_(true);
      auto shard_norms = norms.clone().requires_grad_(true);
      const auto whole = full->forward_cosine(cosine[call], full_norms, labels, /*with_diagnostics=*/true);
      const auto part = shard->forward_cosine(cosine[call].narrow(1, start, count), shard_norms, local, true);
      const auto expected = whole.logits.narrow(1, start, count);
      const auto got = part.logits;
      const double diff = max_diff(got, expected);
      // MARGINLAB_DEBUG_SHARDS=1 prints both matrices of a failing comparison (which rows and columns differ).
      if (diff >= 1e-12 && std::getenv("MARGINLAB_DEBUG_SHARDS")) {
        std::cout << variant.label() << " rank " << r << "\ngot\n" << got << "\nexpected\n" << expected << std::endl;
      }
      expect(diff < 1e-12,
             variant.label() + ", call " + std::to_string(call) + ": shard logits differ by " + std::to_string(diff));
      // The diagnostics describe whole rows on every rank: global labels, targets and softmax over all columns.
      using D = marginlab::heads::DiagnosticTensors;
      for (const auto& [name, field] : std::vector<std::pair<std::string, torch::Tensor D::*>>{
               {"label", &D::label}, {"labelled", &D::labelled}, {"norm", &D::norm}, {"margin", &D::margin},
               {"cos_margin", &D::cos_margin}, {"theta", &D::theta}, {"max_other_cos", &D::max_other_cos},
               {"hard", &D::hard}, {"target_grad", &D::target_grad}, {"z_hat", &D::z_hat},
               {"g_angular", &D::g_angular}, {"g_additive", &D::g_additive}}) {
        const auto& a = part.diagnostics.*field;
        const auto& b = whole.diagnostics.*field;
        expect(a.defined() == b.defined(), variant.label() + ": diagnostic " + name + " defined on one side only");
        if (!a.defined()) continue;
        const double d = max_diff(a.to(torch::kFloat64), b.to(torch::kFloat64));
        expect(d < 1e-9, variant.label() + ": diagnostic " + name + " differs by " + std::to_string(d));
      }
      // A regulariser (MagFace's) is counted once over the ranks: its value and its gradient add up to the full one.
      auto regulariser = part.regulariser.detach().reshape({1}).clone();
      comm->allreduce_sum(regulariser);
      expect(std::abs(regulariser.item<double>() - whole.regulariser.item<double>()) < 1e-12,
             variant.label() + ": the ranks' regularisers add up to " + std::to_string(regulariser.item<double>()) +
                 ", not " + std::to_string(whole.regulariser.item<double>()));
      if (whole.regulariser.requires_grad()) {
        whole.regulariser.backward();
        part.regulariser.backward();
        auto gradient = shard_norms.grad().clone();
        comm->allreduce_sum(gradient);
        expect(max_diff(gradient, full_norms.grad()) < 1e-12, variant.label() + ": regulariser gradient");
      }
    }
  }
}

// Ranks that bring different numbers of rows are refused on every rank, with the sizes, before the rows travel.
void mismatched_rows(const std::shared_ptr<Communicator>& comm) {
  const auto rows = torch::zeros({comm->rank() == 0 ? 3 : 4, 2}, torch::kFloat64);
  try {
    marginlab::distributed::gather_rows(comm, rows);
  } catch (const marginlab::DistributedError& error) {
    const std::string message = error.what();
    expect(message.find("has 3 rows") != std::string::npos || message.find("has 4 rows") != std::string::npos,
           "the message names the sizes: " + message);
    std::printf("refused: %s\n", error.what());
    return;
  }
  throw Failure("rows of different sizes were gathered");
}


#ifdef MARGINLAB_WITH_OPENCV
// A small SynthFace run on the demo network with synchronised BatchNorm: what W ranks and one process must agree on.
marginlab::train::Experiment small_run(const std::string& runs_dir, const std::string& name, const std::string& head,
                                       std::int64_t steps) {
  marginlab::train::Experiment e;
  e.name = name;
  e.runs_dir = runs_dir;
  e.data.synthface = {{"identities", 10}, {"max_images_per_identity", 16}, {"imbalance_ratio", 3},
                      {"verification_identities", 6}, {"pairs_per_stratum", 10}};
  e.data.image_size = 32;
  e.data.loader_threads = 1;
  e.model.backbone = "demo";
  e.model.embedding_dim = 16;
  e.head.kind = head;
  if (head == "kappaface") e.head.params["refresh_every_steps"] = 2.0;  // ψ moves within the few steps
  e.optimizer.lr = 0.002;
  e.schedule.kind = marginlab::train::ScheduleKind::constant;
  e.train.epochs = 100;
  e.train.max_steps = steps;
  e.train.batch_size = 24;
  e.train.device = marginlab::train::DeviceChoice::cpu;
  e.train.threads = 1;
  e.train.sync_batchnorm = true;
  e.report.every_steps = 1;
  e.checkpoint.every_steps = 0;
  e.eval.at_end = false;
  return e;
}

struct Trained {
  std::vector<marginlab::train::StepRecord> steps;
  std::shared_ptr<const marginlab::train::Snapshot> snapshot;
  std::filesystem::path directory;
};

Trained train_run(marginlab::train::Trainer& trainer) {
  const auto summary = trainer.run();
  return {trainer.telemetry().drain_steps(), trainer.telemetry().latest_snapshot(), summary.run_directory};
}

void expect_close(const std::vector<double>& a, const std::vector<double>& b, double tolerance, const std::string& what) {
  expect(a.size() == b.size(), what + ": " + std::to_string(a.size()) + " values against " + std::to_string(b.size()));
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double scale = std::max(1.0, std::abs(b[i]));
    expect(std::abs(a[i] - b[i]) <= tolerance * scale,
           what + "[" + std::to_string(i) + "] = " + std::to_string(a[i]) + ", one process " + std::to_string(b[i]));
  }
}

// W ranks train a few steps of a real run (Trainer, SynthFace, demo network with synchronised BatchNorm, the head's
// classes sharded); rank 0 then trains the same run in one process and compares every step's loss, accuracy and
// gradient norm, and the per-class state the telemetry shows (KappaFace's ψ, refreshed every 2 steps from the
// ranks' own classes: indexing ψ by a rank's local class id, as the official code does, moves the margins and fails
// here). Four steps: at s = 64 the first steps' gradients are in the hundreds, and after five or six steps float32
// rounding has flipped a threshold somewhere (CurricularFace's hard negatives, ArcFace's θ + m > π) and the runs
// part by 1e-4 (measured); until then the losses agree to about 1e-6.
// `spec`: a head kind, or "kind@rate" for Partial FC's negative sampling at that rate, or "kind:per-rank" for ranks
// with their own BatchNorm statistics against one process with as many BatchNorm groups (Ghost BatchNorm). Sampled runs
// compare three steps: with 29-32 of 40 classes in each softmax the steps are larger still, and at step 4 the loss
// parted by 6e-4 while the parameters after step 2 agreed to 2e-6 (measured with W = 2 and 3 against one process). So
// do per-rank BatchNorm runs: where the one process convolves the global batch and each rank its half, oneDNN sums in
// another order, and since BatchNorm → PReLU is one fused step (its rounding differs from LibTorch's two) AdaFace's W =
// 2 run parted at step 4 (loss 36.6079 against 36.6201) after three losses that agreed to 2e-7.
void training_run(const std::shared_ptr<Communicator>& comm, const std::string& dir, const std::string& spec) {
  const auto at = spec.find('@');
  const auto colon = spec.find(':');
  const bool per_rank_bn = colon != std::string::npos;
  const std::int64_t steps = at == std::string::npos && !per_rank_bn ? 4 : 3;
  const std::string head = spec.substr(0, std::min(at, colon));
  auto experiment = [&](const std::string& runs, const std::string& name) {
    auto e = small_run(runs, name, head, steps);
    if (per_rank_bn) {
      e.train.sync_batchnorm = false;
      if (name == "one") e.train.batchnorm_groups = comm->world_size();
    }
    if (at != std::string::npos) {
      e.head.sample_rate = std::stod(spec.substr(at + 1));
      e.data.synthface["identities"] = 40;  // so that a batch of 24 leaves classes out for the draw to decide
    }
    return e;
  };
  marginlab::train::Trainer ranks(experiment(dir + "/ranks", "w"), comm);
  const auto distributed = train_run(ranks);
  comm->barrier();
  if (comm->rank() != 0) return;
  marginlab::train::Trainer one(experiment(dir + "/one", "one"));
  const auto reference = train_run(one);
  auto column = [](const std::vector<marginlab::train::StepRecord>& records, double marginlab::train::StepRecord::*f) {
    std::vector<double> values;
    for (const auto& r : records) values.push_back(r.*f);
    return values;
  };
  using R = marginlab::train::StepRecord;
  if (std::getenv("MARGINLAB_DEBUG_TRAINING")) {
    for (std::size_t i = 0; i < distributed.steps.size(); ++i) {
      const auto &a = distributed.steps[i], &b = reference.steps[i];
      std::printf("step %zu loss %.7f %.7f acc %.4f %.4f grad %.6f %.6f margin %.7f %.7f norm %.6f %.6f\n", i + 1, a.loss,
                  b.loss, a.accuracy, b.accuracy, a.grad_norm, b.grad_norm, a.margin_mean, b.margin_mean, a.norm_mean,
                  b.norm_mean);
    }
  }
  expect_close(column(distributed.steps, &R::loss), column(reference.steps, &R::loss), 1e-4, head + " loss");
  expect_close(column(distributed.steps, &R::accuracy), column(reference.steps, &R::accuracy), 1e-6, head + " accuracy");
  expect_close(column(distributed.steps, &R::grad_norm), column(reference.steps, &R::grad_norm), 2e-3,
               head + " gradient norm");
  expect_close(column(distributed.steps, &R::margin_mean), column(reference.steps, &R::margin_mean), 1e-4,
               head + " mean margin");
  expect(distributed.snapshot && reference.snapshot, "no snapshot");
  const auto& k = distributed.snapshot->kappa;
  const auto& k1 = reference.snapshot->kappa;
  expect(k.kept == k1.kept, head + ": class statistics kept on one side only");
  if (k.kept) {
    expect(k.refreshes == k1.refreshes && k.refreshes >= 2, head + ": refreshes " + std::to_string(k.refreshes));
    expect_close(k.kappa, k1.kappa, 1e-3, head + " κ");
    expect_close(k.psi, k1.psi, 1e-4, head + " ψ");
    std::vector<double> counts(k.count.begin(), k.count.end()), counts1(k1.count.begin(), k1.count.end());
    expect_close(counts, counts1, 0, head + " n_c");
  }
  std::printf("%s: %zu steps, last loss %.6f (one process %.6f)\n", head.c_str(), distributed.steps.size(),
              distributed.steps.back().loss, reference.steps.back().loss);
}

// Controls reach every rank at the same step: a live change posted on rank 0 is applied (or refused) at the first
// step boundary, and a stop asked of the last rank only ends every rank at the same step, with one checkpoint there.
void controls(const std::shared_ptr<Communicator>& comm, const std::string& dir) {
  auto experiment = small_run(dir, "c", "arcface", 100000);
  marginlab::train::Trainer trainer(experiment, comm);
  if (comm->rank() == 0) trainer.live_parameters().post({{"m", 0.3}, {"s", 1e9}});  // s is out of range: refused
  std::thread stopper;
  if (comm->rank() == comm->world_size() - 1) {
    stopper = std::thread([&trainer] {
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      trainer.control().stop();
    });
  }
  const auto summary = trainer.run();
  if (stopper.joinable()) stopper.join();
  auto steps = torch::tensor({summary.steps}, torch::kInt64);
  const auto all = comm->allgather_rows(steps);
  expect(summary.stopped, "the run was not stopped");
  expect((all == summary.steps).all().item<bool>(), "ranks stopped at different steps");
  if (comm->rank() != 0) return;
  std::vector<marginlab::train::RunEvent> applied, refused;
  for (const auto& e : trainer.telemetry().drain_events()) {
    if (e.kind == marginlab::train::RunEvent::Kind::param_applied) applied.push_back(e);
    if (e.kind == marginlab::train::RunEvent::Kind::param_rejected) refused.push_back(e);
    if (e.kind == marginlab::train::RunEvent::Kind::checkpoint) {
      expect(e.step == summary.steps, "checkpoint at step " + std::to_string(e.step));
    }
  }
  expect(applied.size() == 1 && applied[0].name == "m" && applied[0].step == 0, "m = 0.3 applied at the first step");
  expect(refused.size() == 1 && refused[0].name == "s", "s = 1e9 refused");
  std::printf("stopped at step %lld on every rank\n", static_cast<long long>(summary.steps));
}

// One stage of a run across world sizes: a new run of `steps` steps in <dir>, or the run in <dir> resumed to `steps`.
void training_stage(const std::shared_ptr<Communicator>& comm, const std::string& dir, const std::string& name,
                    std::int64_t steps, bool resume) {
  auto experiment = small_run(dir, name, "arcface", steps);
  if (resume) {
    experiment.runs_dir = std::filesystem::path(dir).parent_path().string();
    marginlab::train::Trainer trainer(std::filesystem::path(dir), &experiment, comm);
    train_run(trainer);
  } else {
    // The end's evaluation runs on rank 0 while the others wait at a barrier.
    experiment.eval.at_end = true;
    marginlab::train::Trainer trainer(experiment, comm);
    const auto summary = trainer.run();
    if (comm->rank() == 0) {
      expect(summary.evaluations.size() == 1 && !summary.evaluations[0].strata.empty(), "rank 0 evaluated at the end");
      std::printf("run directory: %s, accuracy %.3f\n", summary.run_directory.c_str(),
                  summary.evaluations[0].strata[0].metrics.accuracy);
    } else {
      expect(summary.evaluations.empty(), "only rank 0 evaluates");
    }
  }
}
#endif

}  // namespace

int main(int argc, char** argv) {
  at::set_num_threads(1);
  const std::string scenario = argc > 1 ? argv[1] : "";
  try {
    const auto env = marginlab::distributed::read_launch_env();
    if (scenario == "exit") return env.rank == 1 ? 3 : 0;  // before any group: the launcher must end the others
    if (scenario == "sleep") {                             // until a signal ends it
      std::this_thread::sleep_for(std::chrono::seconds(120));
      return 0;
    }
    marginlab::distributed::GroupOptions options;
    options.timeout = std::chrono::seconds(30);
    options.gloo_threads = 1;
    auto comm = marginlab::distributed::connect(env, options);
    if (scenario == "collectives") {
      collectives(*comm);
    } else if (scenario == "sharded_cross_entropy") {
      sharded_cross_entropy(comm);
    } else if (scenario == "data_parallel") {
      data_parallel(comm);
    } else if (scenario == "partial_fc_training") {
      partial_fc_training(comm);
    } else if (scenario == "heads_on_shards") {
      heads_on_shards(comm);
    } else if (scenario == "mismatched_rows") {
      mismatched_rows(comm);
#ifdef MARGINLAB_WITH_OPENCV
    } else if (scenario == "training_run" && argc == 4) {
      training_run(comm, argv[2], argv[3]);
    } else if (scenario == "controls" && argc == 3) {
      controls(comm, argv[2]);
    } else if (scenario == "training_stage" && argc == 6) {
      training_stage(comm, argv[2], argv[3], std::stoll(argv[4]), std::string(argv[5]) == "resume");
#endif
    } else if (scenario == "die") {
      if (env.rank == 1) std::_Exit(4);  // as a crash: no destructor closes anything in order
      comm->barrier();
    } else {
      std::fprintf(stderr, "unknown scenario '%s'\n", scenario.c_str());
      return 2;
    }
    comm->barrier();
    std::printf("%s: ok\n", scenario.c_str());
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "%s failed: %s\n", scenario.c_str(), error.what());
    return 1;
  }
}
