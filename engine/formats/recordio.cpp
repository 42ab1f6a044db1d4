#include "engine/formats/recordio.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <functional>
#include <numeric>
#include <optional>
#include <sstream>
#include <system_error>

#include "core/errors.h"
#include "engine/formats/byte_reader.h"

namespace marginlab::formats::recordio {
namespace {

constexpr std::uint64_t kPartHeaderSize = 8;  // magic + lrec
constexpr std::uint32_t kFirstPart = 1, kMiddlePart = 2, kLastPart = 3;
constexpr std::array<std::uint8_t, 4> kMagicBytes{0x0A, 0x23, 0xD7, 0xCE};

static_assert(std::endian::native == std::endian::little, "RecordIO is little-endian; add byte swapping");

std::uint64_t padded(std::uint64_t length) { return (length + 3) & ~std::uint64_t{3}; }

std::string hex32(std::uint32_t value) {
  std::ostringstream text;
  text << "0x" << std::hex << std::uppercase;
  text.width(8);
  text.fill('0');
  text << value;
  return text.str();
}

[[noreturn]] void fail_at(const std::string& origin, std::uint64_t offset, const std::string& message) {
  throw InvalidFile(origin + ": offset " + std::to_string(offset) + ": " + message);
}

// A float as the file holds it, without std::to_string's six fixed decimals: 2.5, 17091660, nan.
std::string float_text(float value) {
  std::ostringstream text;
  text.precision(9);
  text << value;
  return text.str();
}

std::string system_message() { return std::generic_category().message(errno); }

void append_u32(std::vector<std::uint8_t>& out, std::uint32_t value) {
  for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<std::uint8_t>(value >> shift));
}

// One record through `fetch(offset, destination)`, which copies the file bytes [offset, offset + destination.size())
// and is only ever asked for bytes inside [0, file_size). Stops once `max_bytes` of payload are in hand, so a
// caller that wants only the IRHeader reads no image bytes.
template <typename Fetch>
RecordRead read_parts(const Fetch& fetch, std::uint64_t file_size, std::uint64_t offset, const std::string& origin,
                      std::size_t max_bytes) {
  RecordRead result;
  std::uint64_t position = offset;
  for (int part = 0;; ++part) {
    const std::uint64_t left = position < file_size ? file_size - position : 0;
    if (left < kPartHeaderSize) {
      fail_at(origin, position,
              "needed 8 bytes for a record header (magic, lrec), " + std::to_string(left) + " left" +
                  (part > 0 ? " (the file ends inside a split record)" : ""));
    }
    std::array<std::uint8_t, kPartHeaderSize> head_bytes{};
    fetch(position, std::span<std::uint8_t>(head_bytes));
    ByteReader head(head_bytes, origin, position);
    const std::uint32_t magic = head.u32("magic");
    if (magic != kMagic) {
      fail_at(origin, position, "wrong magic " + hex32(magic) + ", expected 0xCED7230A at the start of a record" +
                                    (part > 0 ? " part" : ""));
    }
    const std::uint32_t lrec = head.u32("lrec");
    const std::uint32_t cflag = lrec >> 29;
    const std::uint64_t length = lrec & kMaxPartLength;
    if (part == 0 && cflag != 0 && cflag != kFirstPart) {
      fail_at(origin, position, "lrec " + hex32(lrec) + " has cflag " + std::to_string(cflag) +
                                    ", expected 0 (whole record) or 1 (first part) at the start of a record");
    }
    if (part > 0 && cflag != kMiddlePart && cflag != kLastPart) {
      fail_at(origin, position, "lrec " + hex32(lrec) + " has cflag " + std::to_string(cflag) + " in part " +
                                    std::to_string(part + 1) + " of a split record, expected 2 (middle) or 3 (last)");
    }
    const std::uint64_t data_start = position + kPartHeaderSize;
    if (length > file_size - data_start) {
      fail_at(origin, position, "truncated record: lrec says " + std::to_string(length) + " bytes, only " +
                                    std::to_string(file_size - data_start) + " left in the file");
    }
    if (part > 0) {  // the writer dropped a magic word here
      const std::size_t room = max_bytes - result.payload.size();
      result.payload.insert(result.payload.end(), kMagicBytes.begin(),
                            kMagicBytes.begin() + std::min<std::size_t>(room, kMagicBytes.size()));
    }
    const std::size_t wanted = std::min<std::uint64_t>(length, max_bytes - result.payload.size());
    if (wanted > 0) {
      const std::size_t before = result.payload.size();
      result.payload.resize(before + wanted);
      fetch(data_start, std::span<std::uint8_t>(result.payload.data() + before, wanted));
    }
    position = data_start + padded(length);
    if (cflag == 0 || cflag == kLastPart || result.payload.size() >= max_bytes) break;
  }
  result.end_offset = position;
  return result;
}

RecordRead read_from_memory(std::span<const std::uint8_t> file, std::uint64_t offset, const std::string& origin,
                            std::size_t max_bytes) {
  const auto fetch = [file](std::uint64_t at, std::span<std::uint8_t> out) {
    std::memcpy(out.data(), file.data() + at, out.size());
  };
  return read_parts(fetch, file.size(), offset, origin, max_bytes);
}

std::string record_origin(const std::string& rec, std::int64_t key) { return rec + ", key " + std::to_string(key); }

// A line of a malformed file, quoted for a message: at most 60 characters, control bytes as '?'.
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text.substr(0, 60)) {
    const auto byte = static_cast<unsigned char>(c);
    out += (byte < 0x20 || byte >= 0x7F) ? '?' : c;
  }
  return out + (text.size() > 60 ? "...\"" : "\"");
}

