#include "core/run/snapshot_file.h"

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/telemetry/telemetry_json.h"

namespace marginlab::train {
namespace fs = std::filesystem;
using nlohmann::json;

fs::path snapshot_file(const fs::path& run_directory) { return run_directory / "snapshot.cbor"; }

void write_snapshot_file(const fs::path& file, const Snapshot& snapshot) {
  const auto document = snapshot_to_json(snapshot, {.class_count = true, .all_bands = true, .binary_arrays = true});
  const auto bytes = json::to_cbor(document);
  write_file_atomically(file, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

Snapshot read_snapshot_file(const fs::path& file) {
  const auto bytes = read_whole_file(file);
  const auto document =
      json::from_cbor(bytes, /*strict=*/true, /*allow_exceptions=*/false, json::cbor_tag_handler_t::store);
  if (document.is_discarded() || !document.is_object()) throw InvalidFile(file.string() + ": not a snapshot (CBOR)");
  return snapshot_from_json(document, file.string());
}

SnapshotWriter::SnapshotWriter(fs::path file, std::chrono::milliseconds interval)
    : file_(std::move(file)), interval_(interval), thread_([this] { loop(); }) {}

SnapshotWriter::~SnapshotWriter() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void SnapshotWriter::publish(std::shared_ptr<const Snapshot> snapshot) {
  {
    std::lock_guard lock(mutex_);
    pending_ = std::move(snapshot);
  }
  wake_.notify_all();
}

void SnapshotWriter::flush() {
  std::unique_lock lock(mutex_);
  urgent_ = true;
  wake_.notify_all();
  written_.wait(lock, [this] { return !pending_ && !writing_; });
  urgent_ = false;
}

void SnapshotWriter::loop() {
  std::unique_lock lock(mutex_);
  auto next_write = std::chrono::steady_clock::now();
  while (true) {
    wake_.wait(lock, [this] { return pending_ || closing_; });
    if (!pending_) return;  // closing, and everything is written
    // Rate limit, unless the run is ending or someone waits (the last snapshot must not wait).
    wake_.wait_until(lock, next_write, [this] { return closing_ || urgent_; });
    auto snapshot = std::move(pending_);
    pending_.reset();
    writing_ = true;
    lock.unlock();
    try {
      write_snapshot_file(file_, *snapshot);
    } catch (const std::exception&) {
      // A full disk or a vanished directory costs the follower a frame; the run's own files report the problem.
    }
    next_write = std::chrono::steady_clock::now() + interval_;
    lock.lock();
    writing_ = false;
    written_.notify_all();
  }
}

}  // namespace marginlab::train
