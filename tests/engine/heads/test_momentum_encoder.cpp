// KappaFace's momentum encoder: θ_k ← 0.9·θ_k + 0.1·θ_q for every parameter and (unlike the authors' code) every
// BatchNorm running statistic; the encoder never trains.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <map>
#include <string>

#include "core/errors.h"
#include "engine/heads/momentum_encoder.h"

namespace mh = marginlab::heads;

namespace {

// Linear + BatchNorm1d behind a TORCH_MODULE holder (the kind of backbone MomentumEncoder instantiates with today).
struct EncoderNetImpl : torch::nn::Cloneable<EncoderNetImpl> {
  EncoderNetImpl() { reset(); }
  void reset() override {
    body = register_module("body", torch::nn::Sequential(torch::nn::Linear(5, 3), torch::nn::BatchNorm1d(3)));
  }
  torch::Tensor forward(const torch::Tensor& x) { return body->forward(x); }
  torch::nn::Sequential body{nullptr};
};
TORCH_MODULE(EncoderNet);

// Float32 on purpose: LibTorch's Module::to(kFloat64) converts every buffer, num_batches_tracked included, which
// would then be blended instead of copied.
torch::nn::Sequential make_sequential() {
  torch::manual_seed(121);
  torch::nn::Sequential net(torch::nn::Linear(5, 3), torch::nn::BatchNorm1d(3));
  return net;
}

EncoderNet make_net() {
  torch::manual_seed(121);
  EncoderNet net;
  return net;
}

std::map<std::string, torch::Tensor> state_of(const torch::nn::Module& m) {
  std::map<std::string, torch::Tensor> state;
  for (const auto& p : m.named_parameters()) state[p.key()] = p.value().detach().clone();
  for (const auto& b : m.named_buffers()) state[b.key()] = b.value().detach().clone();
  return state;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Moves the backbone: training-mode forwards (BatchNorm running statistics) and a change of every parameter.
template <class Holder>
void perturb(Holder& net, std::uint64_t seed) {
  torch::manual_seed(seed);
  net->train();
  for (int i = 0; i < 10; ++i) net->forward(3.0 * torch::randn({16, 5}) + 3.0);
  torch::NoGradGuard no_grad;
  for (auto& p : net->parameters()) p.add_(torch::randn_like(p));
}

template <class Holder>
void check_starts_as_frozen_copy(Holder backbone) {
  mh::MomentumEncoder<Holder> momentum(backbone, 0.1);
  auto& encoder = momentum.encoder();
  EXPECT_FALSE(encoder->is_training());
  for (const auto& p : encoder->parameters()) EXPECT_FALSE(p.requires_grad());
  for (const auto& p : backbone->parameters()) EXPECT_TRUE(p.requires_grad());
  const auto a = state_of(*backbone);
  const auto b = state_of(*encoder);
  ASSERT_EQ(a.size(), b.size());
  ASSERT_EQ(a.size(), 7u);  // weight, bias, BN weight, bias, running_mean, running_var, num_batches_tracked
  for (const auto& [name, value] : a) EXPECT_TRUE(torch::equal(value, b.at(name))) << name;
  // A deep copy: changing the backbone leaves the encoder alone.
  perturb(backbone, 122);
  for (const auto& [name, value] : state_of(*encoder)) EXPECT_TRUE(torch::equal(value, b.at(name))) << name;
}

template <class Holder>
void check_ema(Holder backbone) {
  mh::MomentumEncoder<Holder> momentum(backbone, 0.1);
  perturb(backbone, 123);
  const auto q = state_of(*backbone);
  const auto k0 = state_of(*momentum.encoder());
  int running = 0;
  for (const auto& [name, value] : q) {
    if (ends_with(name, "running_mean") || ends_with(name, "running_var")) {
      ++running;
      // The running statistics really moved, so the buffer check below is not vacuous.
      ASSERT_GT((value - k0.at(name)).abs().max().template item<double>(), 0.05) << name;
    }
  }
  ASSERT_EQ(running, 2);
  momentum.update(backbone);
  const auto k1 = state_of(*momentum.encoder());
  for (const auto& [name, value] : q) {
    if (ends_with(name, "num_batches_tracked")) {
      EXPECT_EQ(k1.at(name).template item<std::int64_t>(), value.template item<std::int64_t>()) << name;
      continue;
    }
    auto expected = 0.9 * k0.at(name) + 0.1 * value;
    EXPECT_LT((k1.at(name) - expected).abs().max().template item<double>(), 1e-6) << name;
  }
  // The backbone is not touched by the update.
  for (const auto& [name, value] : state_of(*backbone)) EXPECT_TRUE(torch::equal(value, q.at(name))) << name;
  // After k updates with a fixed backbone: θ_k = θ_q + (θ_k0 − θ_q)·0.9^k.
  for (int i = 0; i < 4; ++i) momentum.update(backbone);
  const auto k5 = state_of(*momentum.encoder());
  for (const auto& [name, value] : q) {
    if (ends_with(name, "num_batches_tracked")) continue;
    auto expected = value + (k0.at(name) - value) * std::pow(0.9, 5);
    EXPECT_LT((k5.at(name) - expected).abs().max().template item<double>(), 1e-6) << name;
  }
  for (const auto& p : momentum.encoder()->parameters()) EXPECT_FALSE(p.requires_grad());
}

}  // namespace

TEST(MomentumEncoder, StartsAsAFrozenCopyInEvalMode) { check_starts_as_frozen_copy(make_net()); }

TEST(MomentumEncoder, ParametersAndRunningStatisticsFollowTheEma) { check_ema(make_net()); }

TEST(MomentumEncoder, SequentialBackboneStartsAsAFrozenCopy) { check_starts_as_frozen_copy(make_sequential()); }

TEST(MomentumEncoder, SequentialBackboneFollowsTheEma) { check_ema(make_sequential()); }

TEST(MomentumEncoder, EmaUpdateOnASequentialBlendsParametersAndBuffers) {
  // The free function works on any module, Sequential included.
  auto target = make_sequential();
  torch::manual_seed(124);
  torch::nn::Sequential source(torch::nn::Linear(5, 3), torch::nn::BatchNorm1d(3));
  perturb(source, 125);
  const auto k0 = state_of(*target);
  const auto q = state_of(*source);
  mh::ema_update(*target, *source, 0.1);
  const auto k1 = state_of(*target);
  for (const auto& name : {"0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var"}) {
    ASSERT_GT((q.at(name) - k0.at(name)).abs().max().item<double>(), 1e-3) << name;
    EXPECT_LT((k1.at(name) - (0.9 * k0.at(name) + 0.1 * q.at(name))).abs().max().item<double>(), 1e-6) << name;
  }
  EXPECT_EQ(k1.at("1.num_batches_tracked").item<std::int64_t>(), 10);
}

TEST(MomentumEncoder, StructureMismatchIsRejected) {
  torch::nn::Sequential a(torch::nn::Linear(5, 3));
  torch::nn::Sequential b(torch::nn::Linear(5, 4));
  torch::nn::Sequential c(torch::nn::Linear(5, 3), torch::nn::BatchNorm1d(3));
  const auto before = a->parameters()[0].clone();
  EXPECT_THROW(mh::ema_update(*a, *b, 0.1), marginlab::InvalidParameter);
  EXPECT_THROW(mh::ema_update(*a, *c, 0.1), marginlab::InvalidParameter);
  EXPECT_TRUE(torch::equal(a->parameters()[0], before));
  // Matching structures blend.
  torch::nn::Sequential d(torch::nn::Linear(5, 3));
  mh::ema_update(*a, *d, 0.5);
  EXPECT_TRUE(torch::allclose(a->parameters()[0], 0.5 * before + 0.5 * d->parameters()[0].detach()));
}

TEST(MomentumEncoder, BatchNormCounterIsCopiedEvenInFloat64) {
  // Module::to(kFloat64) makes num_batches_tracked floating point; it must still be copied, not blended.
  auto target = make_sequential();
  auto source = make_sequential();
  target->to(torch::kFloat64);
  source->to(torch::kFloat64);
  source->train();
  for (int i = 0; i < 10; ++i) source->forward(torch::randn({6, 5}, torch::kFloat64));
  marginlab::heads::ema_update(*target, *source, 0.1);
  for (const auto& item : target->named_buffers()) {
    if (ends_with(item.key(), "num_batches_tracked")) EXPECT_EQ(item.value().item<double>(), 10.0) << item.key();
  }
}
