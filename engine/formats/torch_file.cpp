#include "engine/formats/torch_file.h"

#include <zip.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <vector>

#include "core/errors.h"
#include "engine/formats/mapped_file.h"

namespace marginlab::formats {
namespace {

// torch.save's legacy format starts with the pickled magic number 0x1950a86a20f9469cfc6c (LONG1 of 10 bytes).
constexpr std::uint8_t kLegacyMagic[] = {0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19};

bool starts_with(std::span<const std::uint8_t> bytes, std::span<const std::uint8_t> prefix, std::size_t at = 0) {
  return bytes.size() >= at + prefix.size() && std::equal(prefix.begin(), prefix.end(), bytes.begin() + at);
}

std::string zip_message(zip_error_t* error) {
  const char* text = zip_error_strerror(error);
  return text ? text : "unknown zip error";
}

}  // namespace

FileKind sniff_file_kind(std::span<const std::uint8_t> bytes) {
  constexpr std::uint8_t kZip[] = {'P', 'K', 0x03, 0x04};
  constexpr std::uint8_t kEmptyZip[] = {'P', 'K', 0x05, 0x06};
  if (starts_with(bytes, kZip) || starts_with(bytes, kEmptyZip)) return FileKind::zip;
  if (bytes.size() >= 2 && bytes[0] == 0x80 && bytes[1] >= 2 && bytes[1] <= 5) return FileKind::pickle;
  // safetensors: an 8-byte little-endian header length, then the JSON header.
  if (bytes.size() >= 9 && bytes[8] == '{') {
    std::uint64_t header = 0;
    std::memcpy(&header, bytes.data(), sizeof header);
    if (header <= bytes.size() - 8) return FileKind::safetensors;
  }
  return FileKind::unknown;
}

std::string describe_file_kind(std::span<const std::uint8_t> bytes) {
  switch (sniff_file_kind(bytes)) {
    case FileKind::zip:
      return "a zip archive";
    case FileKind::pickle:
      return starts_with(bytes, kLegacyMagic, 2) ? "a torch.save file in the legacy format of PyTorch before 1.6"
                                                 : "a bare pickle";
    case FileKind::safetensors:
      return "a safetensors file";
    case FileKind::unknown:
      break;
  }
  if (bytes.empty()) return "an empty file";
  std::string shown;
  for (std::size_t i = 0; i < std::min<std::size_t>(bytes.size(), 8); ++i) {
    char hex[4];
    std::snprintf(hex, sizeof hex, "%02x", bytes[i]);
    shown += hex;
  }
  return "an unknown format (first bytes " + shown + ")";
}

struct TorchFile::Archive {
  std::shared_ptr<const void> owner;
  zip_t* zip = nullptr;
  std::string origin;
  std::mutex mutex;  // libzip handles are not thread-safe; the storage cache is shared
  std::map<std::string, std::shared_ptr<const std::vector<std::uint8_t>>> storages;
  // data.pkl: the bytes and strings of the pickle view it, so it lives as long as the file's values.
  std::shared_ptr<const std::vector<std::uint8_t>> pickled;

  ~Archive() {
    if (zip) zip_discard(zip);
  }

  std::string entry_name(zip_uint64_t index) const {
    const char* name = zip_get_name(zip, index, ZIP_FL_ENC_RAW);
    return name ? name : "";
  }

  std::optional<zip_uint64_t> locate(const std::string& name) const {
    const zip_int64_t index = zip_name_locate(zip, name.c_str(), ZIP_FL_ENC_RAW);
    if (index < 0) return std::nullopt;
    return static_cast<zip_uint64_t>(index);
  }

  // The whole entry, which must be stored uncompressed (as torch.save writes), so its size is bounded by the file's.
  std::vector<std::uint8_t> read(zip_uint64_t index) {
    const std::string name = entry_name(index);
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat_index(zip, index, 0, &stat) != 0) {
      throw InvalidFile(origin + ": " + name + ": " + zip_message(zip_get_error(zip)));
    }
    if (!(stat.valid & ZIP_STAT_COMP_METHOD) || stat.comp_method != ZIP_CM_STORE || !(stat.valid & ZIP_STAT_SIZE) ||
        stat.size != stat.comp_size) {
      throw InvalidFile(origin + ": " + name +
                        ": a compressed entry (torch.save stores its entries uncompressed; was the zip re-packed?)");
    }
    zip_file_t* file = zip_fopen_index(zip, index, 0);
    if (!file) throw InvalidFile(origin + ": " + name + ": " + zip_message(zip_get_error(zip)));
    std::vector<std::uint8_t> bytes(stat.size);
    zip_int64_t total = 0;
    while (static_cast<zip_uint64_t>(total) < stat.size) {
      const zip_int64_t got = zip_fread(file, bytes.data() + total, stat.size - static_cast<zip_uint64_t>(total));
      if (got <= 0) break;
      total += got;
    }
    // One more read reaches the end, where libzip checks the CRC.
    std::uint8_t extra = 0;
    const zip_int64_t after = static_cast<zip_uint64_t>(total) == stat.size ? zip_fread(file, &extra, 1) : -1;
    const std::string error = zip_message(zip_file_get_error(file));
    zip_fclose(file);
    if (static_cast<zip_uint64_t>(total) != stat.size || after != 0) {
      throw InvalidFile(origin + ": " + name + ": damaged entry (" + error + ")");
    }
    return bytes;
  }
};

