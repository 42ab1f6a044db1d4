#include "core/run/run_follower.h"

#include <sys/stat.h>

#include <fstream>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/run/snapshot_file.h"
#include "core/telemetry/telemetry_json.h"

namespace marginlab::train {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Which version of a file: a replaced file (rename over it) has another inode, a rewritten one another time or size.
struct FileStamp {
  ino_t inode = 0;
  std::int64_t size = -1;
  std::int64_t modified_ns = 0;
  bool operator==(const FileStamp& o) const {
    return inode == o.inode && size == o.size && modified_ns == o.modified_ns;
  }
};

std::optional<FileStamp> stamp_of(const fs::path& file) {
  struct stat info {};
  if (::stat(file.c_str(), &info) != 0) return std::nullopt;
  return FileStamp{info.st_ino, static_cast<std::int64_t>(info.st_size),
                   static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec};
}

// An appended file read from where the last read stopped, whole lines only.
class Tail {
 public:
  explicit Tail(fs::path file) : file_(std::move(file)) {}

  // False when the file was replaced or shrank since the last read (its records were rewritten).
  bool unchanged_so_far() const {
    const auto now = stamp_of(file_);
    if (!now) return offset_ == 0;
    return (inode_ == 0 || now->inode == inode_) && static_cast<std::uintmax_t>(now->size) >= offset_;
  }

  void rewind() {
    offset_ = 0;
    inode_ = 0;
    line_number_ = 0;
    partial_.clear();
  }

  // Each new whole line with its number (1-based).
  template <class Visit>
  void read(Visit&& visit) {
    const auto now = stamp_of(file_);
    if (!now || static_cast<std::uintmax_t>(now->size) <= offset_) return;
    std::ifstream in(file_, std::ios::binary);
    if (!in) return;
    in.seekg(static_cast<std::streamoff>(offset_));
    std::string chunk(static_cast<std::size_t>(now->size) - offset_, '\0');
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    chunk.resize(static_cast<std::size_t>(in.gcount()));
    offset_ += chunk.size();
    inode_ = now->inode;
    partial_ += chunk;
    std::size_t begin = 0;
    for (std::size_t end; (end = partial_.find('\n', begin)) != std::string::npos; begin = end + 1) {
      ++line_number_;
      visit(partial_.substr(begin, end - begin), line_number_);
    }
    partial_.erase(0, begin);
  }

  const fs::path& file() const { return file_; }

 private:
  fs::path file_;
  std::uintmax_t offset_ = 0;
  ino_t inode_ = 0;
  std::int64_t line_number_ = 0;
  std::string partial_;  // the start of a line not yet ended
};

// A small file that is replaced as a whole: read again when its stamp changes.
class Watched {
 public:
  explicit Watched(fs::path file) : file_(std::move(file)) {}
  bool changed() {
    const auto now = stamp_of(file_);
    if (!now || (seen_ && *now == *seen_)) return false;
    seen_ = now;
    return true;
  }
  void forget() { seen_.reset(); }
  const fs::path& file() const { return file_; }

 private:
  fs::path file_;
  std::optional<FileStamp> seen_;
};

}  // namespace

struct RunFollower::Impl {
  fs::path directory;
  Tail metrics, events, evaluations, telemetry;
  Watched experiment, status, snapshot;
  std::optional<MetricsColumns> columns;
  // Runs from before snapshot.cbor: their newest snapshot comes from telemetry.jsonl, bands joined line by line.
  std::vector<NormBand> bands;
  std::vector<std::int64_t> class_count;

  explicit Impl(fs::path d)
      : directory(std::move(d)),
        metrics(directory / "metrics.csv"),
        events(directory / "events.jsonl"),
        evaluations(directory / "evaluations.jsonl"),
        telemetry(directory / "telemetry.jsonl"),
        experiment(directory / "experiment.json"),
        status(run_status_file(directory)),
        snapshot(snapshot_file(directory)) {}

  void restart() {
    for (Tail* tail : {&metrics, &events, &evaluations, &telemetry}) tail->rewind();
    for (Watched* watched : {&experiment, &status, &snapshot}) watched->forget();
    columns.reset();
    bands.clear();
    class_count.clear();
  }

