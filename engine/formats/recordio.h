#pragma once
// MXNet RecordIO (dmlc-core's recordio, MXNet's recordio.py), byte-exact, with no MXNet: the .rec/.idx pairs that
// insightface ships its training sets in (MS1MV2, MS1MV3, Glint360K, ...) and that `im2rec` builds.
//
//   record   = u32 magic 0xCED7230A, u32 lrec = cflag << 29 | length, `length` bytes, zero padding to 4 bytes
//   cflag    = 0 whole record; 1, 2, 3 first, middle, last part of a payload that the writer split wherever a
//              4-byte-aligned word of it equalled the magic (the word is dropped; a reader puts it back between parts)
//   .idx     = text lines "<key>\t<offset of the record's magic>\n", keys in any order
//   payload  = IRHeader `IfQQ` (u32 flag, f32 label, u64 id, u64 id2; 24 bytes), then `flag` extra float32 labels,
//              then the image bytes
//
// Every failure throws marginlab::InvalidFile naming the file, the offset and/or the key and what was expected.
//
// Entry points for the fuzzer (fuzz/fuzz_recordio.cpp). They work on bytes in memory and read only inside the spans
// they are given; their memory is bounded by the input's size (plus, for ImageList, per-class tables of at most
// 2^20 entries for a small input). On any input they either return or throw InvalidFile:
//   parse_index(text, origin)                    a whole .idx
//   read_record(file, offset, origin)            one (possibly split) record of an in-memory .rec
//   walk_records(file, origin)                   every record of an in-memory .rec, in file order
//   parse_ir_header(payload, origin)             one payload's IRHeader, labels and image bytes
//   RecordBuffer(rec, idx_text, origin)          an in-memory .rec + .idx (offsets checked against the .rec) ...
//   ImageList::build(buffer)                     ... and its dataset view (insightface or im2rec layout)
// encode_record(payload) followed by read_record gives the payload back, for any payload up to 2^29 − 1 bytes.
#include <cstdint>
#include <fstream>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace marginlab::formats::recordio {

constexpr std::uint32_t kMagic = 0xCED7230A;
constexpr std::uint32_t kMaxPartLength = (1u << 29) - 1;  // lrec's 29 length bits
constexpr std::size_t kIRHeaderSize = 24;

// ---- Records ----------------------------------------------------------------------------------------------------

// The bytes a writer appends for one payload: its parts (split at aligned magic words, as dmlc's writer does), each
// with magic and lrec, and the last one padded to 4 bytes. Throws InvalidFile when the payload exceeds the format's
// 2^29 − 1 bytes (the limit dmlc's writer enforces for the whole payload).
std::vector<std::uint8_t> encode_record(std::span<const std::uint8_t> payload);

struct RecordRead {
  std::vector<std::uint8_t> payload;  // the parts joined, the magic words put back between them
  std::uint64_t end_offset = 0;       // where the next record starts (after the last part's padding)
};

// Reads the record whose magic starts at `offset` of `file` (an in-memory .rec); `origin` names it in messages
// ("train.rec" or "train.rec, key 17"). A missing final padding at the very end of the file is tolerated.
RecordRead read_record(std::span<const std::uint8_t> file, std::uint64_t offset, const std::string& origin);

struct RecordExtent {
  std::uint64_t offset = 0;        // where the record's first magic is
  std::uint64_t payload_size = 0;  // joined payload bytes
};

// Every record of an in-memory .rec, from offset 0 to the end. Throws at the first bad record.
std::vector<RecordExtent> walk_records(std::span<const std::uint8_t> file, const std::string& origin);

// ---- Payloads ---------------------------------------------------------------------------------------------------

struct IRHeader {
  std::uint32_t flag = 0;  // number of extra float labels after the header; 0: the scalar label is the label
  float label = 0.0f;
  std::uint64_t id = 0;
  std::uint64_t id2 = 0;
};

struct Payload {
  IRHeader header;
  std::vector<float> labels;               // the `flag` extra labels (empty when flag is 0)
  std::span<const std::uint8_t> image;     // the bytes after header and labels, inside the parsed payload
  // What insightface's readers use as the class: label[0] when the label is an array, else the scalar.
  float first_label() const { return labels.empty() ? header.label : labels.front(); }
};

// Throws InvalidFile "<origin>: offset <n>: needed ... bytes for ..." when the payload is shorter than its header
// and labels claim.
Payload parse_ir_header(std::span<const std::uint8_t> payload, const std::string& origin);

