#include "engine/data/verification_set.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include "core/errors.h"
#include "engine/data/image_decode.h"
#include "engine/data/synthface.h"
#include "engine/formats/pair_list.h"
#include "engine/formats/verification_pack.h"
#include "engine/formats/whole_file.h"

namespace marginlab::data {
namespace {

namespace fs = std::filesystem;

void check_index(std::int64_t index, std::int64_t size, const std::string& what) {
  if (index < 0 || index >= size) {
    throw InvalidFile(what + ": image index " + std::to_string(index) + " is outside [0, " + std::to_string(size) +
                      ")");
  }
}

// The images of a .bin pack, still encoded; load() decodes one.
class PackImages : public SampleSource {
 public:
  PackImages(std::string path, formats::VerificationPack pack, ColorOrder order)
      : path_(std::move(path)), pack_(std::move(pack)), order_(order) {}

  std::int64_t size() const override { return static_cast<std::int64_t>(pack_.images.size()); }
  std::int64_t num_classes() const override { return 0; }
  std::int64_t label(std::int64_t index) const override {
    check_index(index, size(), path_);
    return -1;
  }
  std::vector<std::int64_t> class_counts() const override { return {}; }
  ImageSample load(std::int64_t index) const override {
    check_index(index, size(), path_);
    return decode_image(pack_.images[static_cast<std::size_t>(index)], order_,
                        path_ + ": image " + std::to_string(index));
  }
  ColorOrder color_order() const override { return order_; }
  std::string describe() const override {
    return "insightface .bin pack " + path_ + ": " + std::to_string(pack_.images.size()) + " images, " +
           std::to_string(pack_.issame.size()) + " pairs (" + pack_.encoding + ")";
  }

 private:
  std::string path_;
  formats::VerificationPack pack_;
  ColorOrder order_;
};

// The distinct image files of a pair list; load() reads and decodes one.
class ListedImages : public SampleSource {
 public:
  ListedImages(std::string list_path, std::vector<std::string> files, ColorOrder order)
      : list_path_(std::move(list_path)), files_(std::move(files)), order_(order) {}

  std::int64_t size() const override { return static_cast<std::int64_t>(files_.size()); }
  std::int64_t num_classes() const override { return 0; }
  std::int64_t label(std::int64_t index) const override {
    check_index(index, size(), list_path_);
    return -1;
  }
  std::vector<std::int64_t> class_counts() const override { return {}; }
  ImageSample load(std::int64_t index) const override {
    check_index(index, size(), list_path_);
    const std::string& file = files_[static_cast<std::size_t>(index)];
    std::vector<std::uint8_t> bytes;
    try {
      bytes = formats::read_whole_file(file);
    } catch (const InvalidFile& error) {  // one missing image must not stop an evaluation: skippable
      throw UnreadableSample(std::string(error.what()) + " (listed in " + list_path_ + ")");
    }
    return decode_image(bytes, order_, file);
  }
  ColorOrder color_order() const override { return order_; }
  std::string describe() const override {
    return "pair list " + list_path_ + ": " + std::to_string(files_.size()) + " image files";
  }

 private:
  std::string list_path_;
  std::vector<std::string> files_;
  ColorOrder order_;
};

VerificationSet open_pack(const std::string& path, const std::vector<std::uint8_t>& bytes, ColorOrder order) {
  formats::VerificationPack pack = formats::read_verification_pack(bytes, path);
  VerificationSet set;
  set.format = "insightface .bin (" + pack.encoding + ")";
  set.pairs.reserve(pack.issame.size());
  for (std::size_t i = 0; i < pack.issame.size(); ++i) {
    VerificationPair pair;
    pair.first = static_cast<std::int64_t>(2 * i);
    pair.second = static_cast<std::int64_t>(2 * i + 1);
    pair.same = pack.issame[i];
    set.pairs.push_back(pair);
  }
  set.images = std::make_shared<const PackImages>(path, std::move(pack), order);
  return set;
}

VerificationSet open_pair_list(const std::string& path, const std::vector<std::uint8_t>& bytes, ColorOrder order) {
  const auto entries = formats::parse_pair_list(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), path);
  const fs::path folder = fs::path(path).parent_path();
  std::vector<std::string> files;
  std::map<std::string, std::int64_t> index_of;  // one image per distinct (normalised) path
  auto image_index = [&](const std::string& listed) {
    const fs::path listed_path(listed);
    const fs::path resolved = listed_path.is_absolute() ? listed_path : folder / listed_path;
    const std::string file = resolved.lexically_normal().string();
    const auto [found, inserted] = index_of.try_emplace(file, static_cast<std::int64_t>(files.size()));
    if (inserted) files.push_back(file);
    return found->second;
  };
  VerificationSet set;
  set.format = "pair list";
  set.pairs.reserve(entries.size());
  for (const auto& entry : entries) {
    VerificationPair pair;
    pair.first = image_index(entry.first);
    pair.second = image_index(entry.second);
    pair.same = entry.same;
    set.pairs.push_back(pair);
  }
  set.images = std::make_shared<const ListedImages>(path, std::move(files), order);
  return set;
}

}  // namespace

VerificationSet open_verification_set(const std::string& path, ColorOrder order) {
  const std::vector<std::uint8_t> bytes = formats::read_whole_file(path);
  // Every pickle of protocol 2 or later starts with the PROTO opcode 0x80, a byte no text pair list starts with.
  const bool pickle = !bytes.empty() && bytes[0] == 0x80;
  const bool bin_extension = fs::path(path).extension() == ".bin";
  VerificationSet set;
  if (pickle || bin_extension) {
    set = open_pack(path, bytes, order);
  } else {
    const auto text_end = bytes.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(bytes.size(), 4096));
    if (std::find(bytes.begin(), text_end, std::uint8_t{0}) != text_end) {
      throw InvalidFile(path + ": not a verification set: neither an insightface .bin pack (a pickle) nor a text "
                               "pair list ('path1 path2 same' lines)");
    }
    set = open_pair_list(path, bytes, order);
  }
  set.name = fs::path(path).stem().string();
  set.path = path;
  return set;
}

VerificationSet synthface_verification_set(const SynthFace& synthface) {
  VerificationSet set;
  set.name = "synthface";
  set.format = "synthface";
  set.images = synthface.verification_images();
  set.pairs = synthface.verification_pairs();
  set.true_quality_strata = true;
  return set;
}

}  // namespace marginlab::data
