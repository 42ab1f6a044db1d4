#include "engine/data/image_folder.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <system_error>

#include "core/errors.h"
#include "engine/data/image_decode.h"

namespace marginlab::data {
namespace {

namespace fs = std::filesystem;

bool hidden(const fs::path& path) {
  const auto name = path.filename().string();
  return !name.empty() && name.front() == '.';
}

bool has_image_extension(const fs::path& path) {
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
  static constexpr std::array<std::string_view, 7> kExtensions{".jpg", ".jpeg", ".png", ".bmp",
                                                               ".webp", ".tif", ".tiff"};
  return std::find(kExtensions.begin(), kExtensions.end(), extension) != kExtensions.end();
}

bool starts_like_an_image(const fs::path& path) {
  std::array<std::uint8_t, 12> head{};
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(head.data()), head.size());
  return has_image_signature(head.data(), static_cast<std::size_t>(in.gcount()));
}

}  // namespace

bool has_image_signature(const std::uint8_t* bytes, std::size_t size) {
  const auto starts_with = [&](std::initializer_list<std::uint8_t> prefix, std::size_t at = 0) {
    return size >= at + prefix.size() && std::equal(prefix.begin(), prefix.end(), bytes + at);
  };
  return starts_with({0xFF, 0xD8, 0xFF}) ||                                   // JPEG
         starts_with({0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}) ||        // PNG
         starts_with({'B', 'M'}) ||                                           // BMP
         (starts_with({'R', 'I', 'F', 'F'}) && starts_with({'W', 'E', 'B', 'P'}, 8)) ||  // WebP
         starts_with({'I', 'I', 0x2A, 0x00}) || starts_with({'M', 'M', 0x00, 0x2A});     // TIFF
}

ImageFolderSource::ImageFolderSource(const std::string& root, ColorOrder order) : root_(root), order_(order) {
  const fs::path root_path(root);
  std::error_code error;
  if (!fs::is_directory(root_path, error)) {
    throw InvalidFile(root + ": not a folder (an ImageFolder dataset is a folder with one subfolder per identity)");
  }
  std::vector<std::string> identities;
  try {
    for (const auto& entry : fs::directory_iterator(root_path)) {
      if (entry.is_directory() && !hidden(entry.path())) identities.push_back(entry.path().filename().string());
    }
    std::sort(identities.begin(), identities.end());  // std::string compares bytes: locale-independent ids

    for (const auto& identity : identities) {
      std::vector<std::string> images;
      const auto options = fs::directory_options::skip_permission_denied;
      for (auto it = fs::recursive_directory_iterator(root_path / identity, options);
           it != fs::recursive_directory_iterator(); ++it) {
        if (hidden(it->path())) {
          if (it->is_directory()) it.disable_recursion_pending();
          continue;
        }
        if (!it->is_regular_file() || !has_image_extension(it->path())) continue;
        const auto relative = it->path().lexically_relative(root_path).string();
        if (starts_like_an_image(it->path())) {
          images.push_back(relative);
        } else {
          ++skipped_files_;
          if (skipped_examples_.size() < kExamplesKept) skipped_examples_.push_back(it->path().string());
        }
      }
      if (images.empty()) {
        empty_folders_.push_back(identity);
        continue;
      }
      std::sort(images.begin(), images.end());
      const auto label = static_cast<std::int32_t>(class_names_.size());
      class_names_.push_back(identity);
      class_counts_.push_back(static_cast<std::int64_t>(images.size()));
      labels_.insert(labels_.end(), images.size(), label);
      files_.insert(files_.end(), std::make_move_iterator(images.begin()), std::make_move_iterator(images.end()));
    }
  } catch (const fs::filesystem_error& failure) {
    throw InvalidFile(root + ": cannot scan the ImageFolder: " + failure.what());
  }
  if (files_.empty()) {
    throw InvalidFile(root + ": no images found in " + std::to_string(identities.size()) +
                      " identity folders (expected ROOT/<identity>/<image>.jpg|png|bmp|webp|tif, " +
                      std::to_string(skipped_files_) + " files skipped as not images)");
  }
}

std::string ImageFolderSource::file(std::int64_t index) const {
  return (fs::path(root_) / files_.at(static_cast<std::size_t>(index))).string();
}

std::vector<std::uint8_t> ImageFolderSource::file_bytes(std::int64_t index) const {
  const std::string path = file(index);
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw UnreadableSample(path + ": cannot open: " + std::generic_category().message(errno));
  const std::streamoff size = in.tellg();
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(std::max<std::streamoff>(size, 0)));
  in.seekg(0);
  if (size < 0 || !in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()))) {
    throw UnreadableSample(path + ": cannot read the file");
  }
  return bytes;
}

ImageSample ImageFolderSource::load(std::int64_t index) const {
  ImageSample sample = decode_image(file_bytes(index), order_, file(index));
  sample.label = labels_[static_cast<std::size_t>(index)];
  return sample;
}

std::string ImageFolderSource::describe() const {
  std::ostringstream text;
  text << "ImageFolder " << root_ << ": " << files_.size() << " images, " << class_names_.size() << " identities";
  if (skipped_files_ > 0) text << ", " << skipped_files_ << " files skipped (not images)";
  if (!empty_folders_.empty()) text << ", " << empty_folders_.size() << " identity folders without images";
  return text.str();
}

}  // namespace marginlab::data