// MXNet's recordio.pack: IRHeader(0, label, id, id2) followed by the image bytes.
std::vector<std::uint8_t> pack_payload(float label, std::uint64_t id, std::uint64_t id2,
                                       std::span<const std::uint8_t> image);
// recordio.pack with an array label: flag = labels.size() (at least 1), scalar label 0, the labels, the image bytes.
std::vector<std::uint8_t> pack_payload(std::span<const float> labels, std::uint64_t id, std::uint64_t id2,
                                       std::span<const std::uint8_t> image);

// ---- Index ------------------------------------------------------------------------------------------------------

struct IndexEntry {
  std::int64_t key = 0;
  std::uint64_t offset = 0;
};

// A whole .idx: lines "<key><tab or spaces><offset>", optionally ending in "\r"; keys are non-negative integers and
// unique. Entries come back in line order (entry i is line i + 1). Throws InvalidFile "<origin>: line N: ...".
std::vector<IndexEntry> parse_index(std::string_view text, const std::string& origin);

// The .idx as a lookup table: key → offset by binary search, and the keys in line order (im2rec's image order).
class RecordIndex {
 public:
  RecordIndex() = default;
  // Throws InvalidFile naming both lines of a duplicated key.
  RecordIndex(std::vector<IndexEntry> entries, const std::string& origin);

  std::size_t size() const { return entries_.size(); }
  const std::vector<IndexEntry>& entries() const { return entries_; }  // line order
  // The offset of record `key`, or kMissing when the .idx has no such key.
  static constexpr std::uint64_t kMissing = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t offset(std::int64_t key) const;
  std::int64_t count_keys(std::int64_t first, std::int64_t end) const;  // keys k with first ≤ k < end
  // Throws InvalidFile "<idx_origin>: line N: key K: offset X ..." for an offset that leaves no room for a record
  // header in a .rec of `rec_size` bytes, or that is not on a 4-byte boundary.
  void check_offsets(std::uint64_t rec_size, const std::string& idx_origin, const std::string& rec_origin) const;

 private:
  std::vector<IndexEntry> entries_;
  std::vector<std::uint32_t> by_key_;  // positions into entries_, sorted by key
};

// ---- Record stores: records by key -----------------------------------------------------------------------------

class RecordStore {
 public:
  virtual ~RecordStore() = default;
  virtual const std::string& origin() const = 0;  // the .rec, as messages name it
  virtual std::size_t record_count() const = 0;   // lines of the .idx
  virtual std::int64_t key_at(std::size_t line) const = 0;  // the key on .idx line `line` + 1
  virtual bool contains(std::int64_t key) const = 0;
  virtual std::int64_t count_keys(std::int64_t first, std::int64_t end) const = 0;  // keys k with first ≤ k < end
  // The joined payload of record `key`, or its first `max_bytes` bytes (reading no more of the file than that
  // needs). Throws InvalidFile naming the file, the key and the offset.
  virtual std::vector<std::uint8_t> read(std::int64_t key,
                                         std::size_t max_bytes = std::numeric_limits<std::size_t>::max()) const = 0;
};

// What RecordFile and RecordBuffer share: the index questions answered from a RecordIndex.
class IndexedRecordStore : public RecordStore {
 public:
  const RecordIndex& index() const { return index_; }
  std::size_t record_count() const override { return index_.size(); }
  std::int64_t key_at(std::size_t line) const override { return index_.entries().at(line).key; }
  bool contains(std::int64_t key) const override { return index_.offset(key) != RecordIndex::kMissing; }
  std::int64_t count_keys(std::int64_t first, std::int64_t end) const override {
    return index_.count_keys(first, end);
  }

 protected:
  RecordIndex index_;
};

// A .rec on disk with its .idx. The .idx is read whole (it is text, a small fraction of the .rec); the .rec is never
// loaded: each read() is a few pread() calls on one file descriptor, so any number of threads may read at once and
// memory stays bounded by the records being read.
class RecordFile final : public IndexedRecordStore {
 public:
  // Throws InvalidFile when either file cannot be opened or the .idx is malformed or points outside the .rec.
  RecordFile(std::string rec_path, std::string idx_path);
  ~RecordFile() override;
  RecordFile(const RecordFile&) = delete;
  RecordFile& operator=(const RecordFile&) = delete;

  const std::string& origin() const override { return rec_path_; }
  const std::string& idx_path() const { return idx_path_; }
  std::uint64_t file_size() const { return file_size_; }
  std::vector<std::uint8_t> read(std::int64_t key,
                                 std::size_t max_bytes = std::numeric_limits<std::size_t>::max()) const override;

