#include "engine/data/loader.h"

#include <cmath>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <string>

#include "core/errors.h"
#include "engine/data/image_decode.h"
#include "engine/data/random.h"

namespace marginlab::data {
namespace {

// Tags keeping the shuffling and augmentation streams apart.
constexpr std::uint64_t kShuffleStream = 1;
constexpr std::uint64_t kAugmentStream = 2;

void check(bool ok, std::string_view key, double value, std::string_view allowed) {
  if (ok) return;
  std::ostringstream message;
  message.precision(10);
  message << "loader: " << key << " = " << value << " is outside the allowed range " << allowed;
  throw InvalidParameter(message.str());
}

bool augments(const AugmentConfig& a) {
  return a.flip > 0 || a.crop > 0 || a.low_resolution > 0 || a.photometric > 0;
}

}  // namespace

void LoaderConfig::validate() const {
  check(batch_size >= 1 && batch_size <= 1 << 20, "batch_size", double(batch_size), "[1, 1048576]");
  check(threads >= 1 && threads <= 256, "threads", threads, "[1, 256]");
  check(prefetch_batches >= 1 && prefetch_batches <= 1024, "prefetch_batches", prefetch_batches, "[1, 1024]");
  check(image_size >= 1 && image_size <= 4096, "image_size", double(image_size), "[1, 4096]");
  for (int c = 0; c < 3; ++c) {
    check(std::isfinite(mean[c]), "mean[" + std::to_string(c) + "]", mean[c], "(-inf, inf)");
    check(std::isfinite(std[c]) && std[c] > 0, "std[" + std::to_string(c) + "]", std[c], "(0, inf)");
  }
  check(world_size >= 1 && world_size <= 65536, "world_size", world_size, "[1, 65536]");
  check(rank >= 0 && rank < world_size, "rank", rank, "[0, world_size = " + std::to_string(world_size) + ")");
  if (world_size > 1) {
    if (batch_size % world_size != 0) {
      throw InvalidParameter("loader: batch_size = " + std::to_string(batch_size) + " is not a multiple of the " +
                             "world size " + std::to_string(world_size) +
                             ": every rank loads the same share of the global batch");
    }
    if (!drop_last) {
      throw InvalidParameter("loader: a rank's share needs drop_last (an incomplete last batch cannot be split evenly)");
    }
  }
  augment.validate();
}

Loader::Loader(std::shared_ptr<const SampleSource> source, LoaderConfig config)
    : source_(std::move(source)), config_(std::move(config)) {
  if (!source_) throw InvalidParameter("loader: no sample source given");
  config_.validate();
  // Asked once here rather than per batch: pinning needs a CUDA runtime.
  config_.pin_memory = config_.pin_memory && torch::cuda::is_available();
  const std::int64_t samples = source_->size();
  batches_per_epoch_ = config_.drop_last ? samples / config_.batch_size
                                         : (samples + config_.batch_size - 1) / config_.batch_size;
  for (int c = 0; c < 3; ++c) {
    for (int value = 0; value < 256; ++value) {
      normalised_[static_cast<std::size_t>(c * 256 + value)] = (value / 255.0f - config_.mean[c]) / config_.std[c];
    }
  }
  workers_.reserve(static_cast<std::size_t>(config_.threads));
  for (int i = 0; i < config_.threads; ++i) workers_.emplace_back([this] { work(); });
}

Loader::~Loader() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_ready_.notify_all();
  result_ready_.notify_all();
  for (auto& worker : workers_) worker.join();
}

std::int64_t Loader::batches_per_epoch() const { return batches_per_epoch_; }

std::vector<std::int64_t> Loader::epoch_order(std::int64_t epoch) const {
  std::vector<std::int64_t> order(static_cast<std::size_t>(source_->size()));
  std::iota(order.begin(), order.end(), std::int64_t{0});
  if (!config_.shuffle) return order;
  CounterRandom r(hash_key({config_.seed, kShuffleStream, static_cast<std::uint64_t>(epoch)}));
  for (std::size_t i = order.size(); i > 1; --i) {
    std::swap(order[i - 1], order[static_cast<std::size_t>(r.below(static_cast<std::int64_t>(i)))]);
  }
  return order;
}

void Loader::start(std::int64_t epoch, std::int64_t batch_index) {
  check(epoch >= 0, "epoch", double(epoch), "[0, inf)");
  check(batch_index >= 0 && batch_index <= batches_per_epoch_, "batch_index", double(batch_index),
        "[0, batches_per_epoch = " + std::to_string(batches_per_epoch_) + "]");
  auto order = std::make_shared<const std::vector<std::int64_t>>(epoch_order(epoch));
  {
    std::lock_guard lock(mutex_);
    ++generation_;
    epoch_ = epoch;
    order_ = std::move(order);
    next_claim_ = next_delivery_ = batch_index;
    results_.clear();
    started_ = true;
  }
  work_ready_.notify_all();
}

std::optional<Batch> Loader::next() {
  std::unique_lock lock(mutex_);
  if (!started_) throw std::logic_error("Loader::next() called before Loader::start()");
  if (next_delivery_ >= batches_per_epoch_) return std::nullopt;
  result_ready_.wait(lock, [this] { return stopping_ || results_.contains(next_delivery_); });
  if (stopping_) return std::nullopt;
  auto result = std::move(results_.extract(next_delivery_).mapped());
  ++next_delivery_;
  skipped_samples_ += static_cast<std::int64_t>(result.skipped.size());
  for (auto& message : result.skipped) {
    if (skipped_examples_.size() == kSkippedExamplesKept) break;
    skipped_examples_.push_back(std::move(message));
  }
  lock.unlock();
  work_ready_.notify_all();  // a prefetch slot is free again
  if (result.error) std::rethrow_exception(result.error);
  return std::move(result.batch);
}

