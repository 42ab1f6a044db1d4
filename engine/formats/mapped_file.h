#pragma once
// A file mapped read-only into memory: weights files are hundreds of megabytes to gigabytes (a Partial FC shard of
// 2M classes is 4 GB with its momentum), and mapping reads only the pages a reader touches.
#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace marginlab::formats {

class MappedFile {
 public:
  // Throws InvalidFile "<path>: cannot open ..." naming the system's reason.
  static std::shared_ptr<const MappedFile> open(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::span<const std::uint8_t> bytes() const { return {data_, size_}; }
  const std::string& path() const { return path_; }

 private:
  MappedFile(std::string path, const std::uint8_t* data, std::size_t size)
      : path_(std::move(path)), data_(data), size_(size) {}
  std::string path_;
  const std::uint8_t* data_;
  std::size_t size_;
};

}  // namespace marginlab::formats
