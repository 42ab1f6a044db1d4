#include "engine/data/recordio_source.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/errors.h"
#include "engine/data/image_decode.h"

namespace marginlab::data {
namespace {

namespace fs = std::filesystem;
namespace rio = formats::recordio;

struct DatasetPaths {
  fs::path rec, idx, property;
};

DatasetPaths locate(const std::string& path) {
  const fs::path given(path);
  std::error_code error;
  DatasetPaths paths;
  if (fs::is_directory(given, error)) {
    paths.rec = given / "train.rec";
    paths.idx = given / "train.idx";
    paths.property = given / "property";
    if (!fs::exists(paths.rec, error)) {
      throw InvalidFile(path + ": a RecordIO folder must hold train.rec and train.idx (insightface's layout); "
                        "no train.rec there");
    }
  } else {
    if (!fs::exists(given, error)) throw InvalidFile(path + ": no such file or folder");
    paths.rec = given;
    paths.idx = fs::path(given).replace_extension(".idx");
    paths.property = given.parent_path() / "property";
  }
  return paths;
}

// insightface's `property`: one line "classes,height,width". Only described, never trusted over the records.
std::string read_property(const fs::path& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return {};
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

}  // namespace

RecordIOSource::RecordIOSource(const std::string& path, ColorOrder order) : order_(order) {
  const auto paths = locate(path);
  file_ = std::make_unique<rio::RecordFile>(paths.rec.string(), paths.idx.string());
  images_ = rio::ImageList::build(*file_);
  notes_ = images_.notes();
  property_ = read_property(paths.property);
  if (!property_.empty()) {
    const auto classes = property_.substr(0, property_.find(','));
    if (classes != std::to_string(images_.num_classes())) {
      notes_.push_back(paths.property.string() + " says \"" + property_ + "\" but the records hold " +
                       std::to_string(images_.num_classes()) + " classes; the records win");
    }
  }
  for (const auto& note : notes_) spdlog::warn("{}: {}", file_->origin(), note);
}

ImageSample RecordIOSource::load(std::int64_t index) const {
  const std::int64_t record_key = images_.key(index);
  const std::string origin = file_->origin() + ", key " + std::to_string(record_key);
  std::vector<std::uint8_t> bytes;
  rio::Payload payload;
  try {
    bytes = file_->read(record_key);
    payload = rio::parse_ir_header(bytes, origin + ", payload");
  } catch (const UnreadableSample&) {
    throw;
  } catch (const InvalidFile& error) {
    throw UnreadableSample(error.what());  // one bad record in a readable file: skip it, go on
  }
  const std::int64_t expected = images_.label(index);
  if (payload.first_label() != static_cast<float>(expected)) {
    std::ostringstream message;
    message << origin << ": the record's label " << payload.first_label() << " contradicts class " << expected
            << " that the identity records give it";
    throw UnreadableSample(message.str());
  }
  ImageSample sample = decode_image(payload.image, order_, origin);
  sample.label = expected;
  return sample;
}

std::string RecordIOSource::describe() const {
  std::ostringstream text;
  text << "RecordIO (" << (images_.layout() == rio::Layout::insightface ? "insightface" : "im2rec") << " layout) "
       << file_->origin() << ": " << images_.size() << " images, " << images_.num_classes() << " classes";
  if (!property_.empty()) text << ", property \"" << property_ << "\"";
  return text.str();
}

}  // namespace marginlab::data
