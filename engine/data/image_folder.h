#pragma once
// An ImageFolder tree as a SampleSource: one subfolder per identity, images anywhere below it.
//
//   ROOT/<identity>/**/<image>.{jpg,jpeg,png,bmp,webp,tif,tiff}   (extensions in any case)
//
// Class ids follow the identity folders' names sorted byte by byte (as torchvision's ImageFolder sorts them), so the
// same tree always gives the same ids. Within a class, files are in byte order of their path. Names starting with
// '.' (.DS_Store, .ipynb_checkpoints, macOS's ._ resource forks) are not looked at. The scan opens every file with an
// image extension and keeps it only when its first bytes are an image signature (JPEG, PNG, BMP, WebP, TIFF); the
// others are skipped and counted. Identity folders left without an image take no class id (a class with no images
// cannot be trained, and KappaFace refuses one); they are listed in empty_folders().
#include <cstdint>
#include <string>
#include <vector>

#include "engine/data/sample_source.h"

namespace marginlab::data {

class ImageFolderSource : public SampleSource {
 public:
  static constexpr std::size_t kExamplesKept = 5;

  // Scans `root`. Throws InvalidFile when it is not a folder or holds no image at all.
  explicit ImageFolderSource(const std::string& root, ColorOrder order = ColorOrder::rgb);

  std::int64_t size() const override { return static_cast<std::int64_t>(files_.size()); }
  std::int64_t num_classes() const override { return static_cast<std::int64_t>(class_names_.size()); }
  std::int64_t label(std::int64_t index) const override { return labels_.at(static_cast<std::size_t>(index)); }
  std::vector<std::int64_t> class_counts() const override { return class_counts_; }
  // Reads and decodes the file; throws UnreadableSample naming it when it cannot be read or decoded.
  ImageSample load(std::int64_t index) const override;
  ColorOrder color_order() const override { return order_; }
  std::string describe() const override;

  std::string file(std::int64_t index) const;  // full path of image `index`
  // The file's bytes as they are on disk; throws UnreadableSample naming it when it cannot be read.
  std::vector<std::uint8_t> file_bytes(std::int64_t index) const;
  const std::vector<std::string>& class_names() const { return class_names_; }  // identity folder per class id
  std::int64_t skipped_files() const { return skipped_files_; }  // image extension, but no image signature
  const std::vector<std::string>& skipped_examples() const { return skipped_examples_; }  // the first few
  const std::vector<std::string>& empty_folders() const { return empty_folders_; }

 private:
  std::string root_;
  ColorOrder order_;
  std::vector<std::string> class_names_;
  std::vector<std::string> files_;      // relative to root_, class by class
  std::vector<std::int32_t> labels_;
  std::vector<std::int64_t> class_counts_;
  std::int64_t skipped_files_ = 0;
  std::vector<std::string> skipped_examples_;
  std::vector<std::string> empty_folders_;
};

// Whether `bytes` (a file's first bytes; 12 are enough) start like a JPEG, PNG, BMP, WebP or TIFF file.
bool has_image_signature(const std::uint8_t* bytes, std::size_t size);

}  // namespace marginlab::data