  template <class Parse>
  void read_json_lines(Tail& tail, Update& update, Parse&& parse) {
    tail.read([&](const std::string& line, std::int64_t number) {
      if (line.empty()) return;
      const std::string origin = tail.file().filename().string() + ":" + std::to_string(number);
      const auto parsed = json::parse(line, nullptr, false);
      if (parsed.is_discarded() || !parsed.is_object()) {
        update.problems.push_back(origin + ": not a JSON object");
        return;
      }
      try {
        parse(parsed, origin);
      } catch (const InvalidFile& error) {
        update.problems.push_back(error.what());
      }
    });
  }

  Update poll() {
    Update update;
    if (!metrics.unchanged_so_far() || !events.unchanged_so_far() || !evaluations.unchanged_so_far() ||
        !telemetry.unchanged_so_far()) {
      restart();
      update.restarted = true;
    }
    if (status.changed()) {
      try {
        const auto text = read_whole_file(status.file());
        const auto parsed = json::parse(text, nullptr, false);
        if (parsed.is_discarded()) throw InvalidFile(status.file().string() + ": not valid JSON");
        update.status = run_status_from_json(parsed, status.file().string());
      } catch (const InvalidFile& error) {
        update.problems.push_back(error.what());
      }
    }
    if (experiment.changed()) {
      try {
        const auto parsed = json::parse(read_whole_file(experiment.file()), nullptr, false);
        if (parsed.is_discarded()) throw InvalidFile(experiment.file().string() + ": not valid JSON");
        update.experiment = parsed;
      } catch (const InvalidFile& error) {
        update.problems.push_back(error.what());
      }
    }
    metrics.read([&](const std::string& line, std::int64_t number) {
      const std::string origin = "metrics.csv:" + std::to_string(number);
      try {
        if (number == 1) {
          columns.emplace(line, (directory / "metrics.csv").string());
          return;
        }
        if (!columns) return;
        if (auto record = columns->parse(line, origin)) {
          update.steps.push_back(*record);
        } else {
          update.problems.push_back(origin + ": wrong number of cells");
        }
      } catch (const InvalidFile& error) {
        update.problems.push_back(error.what());
      }
    });
    read_json_lines(events, update, [&](const json& line, const std::string& origin) {
      update.events.push_back(event_from_json(line, origin));
    });
    read_json_lines(evaluations, update, [&](const json& line, const std::string& origin) {
      if (benchmarks::is_benchmark_line(line)) {
        update.benchmarks.push_back(benchmarks::benchmark_record_from_json(line, origin));
      } else {
        update.evaluations.push_back(evaluation_from_json(line, origin));
      }
    });
    if (fs::exists(snapshot.file())) {
      if (snapshot.changed()) {
        try {
          update.snapshot = std::make_shared<const Snapshot>(read_snapshot_file(snapshot.file()));
        } catch (const InvalidFile& error) {
          update.problems.push_back(error.what());
        }
      }
    } else {
      std::optional<Snapshot> newest;
      read_json_lines(telemetry, update, [&](const json& line, const std::string& origin) {
        Snapshot s = snapshot_from_json(line, origin);
        append_band(bands, s);
        if (!s.class_count.empty()) class_count = s.class_count;
        newest = std::move(s);
      });
      if (newest) {
        newest->norm_history = bands;
        newest->class_count = class_count;
        update.snapshot = std::make_shared<const Snapshot>(std::move(*newest));
      }
    }
    return update;
  }
};

RunFollower::RunFollower(fs::path directory) : impl_(std::make_unique<Impl>(std::move(directory))) {}
RunFollower::~RunFollower() = default;
RunFollower::RunFollower(RunFollower&&) noexcept = default;
RunFollower& RunFollower::operator=(RunFollower&&) noexcept = default;

RunFollower::Update RunFollower::poll() { return impl_->poll(); }
const fs::path& RunFollower::directory() const { return impl_->directory; }

}  // namespace marginlab::train
