#pragma once
// Files that others read while they change (a run's experiment, status and latest snapshot, a request to a run):
// written beside the target under a name of this process's and renamed over it, so a reader sees the old content or
// the new, never a part. rename(2) is atomic on local file systems and on NFS; a follower over sshfs sees the same.
#include <filesystem>
#include <string_view>

namespace marginlab {

// Throws InvalidFile naming `path` when it cannot be written.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

// The whole file; InvalidFile naming it when it cannot be read.
std::string read_whole_file(const std::filesystem::path& path);

}  // namespace marginlab