template <typename Integer>
bool parse_integer(std::string_view& text, Integer& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end == text.data()) return false;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  return true;
}

std::size_t skip_blanks(std::string_view& text) {
  std::size_t count = 0;
  while (count < text.size() && (text[count] == ' ' || text[count] == '\t')) ++count;
  text.remove_prefix(count);
  return count;
}

}  // namespace

// ---- Records ----------------------------------------------------------------------------------------------------

std::vector<std::uint8_t> encode_record(std::span<const std::uint8_t> payload) {
  if (payload.size() > kMaxPartLength) {
    throw InvalidFile("RecordIO: a payload of " + std::to_string(payload.size()) +
                      " bytes exceeds the format's limit of " + std::to_string(kMaxPartLength) + " bytes");
  }
  std::vector<std::uint8_t> out;
  out.reserve(padded(payload.size()) + 2 * kPartHeaderSize);
  const auto emit = [&](std::uint32_t cflag, std::size_t begin, std::size_t end) {
    append_u32(out, kMagic);
    append_u32(out, cflag << 29 | static_cast<std::uint32_t>(end - begin));
    out.insert(out.end(), payload.begin() + static_cast<std::ptrdiff_t>(begin),
               payload.begin() + static_cast<std::ptrdiff_t>(end));
  };
  // A magic word inside the payload would look like a record start to a reader resynchronising on magic, so the
  // payload is cut there and the word left out; only 4-byte-aligned words count (records and payloads are aligned).
  bool split = false;
  std::size_t part_start = 0;
  for (std::size_t i = 0; i + 4 <= payload.size(); i += 4) {
    std::uint32_t word;
    std::memcpy(&word, payload.data() + i, 4);
    if (word != kMagic) continue;
    emit(split ? kMiddlePart : kFirstPart, part_start, i);
    split = true;
    part_start = i + 4;
  }
  emit(split ? kLastPart : 0, part_start, payload.size());
  out.resize(out.size() + (padded(payload.size()) - payload.size()), 0);  // parts before the last are aligned
  return out;
}

RecordRead read_record(std::span<const std::uint8_t> file, std::uint64_t offset, const std::string& origin) {
  return read_from_memory(file, offset, origin, std::numeric_limits<std::size_t>::max());
}

