#pragma once
// Writing RecordIO training sets in insightface's layout, so that what MarginLab packs opens in insightface,
// arcface_torch, AdaFace and CVLFace unchanged:
//   keys 1..N     images, class by class, IRHeader(0, label, key, 0) + JPEG
//   keys N+1..    one identity record per class, IRHeader(2, [first key, end key), 0, 0), no image
//   key 0         the header record, IRHeader(2, [N + 1, N + 1 + classes), 0, 1), no image (written last, as
//                 insightface's builder does, since only then are the counts known)
//   property      "classes,height,width" beside the .rec
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "engine/data/image_folder.h"
#include "engine/formats/recordio.h"

namespace marginlab::data {

class InsightfaceRecordWriter {
 public:
  // Creates `rec_path`, the .idx of the same name and `property` in the same folder. Throws InvalidFile.
  explicit InsightfaceRecordWriter(const std::string& rec_path);

  // Appends an encoded image of class `label`. Classes come in order: the first label is 0 and each next one is
  // the same or one more. Throws InvalidParameter otherwise.
  void add(std::int64_t label, std::span<const std::uint8_t> image);
  // Writes the identity records, the header record and `property` ("classes,height,width"), and closes the files.
  void finish(int height, int width);

  std::int64_t images() const { return next_key_ - 1; }
  std::int64_t classes() const { return static_cast<std::int64_t>(class_first_keys_.size()); }
  std::uint64_t bytes_written() const { return writer_.bytes_written(); }

 private:
  std::string rec_path_;
  formats::recordio::RecordWriter writer_;
  std::int64_t next_key_ = 1;
  std::vector<std::int64_t> class_first_keys_;
};

struct PackOptions {
  int quality = 95;  // JPEG quality for images that are re-encoded (insightface's builder uses 95)
  int resize = 0;    // side of the square every image is resized to (aspect not kept); 0 keeps each image's size
  void validate() const;  // throws InvalidParameter naming the option and the value
};

struct PackSummary {
  std::int64_t images = 0;
  std::int64_t classes = 0;
  std::int64_t stored_as_is = 0;  // JPEG files whose bytes went in unchanged
  std::int64_t reencoded = 0;     // other formats, or resized: decoded and encoded as JPEG
  std::int64_t unreadable = 0;    // files with an image signature that did not decode: left out
  std::vector<std::string> unreadable_examples;  // the first few messages
  std::int64_t classes_left_out = 0;  // identity folders none of whose images decoded
  int height = 0, width = 0;      // the images' size, or the first image's when sizes differ
  bool mixed_sizes = false;
  std::uint64_t bytes = 0;        // size of the .rec
};

// Packs an ImageFolder into `rec_path` (+ .idx, + property) in insightface's layout, class ids following the
// folder's. JPEG files that need no resizing are stored byte for byte (every image is still decoded once, to leave
// out the unreadable); others are decoded and encoded as JPEG at options.quality. A class whose images all fail
// to decode gets no id, and the ids after it close up (counted in classes_left_out). `progress` is called after
// each image with (images done, images in the folder).
PackSummary pack_image_folder(const ImageFolderSource& folder, const std::string& rec_path, const PackOptions& options,
                              const std::function<void(std::int64_t, std::int64_t)>& progress = {});

}  // namespace marginlab::data
