#pragma once
// Exports write into a hidden folder inside the destination and move their files into place only once every one of
// them is complete, so a failure at any point (a parity check, a full disk, a bad checkpoint) leaves the destination
// as it was: no half-written file, no partial set.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace marginlab::exporting {

class StagedOutput {
 public:
  // Creates `out_dir` when missing and a staging folder inside it. Throws InvalidFile naming the folder when either
  // cannot be made (an unwritable or non-directory path).
  explicit StagedOutput(std::filesystem::path out_dir);
  // Without commit(): removes the staging folder and its files, and `out_dir` too if this created it.
  ~StagedOutput();
  StagedOutput(const StagedOutput&) = delete;
  StagedOutput& operator=(const StagedOutput&) = delete;

  // Where to write `name` (a plain file name) for now.
  std::filesystem::path staged(const std::string& name) const;
  // Writes `bytes` to staged(name). Throws InvalidFile naming the final path when the write fails.
  void write(const std::string& name, std::string_view bytes) const;
  // Moves every staged file into the destination (replacing files of the same name) and returns their final paths.
  // Throws InvalidFile when a move fails; files already moved stay, complete.
  std::vector<std::filesystem::path> commit();

  const std::filesystem::path& out_dir() const { return out_dir_; }

 private:
  std::filesystem::path out_dir_;
  std::filesystem::path staging_;
  bool created_out_dir_ = false;
  bool committed_ = false;
};

}  // namespace marginlab::exporting