std::vector<RecordExtent> walk_records(std::span<const std::uint8_t> file, const std::string& origin) {
  std::vector<RecordExtent> extents;
  std::uint64_t offset = 0;
  while (offset < file.size()) {
    const auto record = read_record(file, offset, origin);
    extents.push_back({offset, record.payload.size()});
    offset = record.end_offset;
  }
  return extents;
}

// ---- Payloads ---------------------------------------------------------------------------------------------------

Payload parse_ir_header(std::span<const std::uint8_t> payload, const std::string& origin) {
  ByteReader reader(payload, origin);
  Payload result;
  result.header.flag = reader.u32("the IRHeader's flag");
  result.header.label = reader.f32("the IRHeader's label");
  result.header.id = reader.u64("the IRHeader's id");
  result.header.id2 = reader.u64("the IRHeader's id2");
  if (result.header.flag > 0) {
    const std::string what = "the " + std::to_string(result.header.flag) + " labels that flag announces";
    const auto bytes = reader.take(std::size_t{result.header.flag} * sizeof(float), what.c_str());
    result.labels.resize(result.header.flag);
    std::memcpy(result.labels.data(), bytes.data(), bytes.size());
  }
  result.image = reader.take(reader.remaining(), "the image");
  return result;
}

namespace {

std::vector<std::uint8_t> pack(std::uint32_t flag, float label, std::uint64_t id, std::uint64_t id2,
                               std::span<const float> labels, std::span<const std::uint8_t> image) {
  std::vector<std::uint8_t> out(kIRHeaderSize + labels.size_bytes() + image.size());
  std::uint8_t* at = out.data();
  const auto put = [&at](const void* value, std::size_t size) {
    if (size > 0) std::memcpy(at, value, size);
    at += size;
  };
  put(&flag, 4);
  put(&label, 4);
  put(&id, 8);
  put(&id2, 8);
  put(labels.data(), labels.size_bytes());
  put(image.data(), image.size());
  return out;
}

}  // namespace

std::vector<std::uint8_t> pack_payload(float label, std::uint64_t id, std::uint64_t id2,
                                       std::span<const std::uint8_t> image) {
  return pack(0, label, id, id2, {}, image);
}

std::vector<std::uint8_t> pack_payload(std::span<const float> labels, std::uint64_t id, std::uint64_t id2,
                                       std::span<const std::uint8_t> image) {
  if (labels.empty() || labels.size() > std::numeric_limits<std::uint32_t>::max()) {
    throw InvalidParameter("RecordIO pack: an array label needs 1 to 2^32 − 1 values, got " +
                           std::to_string(labels.size()));
  }
  return pack(static_cast<std::uint32_t>(labels.size()), 0.0f, id, id2, labels, image);
}

// ---- Index ------------------------------------------------------------------------------------------------------

std::vector<IndexEntry> parse_index(std::string_view text, const std::string& origin) {
  std::vector<IndexEntry> entries;
  std::size_t line_number = 0;
  std::size_t position = 0;
  while (position < text.size()) {
    ++line_number;
    std::size_t end = text.find('\n', position);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(position, end - position);
    position = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::string_view original = line;
    const auto malformed = [&](const std::string& why) {
      throw InvalidFile(origin + ": line " + std::to_string(line_number) + ": " + why + " in " + quoted(original) +
                        ", expected \"<key>\\t<offset>\" with non-negative integers");
    };
    IndexEntry entry;
    if (!parse_integer(line, entry.key)) malformed("no integer key");
    if (entry.key < 0) malformed("negative key " + std::to_string(entry.key));
    if (skip_blanks(line) == 0) malformed("no tab after the key");
    if (!parse_integer(line, entry.offset)) malformed("no offset after the key");
    skip_blanks(line);
    if (!line.empty()) malformed("unexpected text after the offset");
    entries.push_back(entry);
  }
  return entries;
}

