#include "engine/heads/momentum_encoder.h"

#include "core/errors.h"

namespace marginlab::heads {
namespace {

void blend(const torch::OrderedDict<std::string, torch::Tensor>& targets,
           const torch::OrderedDict<std::string, torch::Tensor>& sources, double w, const char* what) {
  if (targets.size() != sources.size()) {
    throw InvalidParameter(std::string("momentum encoder: the encoder has ") + std::to_string(targets.size()) + " " +
                           what + " but the backbone has " + std::to_string(sources.size()));
  }
  for (const auto& item : targets) {
    const auto* source = sources.find(item.key());
    if (source == nullptr || !source->sizes().equals(item.value().sizes())) {
      throw InvalidParameter("momentum encoder: " + std::string(what) + " '" + item.key() +
                             "' does not match the backbone's");
    }
    auto target = item.value();
    // A counter stays a counter even after Module::to(kFloat64) made it floating point.
    const bool counter = item.key().ends_with("num_batches_tracked");
    if (target.is_floating_point() && !counter) {
      target.mul_(1.0 - w).add_(source->to(target.dtype()), w);
    } else {
      target.copy_(*source);
    }
  }
}

}  // namespace

void ema_update(torch::nn::Module& target, const torch::nn::Module& source, double source_weight) {
  torch::NoGradGuard no_grad;
  blend(target.named_parameters(), source.named_parameters(), source_weight, "parameters");
  blend(target.named_buffers(), source.named_buffers(), source_weight, "buffers");
}

}  // namespace marginlab::heads
