#pragma once
// The prefetching loader: worker threads turn a SampleSource's images into normalised batches ahead of the trainer,
// delivered strictly in order.
//
// Reproducibility: an epoch's order is a permutation derived only from (seed, epoch), and a sample's augmentation
// randomness only from (seed, epoch, position in the epoch). Which thread made a batch, and when, never matters, so
// a run resumed with start(epoch, batch) sees exactly the batches an uninterrupted one would, bit for bit.
#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/data/augment.h"
#include "engine/data/batch.h"
#include "engine/data/sample_source.h"

namespace marginlab::data {

struct LoaderConfig {
  std::int64_t batch_size = 64;
  int threads = 2;               // worker threads, each making whole batches
  int prefetch_batches = 4;      // batches made ahead of the consumer at most
  std::uint64_t seed = 1;
  bool shuffle = true;           // training: shuffle and drop_last; evaluation: neither, and AugmentConfig::none()
  bool drop_last = true;         // drop the last, incomplete batch of an epoch
  std::int64_t image_size = 112;  // images of another size are resized (INTER_AREA down, INTER_LINEAR up)
  ColorOrder color_order = ColorOrder::rgb;  // order of the tensor channels; converted from the source's order
  std::array<float, 3> mean{0.5f, 0.5f, 0.5f};  // on [0, 1] pixel values, in tensor channel order
  std::array<float, 3> std{0.5f, 0.5f, 0.5f};
  AugmentConfig augment;
  bool pin_memory = false;       // page-locked batches for faster host→GPU copies; only where CUDA is available
  // A distributed run: batch_size is the global batch, and this rank loads its share, positions
  // [t·B + rank·B/W, t·B + (rank+1)·B/W) of the epoch's order. The ranks' shares, in rank order, are the batch one
  // process would load, augmentation included (it is keyed by the position): runs compare across world sizes.
  int rank = 0;
  int world_size = 1;
  void validate() const;         // throws InvalidParameter naming the key and the value
};

class Loader {
 public:
  // Validates the config; the workers start idle, waiting for start().
  Loader(std::shared_ptr<const SampleSource> source, LoaderConfig config);
  ~Loader();  // stops and joins the workers; a batch being made is abandoned between two images
  Loader(const Loader&) = delete;
  Loader& operator=(const Loader&) = delete;

  std::int64_t batches_per_epoch() const;
  // (Re)positions at batch `batch_index` of `epoch`: batches made for an earlier position are thrown away.
  void start(std::int64_t epoch, std::int64_t batch_index = 0);
  // The next batch of the current epoch, in order; nullopt at the end of the epoch. A sample whose load() throws
  // UnreadableSample (a corrupt image or record) is left out of its batch, which is then one smaller per such sample
  // (the same ones on every run: still deterministic; sample_ids name the samples that came through), and counted.
  // A batch none of whose samples could be read throws InvalidFile naming the batch, its size and the first
  // failure: an empty batch would silently skip a step. Any other exception of the source is rethrown here,
  // unchanged. In both cases the loader then goes on with the following batch.
  // Throws std::logic_error before the first start().
  std::optional<Batch> next();

  // Samples left out as unreadable so far, counted when next() hands out (or fails) the batch that left them out;
  // a sample drawn again in a later epoch counts again. Thread-safe.
  std::int64_t skipped_samples() const;
  // The messages (file and record named) of the first kSkippedExamplesKept of them.
  std::vector<std::string> skipped_examples() const;
  static constexpr std::size_t kSkippedExamplesKept = 5;

 private:
  struct Result {
    std::optional<Batch> batch;
    std::exception_ptr error;
    std::vector<std::string> skipped;  // messages of the samples left out as unreadable
  };

  void work();
  // Makes batch `index` of `epoch` from `order`, adding the samples it leaves out to `skipped`; gives up (nullopt)
  // once `generation` is no longer current.
  std::optional<Batch> make_batch(std::int64_t epoch, std::int64_t index, const std::vector<std::int64_t>& order,
                                  std::uint64_t generation, std::vector<std::string>& skipped) const;
  std::vector<std::int64_t> epoch_order(std::int64_t epoch) const;
  bool stale(std::uint64_t generation) const;

  std::shared_ptr<const SampleSource> source_;
  LoaderConfig config_;
  std::array<float, 256 * 3> normalised_;  // byte value → normalised float, per tensor channel

  mutable std::mutex mutex_;
  std::condition_variable work_ready_;    // workers: a batch may be claimed, or stop
  std::condition_variable result_ready_;  // consumer: a result arrived
  bool started_ = false;
  // Written under the mutex; atomic so that a worker can notice, between two images, that its batch is not
  // wanted any more (a new start(), or the destructor).
  std::atomic<bool> stopping_ = false;
  std::atomic<std::uint64_t> generation_ = 0;  // bumped by start(): results of older generations are discarded
  std::int64_t batches_per_epoch_ = 0;
  std::int64_t epoch_ = 0;
  std::shared_ptr<const std::vector<std::int64_t>> order_;  // this epoch's sample order
  std::int64_t next_claim_ = 0;           // next batch a worker will make
  std::int64_t next_delivery_ = 0;        // next batch next() hands out
  std::map<std::int64_t, Result> results_;
  std::int64_t skipped_samples_ = 0;
  std::vector<std::string> skipped_examples_;
  std::vector<std::thread> workers_;
};

}  // namespace marginlab::data