RecordIndex::RecordIndex(std::vector<IndexEntry> entries, const std::string& origin) : entries_(std::move(entries)) {
  if (entries_.size() > std::numeric_limits<std::uint32_t>::max()) {
    throw InvalidFile(origin + ": " + std::to_string(entries_.size()) + " lines, more than this reader's 2^32 − 1");
  }
  by_key_.resize(entries_.size());
  std::iota(by_key_.begin(), by_key_.end(), std::uint32_t{0});
  std::stable_sort(by_key_.begin(), by_key_.end(),
                   [this](std::uint32_t a, std::uint32_t b) { return entries_[a].key < entries_[b].key; });
  for (std::size_t i = 1; i < by_key_.size(); ++i) {
    const auto earlier = by_key_[i - 1], later = by_key_[i];
    if (entries_[earlier].key == entries_[later].key) {
      throw InvalidFile(origin + ": line " + std::to_string(later + 1) + ": key " +
                        std::to_string(entries_[later].key) + " already appears on line " +
                        std::to_string(earlier + 1));
    }
  }
}

std::uint64_t RecordIndex::offset(std::int64_t key) const {
  const auto found = std::lower_bound(by_key_.begin(), by_key_.end(), key,
                                      [this](std::uint32_t p, std::int64_t k) { return entries_[p].key < k; });
  if (found == by_key_.end() || entries_[*found].key != key) return kMissing;
  return entries_[*found].offset;
}

std::int64_t RecordIndex::count_keys(std::int64_t first, std::int64_t end) const {
  if (end <= first) return 0;
  const auto below = [this](std::uint32_t p, std::int64_t k) { return entries_[p].key < k; };
  const auto from = std::lower_bound(by_key_.begin(), by_key_.end(), first, below);
  const auto to = std::lower_bound(from, by_key_.end(), end, below);
  return to - from;
}

void RecordIndex::check_offsets(std::uint64_t rec_size, const std::string& idx_origin,
                                const std::string& rec_origin) const {
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const auto& entry = entries_[i];
    const std::string where =
        idx_origin + ": line " + std::to_string(i + 1) + ": key " + std::to_string(entry.key) + ": offset " +
        std::to_string(entry.offset);
    if (entry.offset >= rec_size) {
      throw InvalidFile(where + " is past the end of " + rec_origin + " (" + std::to_string(rec_size) + " bytes)");
    }
    if (rec_size - entry.offset < kPartHeaderSize) {
      throw InvalidFile(where + " leaves no room for a record header in " + rec_origin + " (" +
                        std::to_string(rec_size) + " bytes)");
    }
    if (entry.offset % 4 != 0) {
      throw InvalidFile(where + " is not on the 4-byte boundary where records start");
    }
  }
}

// ---- Record stores ----------------------------------------------------------------------------------------------

RecordFile::RecordFile(std::string rec_path, std::string idx_path)
    : rec_path_(std::move(rec_path)), idx_path_(std::move(idx_path)) {
  std::ifstream idx(idx_path_, std::ios::binary);
  if (!idx) throw InvalidFile(idx_path_ + ": cannot open the RecordIO index: " + system_message());
  std::ostringstream text;
  text << idx.rdbuf();
  if (idx.bad()) throw InvalidFile(idx_path_ + ": cannot read the RecordIO index: " + system_message());
  index_ = RecordIndex(parse_index(text.view(), idx_path_), idx_path_);

  descriptor_ = ::open(rec_path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (descriptor_ < 0) throw InvalidFile(rec_path_ + ": cannot open: " + system_message());
  try {
    struct stat status {};
    if (::fstat(descriptor_, &status) != 0) throw InvalidFile(rec_path_ + ": cannot stat: " + system_message());
    if (!S_ISREG(status.st_mode)) throw InvalidFile(rec_path_ + ": not a regular file");
    file_size_ = static_cast<std::uint64_t>(status.st_size);
    index_.check_offsets(file_size_, idx_path_, rec_path_);
  } catch (...) {
    ::close(descriptor_);
    throw;
  }
}

RecordFile::~RecordFile() { ::close(descriptor_); }

std::vector<std::uint8_t> RecordFile::read(std::int64_t key, std::size_t max_bytes) const {
  const std::uint64_t offset = index_.offset(key);
  if (offset == RecordIndex::kMissing) {
    throw InvalidFile(rec_path_ + ": key " + std::to_string(key) + " is not in " + idx_path_);
  }
  const std::string origin = record_origin(rec_path_, key);
  // pread() takes the offset with every call: no shared file position, so threads need no lock.
  const auto fetch = [this, &origin](std::uint64_t at, std::span<std::uint8_t> out) {
    std::size_t done = 0;
    while (done < out.size()) {
      const ssize_t got = ::pread(descriptor_, out.data() + done, out.size() - done, static_cast<off_t>(at + done));
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) fail_at(origin, at + done, "read failed: " + system_message());
      if (got == 0) fail_at(origin, at + done, "the file ended early (did it shrink while open?)");
      done += static_cast<std::size_t>(got);
    }
  };
  return read_parts(fetch, file_size_, offset, origin, max_bytes).payload;
}