TorchFile TorchFile::open(const std::string& path) {
  const auto mapped = MappedFile::open(path);
  return parse(mapped->bytes(), mapped, path);
}

TorchFile TorchFile::parse(std::span<const std::uint8_t> bytes, std::shared_ptr<const void> owner,
                           const std::string& origin) {
  if (sniff_file_kind(bytes) != FileKind::zip) {
    throw InvalidFile(origin + ": " + describe_file_kind(bytes) +
                      ", expected a torch.save zip archive (PyTorch 1.6 or later)" +
                      (starts_with(bytes, kLegacyMagic, 2)
                           ? "; load and save it again with a newer PyTorch: torch.save(torch.load(path), path)"
                           : ""));
  }
  TorchFile file;
  file.origin_ = origin;
  file.archive_ = std::make_shared<Archive>();
  Archive& archive = *file.archive_;
  archive.owner = std::move(owner);
  archive.origin = origin;
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (source) {
    archive.zip = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error);
    if (!archive.zip) zip_source_free(source);
  }
  if (!archive.zip) {
    const std::string message = zip_message(&error);
    zip_error_fini(&error);
    throw InvalidFile(origin + ": a damaged zip archive (" + message + ")");
  }
  zip_error_fini(&error);

  // The record is the one top-level folder holding data.pkl.
  const zip_int64_t entries = zip_get_num_entries(archive.zip, 0);
  std::optional<zip_uint64_t> data_pkl;
  bool torchscript = false;
  for (zip_int64_t i = 0; i < entries; ++i) {
    const std::string name = archive.entry_name(static_cast<zip_uint64_t>(i));
    const auto slash = name.find('/');
    if (slash == std::string::npos) continue;
    const std::string rest = name.substr(slash + 1);
    if (rest == "data.pkl") {
      if (data_pkl) throw InvalidFile(origin + ": two records with a data.pkl (" + file.record_ + " and " + name + ")");
      data_pkl = static_cast<zip_uint64_t>(i);
      file.record_ = name.substr(0, slash);
    }
    torchscript = torchscript || rest == "constants.pkl" || rest.starts_with("code/");
  }
  if (torchscript) {
    throw InvalidFile(origin +
                      ": a TorchScript archive (torch.jit.save), expected a torch.save file; save its "
                      "weights with torch.save(model.state_dict(), path)");
  }
  if (!data_pkl) throw InvalidFile(origin + ": a zip archive without <name>/data.pkl, expected a torch.save file");
  if (const auto order = archive.locate(file.record_ + "/byteorder")) {
    const auto text = archive.read(*order);
    if (std::string(text.begin(), text.end()) != "little") {
      throw InvalidFile(origin + ": a big-endian archive (byteorder '" + std::string(text.begin(), text.end()) +
                        "'), expected little-endian");
    }
  }
  archive.pickled = std::make_shared<const std::vector<std::uint8_t>>(archive.read(*data_pkl));
  file.pickle_ =
      pickle::load(*archive.pickled, origin + ":" + file.record_ + "/data.pkl", pickle::Vocabulary::checkpoint);
  return file;
}

StoredTensor TorchFile::tensor(const pickle::Tensor& tensor) const {
  const pickle::Storage& storage = *tensor.storage;
  const std::string entry = record_ + "/data/" + storage.key;
  std::shared_ptr<const std::vector<std::uint8_t>> bytes;
  {
    std::lock_guard lock(archive_->mutex);
    auto& cached = archive_->storages[storage.key];
    if (!cached) {
      const auto index = archive_->locate(entry);
      if (!index) throw InvalidFile(origin_ + ": " + entry + " is missing (a storage the pickle refers to)");
      cached = std::make_shared<const std::vector<std::uint8_t>>(archive_->read(*index));
    }
    bytes = cached;
  }
  std::uint64_t expected = 0;
  const bool overflow =
      __builtin_mul_overflow(static_cast<std::uint64_t>(storage.numel), element_size(storage.type), &expected);
  if (overflow || bytes->size() != expected) {
    throw InvalidFile(origin_ + ": " + entry + " holds " + std::to_string(bytes->size()) + " bytes, but its " +
                      std::to_string(storage.numel) + " " + std::string(element_type_name(storage.type)) +
                      " elements need " + (overflow ? "more than 2^64" : std::to_string(expected)));
  }
  StoredTensor stored;
  stored.type = storage.type;
  stored.sizes = tensor.sizes;
  stored.strides = tensor.strides;
  stored.offset = tensor.offset;
  stored.storage = *bytes;
  stored.owner = bytes;
  return stored;
}

}  // namespace marginlab::formats
