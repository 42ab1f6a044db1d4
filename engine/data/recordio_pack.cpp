#include "engine/data/recordio_pack.h"

#include <filesystem>
#include <fstream>

#include "core/errors.h"
#include "engine/data/image_decode.h"

namespace marginlab::data {
namespace {

namespace fs = std::filesystem;
namespace rio = formats::recordio;

std::string index_path(const std::string& rec_path) { return fs::path(rec_path).replace_extension(".idx").string(); }

bool is_jpeg(std::span<const std::uint8_t> bytes) {
  return bytes.size() >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF;
}

}  // namespace

InsightfaceRecordWriter::InsightfaceRecordWriter(const std::string& rec_path)
    : rec_path_(rec_path), writer_(rec_path, index_path(rec_path)) {}

void InsightfaceRecordWriter::add(std::int64_t label, std::span<const std::uint8_t> image) {
  if (label != classes() && label != classes() - 1) {
    throw InvalidParameter(rec_path_ + ": image of class " + std::to_string(label) + " after class " +
                           std::to_string(classes() - 1) + ": insightface's layout needs classes in order, from 0");
  }
  if (label == classes()) class_first_keys_.push_back(next_key_);
  const auto key = static_cast<std::uint64_t>(next_key_);
  writer_.write(next_key_, rio::pack_payload(static_cast<float>(label), key, 0, image));
  ++next_key_;
}

void InsightfaceRecordWriter::finish(int height, int width) {
  // float32 like every insightface file: above 2^24 the values round, which the reader tolerates.
  const std::int64_t first_identity_key = next_key_;
  for (std::int64_t c = 0; c < classes(); ++c) {
    const auto next = static_cast<std::size_t>(c + 1);
    const std::int64_t end = next < class_first_keys_.size() ? class_first_keys_[next] : first_identity_key;
    const std::vector<float> range{static_cast<float>(class_first_keys_[static_cast<std::size_t>(c)]),
                                   static_cast<float>(end)};
    writer_.write(first_identity_key + c, rio::pack_payload(range, 0, 0, {}));
  }
  const std::vector<float> header{static_cast<float>(first_identity_key),
                                  static_cast<float>(first_identity_key + classes())};
  writer_.write(0, rio::pack_payload(header, 0, 1, {}));
  writer_.close();

  const auto property = (fs::path(rec_path_).parent_path() / "property").string();
  std::ofstream out(property, std::ios::trunc);
  out << classes() << ',' << height << ',' << width << '\n';
  out.close();
  if (!out) throw InvalidFile(property + ": cannot write");
}

void PackOptions::validate() const {
  if (quality < 1 || quality > 100) {
    throw InvalidParameter("rec pack: --quality = " + std::to_string(quality) + " is outside [1, 100]");
  }
  if (resize < 0 || resize > 4096) {
    throw InvalidParameter("rec pack: --resize = " + std::to_string(resize) + " is outside [0, 4096] (0: keep)");
  }
}

PackSummary pack_image_folder(const ImageFolderSource& folder, const std::string& rec_path, const PackOptions& options,
                              const std::function<void(std::int64_t, std::int64_t)>& progress) {
  options.validate();
  InsightfaceRecordWriter writer(rec_path);
  PackSummary summary;
  std::int64_t folder_class = -1;  // the folder's class of the last image written, and its id in the .rec
  std::int64_t packed_class = -1;
  for (std::int64_t index = 0; index < folder.size(); ++index) {
    const std::string path = folder.file(index);
    std::vector<std::uint8_t> bytes;
    ImageSample image;
    try {
      bytes = folder.file_bytes(index);
      image = decode_image(bytes, ColorOrder::bgr, path);  // BGR: what the JPEG encoder takes, no swap either way
    } catch (const UnreadableSample& unreadable) {
      ++summary.unreadable;
      if (summary.unreadable_examples.size() < ImageFolderSource::kExamplesKept) {
        summary.unreadable_examples.emplace_back(unreadable.what());
      }
      if (progress) progress(index + 1, folder.size());
      continue;
    }
    const bool resizing = options.resize > 0 && (image.height != options.resize || image.width != options.resize);
    if (resizing) resize_square(image, options.resize);
    if (!resizing && is_jpeg(bytes)) {
      ++summary.stored_as_is;
    } else {
      bytes = encode_jpeg(image, ColorOrder::bgr, options.quality, path);
      ++summary.reencoded;
    }
    if (summary.images == 0) {
      summary.height = image.height;
      summary.width = image.width;
    } else if (image.height != summary.height || image.width != summary.width) {
      summary.mixed_sizes = true;
    }
    if (folder.label(index) != folder_class) {
      folder_class = folder.label(index);
      ++packed_class;
    }
    writer.add(packed_class, bytes);
    ++summary.images;
    if (progress) progress(index + 1, folder.size());
  }
  if (summary.images == 0) {
    throw InvalidFile(folder.describe() + ": none of the images could be decoded; the first failure: " +
                      summary.unreadable_examples.front());
  }
  writer.finish(summary.height, summary.width);
  summary.classes = writer.classes();
  summary.classes_left_out = folder.num_classes() - summary.classes;
  summary.bytes = writer.bytes_written();
  return summary;
}

}  // namespace marginlab::data
