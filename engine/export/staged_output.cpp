#include "engine/export/staged_output.h"

#include <algorithm>
#include <fstream>
#include <random>

#include "core/errors.h"

namespace marginlab::exporting {

namespace fs = std::filesystem;

StagedOutput::StagedOutput(fs::path out_dir) : out_dir_(std::move(out_dir)) {
  std::error_code error;
  if (fs::exists(out_dir_, error) && !fs::is_directory(out_dir_, error)) {
    throw InvalidFile(out_dir_.string() + ": exists and is not a folder");
  }
  if (!fs::exists(out_dir_, error)) {
    created_out_dir_ = fs::create_directories(out_dir_, error);
    if (error) throw InvalidFile(out_dir_.string() + ": cannot create the folder (" + error.message() + ")");
  }
  // A name no other export running at the same time picks.
  std::random_device random;
  for (int attempt = 0; attempt < 8; ++attempt) {
    const auto candidate = out_dir_ / (".marginlab-export-" + std::to_string(random()));
    if (fs::create_directory(candidate, error)) {
      staging_ = candidate;
      return;
    }
    if (error) break;
  }
  const auto reason = error ? error.message() : std::string("name clashes");
  if (created_out_dir_) fs::remove(out_dir_, error);
  throw InvalidFile(out_dir_.string() + ": cannot write there (" + reason + ")");
}

StagedOutput::~StagedOutput() {
  std::error_code ignored;
  fs::remove_all(staging_, ignored);
  if (!committed_ && created_out_dir_) fs::remove(out_dir_, ignored);  // only if still empty
}

fs::path StagedOutput::staged(const std::string& name) const { return staging_ / name; }

void StagedOutput::write(const std::string& name, std::string_view bytes) const {
  std::ofstream out(staged(name), std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) throw InvalidFile((out_dir_ / name).string() + ": write failed (disk full?)");
}

std::vector<fs::path> StagedOutput::commit() {
  std::vector<fs::path> moved;
  for (const auto& entry : fs::directory_iterator(staging_)) {
    const auto target = out_dir_ / entry.path().filename();
    std::error_code error;
    fs::rename(entry.path(), target, error);
    if (error) throw InvalidFile(target.string() + ": cannot move into place (" + error.message() + ")");
    moved.push_back(target);
  }
  committed_ = true;
  std::sort(moved.begin(), moved.end());
  return moved;
}

}  // namespace marginlab::exporting