 private:
  std::string rec_path_;
  std::string idx_path_;
  int descriptor_ = -1;
  std::uint64_t file_size_ = 0;
};

// A .rec and its .idx in memory (tests, the fuzzer). The bytes are not copied: they must outlive the buffer.
class RecordBuffer final : public IndexedRecordStore {
 public:
  RecordBuffer(std::span<const std::uint8_t> rec, std::string_view idx_text, std::string origin);
  const std::string& origin() const override { return origin_; }
  std::vector<std::uint8_t> read(std::int64_t key,
                                 std::size_t max_bytes = std::numeric_limits<std::size_t>::max()) const override;

 private:
  std::span<const std::uint8_t> rec_;
  std::string origin_;
};

// ---- Writer -----------------------------------------------------------------------------------------------------

// Appends records to a new .rec and their "<key>\t<offset>\n" lines to its .idx, as MXIndexedRecordIO does. Keys
// are the caller's (insightface: images 1..N, then identities, then the header at key 0).
class RecordWriter {
 public:
  // Creates (truncates) both files. Throws InvalidFile when they cannot be opened.
  RecordWriter(std::string rec_path, std::string idx_path);
  ~RecordWriter();  // closes without reporting errors: call close() to know that everything reached the disk
  RecordWriter(const RecordWriter&) = delete;
  RecordWriter& operator=(const RecordWriter&) = delete;

  void write(std::int64_t key, std::span<const std::uint8_t> payload);  // throws InvalidFile on I/O errors
  void close();  // flushes and closes both files; throws InvalidFile when that fails
  std::uint64_t bytes_written() const { return offset_; }
  std::int64_t records_written() const { return records_; }

 private:
  std::string rec_path_;
  std::string idx_path_;
  std::ofstream rec_;
  std::ofstream idx_;
  std::uint64_t offset_ = 0;
  std::int64_t records_ = 0;
};

// ---- The dataset view -------------------------------------------------------------------------------------------

enum class Layout {
  insightface,  // key 0 = header record (flag ≥ 2, labels [A, B], no image): images 1..A−1, identities A..B−1
  im2rec,       // no header record: every key of the .idx is an image, in .idx line order
};

// Which keys are images and which class each belongs to, worked out once when a dataset is opened:
//  * insightface layout: the header record's [A, B) and one identity record per class with its [first, end) keys.
//    Labels come from the identity records, so opening reads a few records per class, not one per image. float32
//    holds integers exactly only up to 2^24: larger header and range values (MS1MV3, WebFace-scale sets) are
//    rounded, so A and B are recovered from the records around the rounded values and each range boundary above
//    2^24 from the image labels beside it. Ranges that still disagree fall back to reading every image's label.
//  * im2rec layout (and insightface files without identity records): the label (label[0] for array labels) of every
//    image record, read from the first bytes of each record (one small pread per image).
// Labels must be non-negative whole numbers (as float32); classes are 0 .. the largest label, which must stay below
// max(2^20, 16 × images) when labels are read from the image records (a larger one is a corrupt label, not a class).
class ImageList {
 public:
  static ImageList build(const RecordStore& records);

  Layout layout() const { return layout_; }
  std::int64_t size() const { return count_; }
  std::int64_t num_classes() const { return static_cast<std::int64_t>(class_counts_.size()); }
  std::int64_t key(std::int64_t index) const;
  std::int64_t label(std::int64_t index) const;
  const std::vector<std::int64_t>& class_counts() const { return class_counts_; }
  // What had to be recovered or worked around while building (rounded header values, ranges rebuilt from the
  // image labels); empty for a clean file. One sentence each, for the log.
  const std::vector<std::string>& notes() const { return notes_; }

 private:
  friend class ImageListBuilder;
  Layout layout_ = Layout::im2rec;
  std::int64_t count_ = 0;
  std::int64_t first_key_ = 0;             // when keys_ is empty, image i has key first_key_ + i
  std::vector<std::int64_t> keys_;         // image i has key keys_[i] (im2rec files with non-consecutive keys)
  std::vector<std::int64_t> class_starts_;  // when labels_ is empty: images of class c are [starts[c], starts[c+1])
  std::vector<std::int32_t> labels_;       // label per image (labels read from every image record)
  std::vector<std::int64_t> class_counts_;
  std::vector<std::string> notes_;
};

}  // namespace marginlab::formats::recordio
