#include "engine/train/checkpoint_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/errors.h"

namespace marginlab::train {
namespace {

// fsync on a path: the data of a file, or the entry list of a directory (so that the rename itself is durable).
bool sync_path(const std::filesystem::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags);
  if (fd < 0) return false;
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  return synced;
}

}  // namespace

void write_checkpoint_atomically(torch::serialize::OutputArchive& archive, const std::filesystem::path& path) {
  auto temporary = path;
  temporary += ".partial";
  try {
    archive.save_to(temporary.string());
  } catch (const c10::Error& error) {
    std::filesystem::remove(temporary);
    throw InvalidFile(temporary.string() + ": cannot write the checkpoint (" + error.what_without_backtrace() + ")");
  }
  if (!sync_path(temporary, O_RDONLY)) {
    const std::string reason = std::strerror(errno);
    std::filesystem::remove(temporary);
    throw InvalidFile(temporary.string() + ": cannot flush the checkpoint to disk (" + reason + ")");
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) {
    std::filesystem::remove(temporary);
    throw InvalidFile(path.string() + ": cannot replace the checkpoint (" + error.message() + ")");
  }
  sync_path(path.parent_path(), O_RDONLY | O_DIRECTORY);
}

}  // namespace marginlab::train
