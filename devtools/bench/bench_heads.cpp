#include "devtools/bench/bench_heads.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>

#include "core/heads/head_registry.h"
#include "engine/heads/head_factory.h"

namespace marginlab::bench {
namespace {

double median_ms(const std::function<void()>& step, int warmup, int iterations) {
  for (int i = 0; i < warmup; ++i) step();
  std::vector<double> times;
  for (int i = 0; i < iterations; ++i) {
    const auto start = std::chrono::steady_clock::now();
    step();
    times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

}  // namespace

std::vector<HeadBenchRow> bench_heads(const HeadBenchConfig& config,
                                      const std::function<void(const HeadBenchRow&)>& on_row) {
  // The kinds asked for (aliases such as arcface-legacy too), or every variant of every head.
  std::vector<std::pair<std::string, heads::HeadVariant>> variants;
  for (const auto& kind : config.heads) variants.push_back({kind, {kind, {}}});
  if (variants.empty()) {
    for (const auto& variant : heads::head_variants()) variants.push_back({variant.label(), variant});
  }
  std::vector<HeadBenchRow> rows;
  auto emit = [&](HeadBenchRow row) {
    rows.push_back(row);
    if (on_row) on_row(row);
  };
  torch::manual_seed(static_cast<std::int64_t>(config.seed));
  for (const auto classes : config.classes) {
    // A backbone's output: unit embeddings that need a gradient, norms around AdaFace's typical range.
    auto raw = torch::randn({config.batch, config.dim});
    auto norms = raw.norm(2, 1, true) * 2.0;
    auto embeddings = (raw / raw.norm(2, 1, true)).requires_grad_(true);
    auto labels = torch::randint(classes, {config.batch}, torch::kInt64);

    auto kernel = torch::randn({config.dim, classes}).requires_grad_(true);
    const double baseline = median_ms(
        [&] {
          auto logits = torch::mm(embeddings, kernel / kernel.norm(2, 0, true)) * 64.0;
          torch::nn::functional::cross_entropy(logits, labels).backward();
          embeddings.mutable_grad() = torch::Tensor();
          kernel.mutable_grad() = torch::Tensor();
        },
        config.warmup, config.iterations);
    kernel = torch::Tensor();
    emit({"baseline", classes, baseline, 1.0});

    for (const auto& [label, variant] : variants) {
      auto spec = heads::spec_for(variant, config.dim, classes);
      spec.samples_per_class = 2;  // KappaFace's memory buffer: keep it small, the forward pass does not read it
      auto head = heads::make_head(spec);
      const double ms = median_ms(
          [&] {
            head->forward({embeddings, norms, labels, {}}).loss.backward();
            embeddings.mutable_grad() = torch::Tensor();
            head->kernel().mutable_grad() = torch::Tensor();
          },
          config.warmup, config.iterations);
      emit({label, classes, ms, ms / baseline});
    }
  }
  return rows;
}

}  // namespace marginlab::bench