std::int64_t Loader::skipped_samples() const {
  std::lock_guard lock(mutex_);
  return skipped_samples_;
}

std::vector<std::string> Loader::skipped_examples() const {
  std::lock_guard lock(mutex_);
  return skipped_examples_;
}

bool Loader::stale(std::uint64_t generation) const { return stopping_ || generation != generation_; }

void Loader::work() {
  std::unique_lock lock(mutex_);
  while (true) {
    work_ready_.wait(lock, [this] {
      return stopping_ || (started_ && next_claim_ < batches_per_epoch_ &&
                           next_claim_ < next_delivery_ + config_.prefetch_batches);
    });
    if (stopping_) return;
    const std::int64_t index = next_claim_++;
    const std::int64_t epoch = epoch_;
    const std::uint64_t generation = generation_;
    const auto order = order_;
    lock.unlock();

    Result result;
    try {
      result.batch = make_batch(epoch, index, *order, generation, result.skipped);
    } catch (...) {
      result.error = std::current_exception();
    }
    lock.lock();
    if (generation != generation_ || (!result.batch && !result.error)) continue;  // nobody wants it any more
    results_.emplace(index, std::move(result));
    result_ready_.notify_all();
  }
}

std::optional<Batch> Loader::make_batch(std::int64_t epoch, std::int64_t index,
                                        const std::vector<std::int64_t>& order, std::uint64_t generation,
                                        std::vector<std::string>& skipped) const {
  // This rank's share of global batch `index` (all of it in a one-process run).
  const std::int64_t share = config_.batch_size / config_.world_size;
  const std::int64_t first = index * config_.batch_size + config_.rank * share;
  const std::int64_t count = std::min<std::int64_t>(share, static_cast<std::int64_t>(order.size()) - first);
  const int size = static_cast<int>(config_.image_size);
  auto options = torch::TensorOptions().dtype(torch::kFloat32);
  if (config_.pin_memory) options = options.pinned_memory(true);
  // Filled as NHWC and handed out as a permuted view: (B, 3, H, W) in channels-last memory format at no cost.
  torch::Tensor nhwc = torch::empty({count, size, size, 3}, options);
  torch::Tensor labels = torch::empty({count}, torch::kInt64);
  torch::Tensor quality = torch::empty({count}, torch::kFloat32);
  torch::Tensor sample_ids = torch::empty({count}, torch::kInt64);
  float* out = nhwc.data_ptr<float>();
  auto* label_out = labels.data_ptr<std::int64_t>();
  auto* quality_out = quality.data_ptr<float>();
  auto* id_out = sample_ids.data_ptr<std::int64_t>();

  const bool swap_channels = source_->color_order() != config_.color_order;
  const bool augmenting = augments(config_.augment);
  const std::size_t pixels_per_image = static_cast<std::size_t>(size) * size;
  std::int64_t filled = 0;  // images in the batch so far: unreadable samples leave no gap
  for (std::int64_t position = first; position < first + count; ++position) {
    if (stale(generation)) return std::nullopt;
    const std::int64_t sample_id = order[static_cast<std::size_t>(position)];
    ImageSample image;
    try {
      image = source_->load(sample_id);
    } catch (const UnreadableSample& unreadable) {
      skipped.emplace_back(unreadable.what());
      continue;
    }
    if (image.height <= 0 || image.width <= 0 ||
        image.pixels.size() != static_cast<std::size_t>(image.height) * image.width * 3) {
      throw InvalidFile(source_->describe() + ": image " + std::to_string(sample_id) + " claims " +
                        std::to_string(image.height) + "×" + std::to_string(image.width) + " pixels but holds " +
                        std::to_string(image.pixels.size()) + " bytes");
    }
    resize_square(image, size);
    if (augmenting) {
      std::mt19937_64 rng(hash_key({config_.seed, kAugmentStream, static_cast<std::uint64_t>(epoch),
                                    static_cast<std::uint64_t>(position)}));
      augment(image, config_.augment, rng, source_->color_order());
    }
    const std::uint8_t* in = image.pixels.data();
    float* target = out + static_cast<std::size_t>(filled) * pixels_per_image * 3;
    const std::size_t first_channel = swap_channels ? 2 : 0, last_channel = swap_channels ? 0 : 2;
    for (std::size_t p = 0; p < pixels_per_image; ++p, in += 3, target += 3) {
      target[0] = normalised_[in[first_channel]];
      target[1] = normalised_[256 + in[1]];
      target[2] = normalised_[512 + in[last_channel]];
    }
    label_out[filled] = image.label;
    quality_out[filled] = image.quality;
    id_out[filled] = sample_id;
    ++filled;
  }
  if (filled == 0) {
    throw InvalidFile(source_->describe() + ": all " + std::to_string(count) + " images of batch " +
                      std::to_string(index) + " (epoch " + std::to_string(epoch) + ") were unreadable; the first: " +
                      skipped.front());
  }
  Batch batch;
  // Leading rows of the NHWC block: still channels-last and contiguous.
  batch.images = nhwc.narrow(0, 0, filled).permute({0, 3, 1, 2});
  batch.labels = labels.narrow(0, 0, filled);
  batch.quality = quality.narrow(0, 0, filled);
  batch.sample_ids = sample_ids.narrow(0, 0, filled);
  batch.epoch = epoch;
  batch.index = index;
  return batch;
}

}  // namespace marginlab::data