RecordBuffer::RecordBuffer(std::span<const std::uint8_t> rec, std::string_view idx_text, std::string origin)
    : rec_(rec), origin_(std::move(origin)) {
  const std::string idx_origin = origin_ + " index";
  index_ = RecordIndex(parse_index(idx_text, idx_origin), idx_origin);
  index_.check_offsets(rec_.size(), idx_origin, origin_);
}

std::vector<std::uint8_t> RecordBuffer::read(std::int64_t key, std::size_t max_bytes) const {
  const std::uint64_t offset = index_.offset(key);
  if (offset == RecordIndex::kMissing) {
    throw InvalidFile(origin_ + ": key " + std::to_string(key) + " is not in the index");
  }
  return read_from_memory(rec_, offset, record_origin(origin_, key), max_bytes).payload;
}

// ---- Writer -----------------------------------------------------------------------------------------------------

RecordWriter::RecordWriter(std::string rec_path, std::string idx_path)
    : rec_path_(std::move(rec_path)), idx_path_(std::move(idx_path)) {
  rec_.open(rec_path_, std::ios::binary | std::ios::trunc);
  if (!rec_) throw InvalidFile(rec_path_ + ": cannot create: " + system_message());
  idx_.open(idx_path_, std::ios::binary | std::ios::trunc);
  if (!idx_) throw InvalidFile(idx_path_ + ": cannot create: " + system_message());
}

RecordWriter::~RecordWriter() = default;

void RecordWriter::write(std::int64_t key, std::span<const std::uint8_t> payload) {
  if (key < 0) throw InvalidParameter(rec_path_ + ": key " + std::to_string(key) + ": RecordIO keys are non-negative");
  if (payload.size() > kMaxPartLength) {
    throw InvalidFile(record_origin(rec_path_, key) + ": a payload of " + std::to_string(payload.size()) +
                      " bytes exceeds RecordIO's limit of " + std::to_string(kMaxPartLength) + " bytes");
  }
  const auto bytes = encode_record(payload);
  rec_.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!rec_) {
    throw InvalidFile(rec_path_ + ": offset " + std::to_string(offset_) + ": write failed: " + system_message());
  }
  idx_ << key << '\t' << offset_ << '\n';
  if (!idx_) throw InvalidFile(idx_path_ + ": write failed: " + system_message());
  offset_ += bytes.size();
  ++records_;
}

void RecordWriter::close() {
  rec_.close();
  if (!rec_) throw InvalidFile(rec_path_ + ": closing failed: " + system_message());
  idx_.close();
  if (!idx_) throw InvalidFile(idx_path_ + ": closing failed: " + system_message());
}

// ---- The dataset view -------------------------------------------------------------------------------------------

std::int64_t ImageList::key(std::int64_t index) const {
  if (index < 0 || index >= count_) {
    throw std::out_of_range("RecordIO image " + std::to_string(index) + " of " + std::to_string(count_));
  }
  return keys_.empty() ? first_key_ + index : keys_[static_cast<std::size_t>(index)];
}

