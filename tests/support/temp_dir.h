#pragma once
// A fresh folder under the system's temporary directory for one test, removed with everything in it at the end.
// Named by process id and a counter, so parallel test processes and tests never share one.
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

namespace marginlab::test_support {

class TempDir {
 public:
  TempDir()
      : path_(std::filesystem::temp_directory_path() /
              ("marginlab_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++))) {
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  static inline std::atomic<int> counter_ = 0;
  std::filesystem::path path_;
};

}  // namespace marginlab::test_support
