#pragma once
// snapshot.cbor: a run's newest snapshot, whole (class sizes, every norm band) and compact (the arrays as raw bytes in
// CBOR), replaced atomically. A follower reads one small file when it changes instead of scanning telemetry.jsonl,
// which keeps every saved snapshot for replay. Torch-free.
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include "core/telemetry/telemetry.h"

namespace marginlab::train {

std::filesystem::path snapshot_file(const std::filesystem::path& run_directory);
void write_snapshot_file(const std::filesystem::path& file, const Snapshot& snapshot);
// InvalidFile naming the file when it is not a snapshot.
Snapshot read_snapshot_file(const std::filesystem::path& file);

// Writes the newest published snapshot on a thread of its own, at most once per `interval`: the training thread only
// hands over a pointer, and a run that reports ten times a second writes the file no more than the follower needs.
// The last published snapshot is always written before the destructor returns.
class SnapshotWriter {
 public:
  SnapshotWriter(std::filesystem::path file, std::chrono::milliseconds interval);
  ~SnapshotWriter();
  SnapshotWriter(const SnapshotWriter&) = delete;
  SnapshotWriter& operator=(const SnapshotWriter&) = delete;

  void publish(std::shared_ptr<const Snapshot> snapshot);
  // Blocks until everything published so far is on disk.
  void flush();

 private:
  void loop();

  std::filesystem::path file_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_, written_;
  std::shared_ptr<const Snapshot> pending_;
  bool writing_ = false;
  bool urgent_ = false;  // flush() waits: no rate limit
  bool closing_ = false;
  std::thread thread_;
};

}  // namespace marginlab::train