std::int64_t ImageList::label(std::int64_t index) const {
  if (index < 0 || index >= count_) {
    throw std::out_of_range("RecordIO image " + std::to_string(index) + " of " + std::to_string(count_));
  }
  if (!labels_.empty()) return labels_[static_cast<std::size_t>(index)];
  const auto after = std::upper_bound(class_starts_.begin(), class_starts_.end(), index);
  return (after - class_starts_.begin()) - 1;
}

class ImageListBuilder {
 public:
  explicit ImageListBuilder(const RecordStore& records) : records_(records) {}

  ImageList build() {
    if (records_.record_count() == 0) throw InvalidFile(records_.origin() + ": the index lists no records");
    if (auto header = insightface_header()) {
      build_insightface(header->first, header->second);
    } else {
      build_im2rec();
    }
    if (list_.count_ == 0) throw InvalidFile(records_.origin() + ": holds no images");
    return std::move(list_);
  }

 private:
  // float32 holds every integer up to 2^24; above it, a stored value v stands for any integer within half the gap
  // to the next float.
  static std::int64_t rounding_slack(float value) {
    if (value < 16777216.0f) return 0;
    return static_cast<std::int64_t>(std::nextafter(value, INFINITY) - value) / 2;
  }

  std::string where(std::int64_t key) const { return record_origin(records_.origin(), key); }

  Payload parse(std::int64_t key, const std::vector<std::uint8_t>& bytes) const {
    return parse_ir_header(bytes, where(key) + ", payload");
  }

  // A header value as a key: a non-negative integer that a key can hold.
  std::int64_t whole_number(float value, const std::string& what) const {
    if (!std::isfinite(value) || value < 0 || value > 0x1p62f || value != std::floor(value)) {
      throw InvalidFile(where(0) + ": header record: " + what + " = " + float_text(value) +
                        " is not a non-negative whole number");
    }
    return static_cast<std::int64_t>(value);
  }

  std::int32_t class_id(float value, std::int64_t key) const {
    if (!std::isfinite(value) || value < 0 || value >= 2147483648.0f || value != std::floor(value)) {
      throw InvalidFile(where(key) + ": label " + float_text(value) +
                        " is not a class id (a non-negative whole number below 2^31)");
    }
    return static_cast<std::int32_t>(value);
  }

  // label[0] of image record `key`, from its first bytes only.
  std::int32_t image_label(std::int64_t key) const {
    const auto bytes = records_.read(key, kIRHeaderSize + sizeof(float));
    ByteReader reader(bytes, where(key) + ", payload");
    const std::uint32_t flag = reader.u32("the IRHeader's flag");
    float label = reader.f32("the IRHeader's label");
    reader.take(16, "the IRHeader's ids");
    if (flag > 0) label = reader.f32("the first of the labels that flag announces");
    return class_id(label, key);
  }

  bool is_image(std::int64_t key) const {
    return records_.contains(key) && !parse(key, records_.read(key)).image.empty();
  }

  bool is_identity(std::int64_t key) const {
    if (!records_.contains(key)) return false;
    const auto payload = parse(key, records_.read(key));
    return payload.header.flag >= 2 && payload.image.empty();
  }

  // The smallest key in [low, high] where `holds` is false, if any.
  static std::optional<std::int64_t> first_not(std::int64_t low, std::int64_t high,
                                               const std::function<bool(std::int64_t)>& holds) {
    for (std::int64_t key = low; key <= high; ++key) {
      if (!holds(key)) return key;
    }
    return std::nullopt;
  }

  // insightface's header record: key 0 with flag ≥ 2, labels [A, B] and no image. An im2rec record 0 with an
  // array label still carries an image, which tells the two apart.
  std::optional<std::pair<float, float>> insightface_header() const {
    if (!records_.contains(0)) return std::nullopt;
    const auto payload = parse(0, records_.read(0));
    if (payload.header.flag < 2 || !payload.image.empty()) return std::nullopt;
    return std::pair{payload.labels[0], payload.labels[1]};
  }

  void build_insightface(float stored_a, float stored_b) {
    list_.layout_ = Layout::insightface;
    std::int64_t a = whole_number(stored_a, "A (one past the last image key)");
    std::int64_t b = whole_number(stored_b, "B (one past the last identity key)");
    // Rounded values: images are keys 1..A−1, so A is the first key near the stored value that is not an image;
    // identities are A..B−1, so B is the first key near its stored value (and not below A) that is no identity.
    if (const auto slack = rounding_slack(stored_a); slack > 0) {
      const auto found = first_not(std::max<std::int64_t>(1, a - slack), a + slack,
                                   [this](std::int64_t key) { return is_image(key); });
      if (!found) {
        throw InvalidFile(where(0) + ": header record: A = " + std::to_string(a) +
                          " (rounded by float32) but keys " + std::to_string(a - slack) + ".." +
                          std::to_string(a + slack) + " are all images; cannot tell where the images end");
      }
      if (*found != a) note_rounded("A", a, *found);
      a = *found;
    }
    if (const auto slack = rounding_slack(stored_b); slack > 0) {
      const auto found = first_not(std::max(a, b - slack), b + slack,
                                   [this](std::int64_t key) { return is_identity(key); });
      if (!found) {
        throw InvalidFile(where(0) + ": header record: B = " + std::to_string(b) +
                          " (rounded by float32) but keys " + std::to_string(b - slack) + ".." +
                          std::to_string(b + slack) + " are all identity records; cannot tell where they end");
      }
      if (*found != b) note_rounded("B", b, *found);
      b = *found;
    }
    if (a < 1 || b < a) {
      throw InvalidFile(where(0) + ": header record: [A, B) = [" + std::to_string(a) + ", " + std::to_string(b) +
                        ") is not a valid layout (expected 1 ≤ A ≤ B)");
    }
    if (const auto present = records_.count_keys(1, a); present != a - 1) {
      throw InvalidFile(where(0) + ": header record says the images are keys 1.." + std::to_string(a - 1) +
                        ", but the index holds only " + std::to_string(present) + " of them");
    }
    if (const auto present = records_.count_keys(a, b); present != b - a) {
      throw InvalidFile(where(0) + ": header record says the identity records are keys " + std::to_string(a) + ".." +
                        std::to_string(b - 1) + ", but the index holds only " + std::to_string(present) +
                        " of them");
    }
    list_.count_ = a - 1;
    list_.first_key_ = 1;
    const std::int64_t classes = b - a;
    if (classes == 0) {
      list_.notes_.push_back("no identity records: the labels were read from every image record");
      labels_from_images(0);
      return;
    }
    if (!class_starts_from_identities(a, classes)) {
      list_.notes_.push_back("the identity records' ranges disagree with the image labels: the labels were read "
                             "from every image record instead");
      labels_from_images(classes);
      return;
    }
    list_.class_counts_.resize(static_cast<std::size_t>(classes));
    for (std::size_t c = 0; c < list_.class_counts_.size(); ++c) {
      list_.class_counts_[c] = list_.class_starts_[c + 1] - list_.class_starts_[c];
    }
    list_.class_starts_.pop_back();  // label() needs only where each class starts
  }

  void note_rounded(const char* name, std::int64_t stored, std::int64_t actual) {
    list_.notes_.push_back(std::string("header record: ") + name + " is stored as " + std::to_string(stored) +
                           " (float32 rounding); the records say " + std::to_string(actual));
  }

  // Fills class_starts_ (as image indices, classes + 1 entries) from identity records a..a+classes−1. False when
  // the ranges do not tile the images 1..a−1 even after resolving rounded boundaries from the image labels.
  bool class_starts_from_identities(std::int64_t a, std::int64_t classes) {
    std::vector<float> starts, ends;
    starts.reserve(static_cast<std::size_t>(classes));
    ends.reserve(static_cast<std::size_t>(classes));
    for (std::int64_t c = 0; c < classes; ++c) {
      const std::int64_t key = a + c;
      const auto payload = parse(key, records_.read(key));
      if (payload.header.flag < 2 || !payload.image.empty()) {
        throw InvalidFile(where(key) + ": expected the identity record of class " + std::to_string(c) +
                          " (flag ≥ 2, labels [first key, end key), no image), found flag " +
                          std::to_string(payload.header.flag) + " and " + std::to_string(payload.image.size()) +
                          " image bytes");
      }
      starts.push_back(payload.labels[0]);
      ends.push_back(payload.labels[1]);
    }
    // Boundary c is where class c starts: 1 for the first class, A after the last, and in between both the end of
    // class c−1 and the start of class c, which must agree (they are the same integer, rounded the same way).
    std::vector<std::int64_t> boundaries{1};
    if (starts.front() != 1.0f || ends.back() != static_cast<float>(a)) return false;
    for (std::int64_t c = 1; c < classes; ++c) {
      const float stored = starts[static_cast<std::size_t>(c)];
      if (stored != ends[static_cast<std::size_t>(c - 1)] || !std::isfinite(stored) || stored < 1.0f ||
          stored > 0x1p62f || stored != std::floor(stored)) {
        return false;
      }
      std::int64_t boundary = static_cast<std::int64_t>(stored);
      if (const auto slack = rounding_slack(stored); slack > 0) {
        const std::int64_t low = std::max(boundaries.back(), boundary - slack);
        const std::int64_t high = std::min(a - 1, boundary + slack);
        const auto found = first_not(low, high, [this, c](std::int64_t key) { return image_label(key) < c; });
        if (!found) return false;
        boundary = *found;
      }
      if (boundary < boundaries.back() || boundary > a) return false;
      boundaries.push_back(boundary);
    }
    boundaries.push_back(a);
    list_.class_starts_.resize(boundaries.size());
    for (std::size_t i = 0; i < boundaries.size(); ++i) list_.class_starts_[i] = boundaries[i] - 1;
    return true;
  }

  // Reads label[0] of every image (keys from list_); at least `min_classes` classes. Class ids far beyond the number
  // of images (a debugging subset keeps its full set's ids, so some room is allowed) mean a corrupt label, and would
  // otherwise size the per-class tables after garbage.
  void labels_from_images(std::int64_t min_classes) {
    const std::int64_t id_limit = std::max<std::int64_t>({min_classes, 16 * list_.count_, std::int64_t{1} << 20});
    list_.labels_.resize(static_cast<std::size_t>(list_.count_));
    std::int32_t largest = -1;
    for (std::int64_t i = 0; i < list_.count_; ++i) {
      const std::int64_t key = list_.key(i);
      const auto label = image_label(key);
      if (label >= id_limit) {
        throw InvalidFile(where(key) + ": label " + std::to_string(label) + " is implausibly large for a set of " +
                          std::to_string(list_.count_) + " images (class ids are expected below " +
                          std::to_string(id_limit) + ")");
      }
      list_.labels_[static_cast<std::size_t>(i)] = label;
      largest = std::max(largest, label);
    }
    list_.class_counts_.assign(static_cast<std::size_t>(std::max<std::int64_t>(min_classes, largest + 1)), 0);
    for (const auto label : list_.labels_) ++list_.class_counts_[static_cast<std::size_t>(label)];
  }

  void build_im2rec() {
    list_.layout_ = Layout::im2rec;
    const std::size_t count = records_.record_count();
    list_.count_ = static_cast<std::int64_t>(count);
    list_.first_key_ = records_.key_at(0);
    bool consecutive = true;
    for (std::size_t line = 0; line < count && consecutive; ++line) {
      consecutive = records_.key_at(line) == list_.first_key_ + static_cast<std::int64_t>(line);
    }
    if (!consecutive) {
      list_.keys_.reserve(count);
      for (std::size_t line = 0; line < count; ++line) list_.keys_.push_back(records_.key_at(line));
    }
    labels_from_images(0);
  }

  const RecordStore& records_;
  ImageList list_;
};

ImageList ImageList::build(const RecordStore& records) { return ImageListBuilder(records).build(); }

}  // namespace marginlab::formats::recordio
