// MXNet RecordIO: dmlc's exact bytes (split records, padding), the .idx, the IRHeader, insightface's and im2rec's
// layouts (float32-rounded header values included), and messages that name file, offset and key.
#include "engine/formats/recordio.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "core/errors.h"
#include "tests/support/temp_dir.h"

namespace marginlab::formats::recordio {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

const Bytes kMagicWord{0x0A, 0x23, 0xD7, 0xCE};

Bytes u32_bytes(std::uint32_t value) {
  return {static_cast<std::uint8_t>(value), static_cast<std::uint8_t>(value >> 8),
          static_cast<std::uint8_t>(value >> 16), static_cast<std::uint8_t>(value >> 24)};
}

Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

// Runs `action`, expecting InvalidFile whose message contains every one of `pieces`.
void expect_invalid_file(const std::function<void()>& action, std::initializer_list<std::string> pieces) {
  try {
    action();
    ADD_FAILURE() << "no InvalidFile thrown";
  } catch (const InvalidFile& error) {
    const std::string message = error.what();
    for (const auto& piece : pieces) {
      EXPECT_NE(message.find(piece), std::string::npos) << message << "\nlacks: " << piece;
    }
  }
}

using marginlab::test_support::TempDir;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Bytes image_bytes(std::size_t size, std::uint8_t seed) {
  Bytes image(size);
  for (std::size_t i = 0; i < size; ++i) image[i] = static_cast<std::uint8_t>(seed * 31 + i * 7);
  return image;
}

// ---- Records ----------------------------------------------------------------------------------------------------

TEST(RecordIO, WholeRecordIsMagicLrecPayloadAndZeroPadding) {
  const Bytes payload{1, 2, 3, 4, 5};
  const Bytes expected = concat({kMagicWord, u32_bytes(5), payload, {0, 0, 0}});
  EXPECT_EQ(encode_record(payload), expected);
  const auto read = read_record(expected, 0, "x.rec");
  EXPECT_EQ(read.payload, payload);
  EXPECT_EQ(read.end_offset, 16u);
}

TEST(RecordIO, SplitsAtAlignedMagicAsDmlcDoesAndTheReaderPutsItBack) {
  // The magic word at payload offset 4 (aligned): parts [0, 4) with cflag 1 and [8, 14) with cflag 3, the word left
  // out; only the last part is padded.
  const Bytes payload = concat({{1, 2, 3, 4}, kMagicWord, {5, 6, 7, 8, 9, 10}});
  const Bytes expected = concat({kMagicWord, u32_bytes(1u << 29 | 4), {1, 2, 3, 4},
                                 kMagicWord, u32_bytes(3u << 29 | 6), {5, 6, 7, 8, 9, 10, 0, 0}});
  const auto encoded = encode_record(payload);
  EXPECT_EQ(encoded, expected);
  const auto read = read_record(encoded, 0, "x.rec");
  EXPECT_EQ(read.payload, payload);
  EXPECT_EQ(read.end_offset, encoded.size());
}

TEST(RecordIO, UnalignedMagicStaysInOneRecord) {
  const Bytes payload = concat({{9}, kMagicWord, {1, 2, 3}});
  const auto encoded = encode_record(payload);
  EXPECT_EQ(encoded, concat({kMagicWord, u32_bytes(8), payload}));
  EXPECT_EQ(read_record(encoded, 0, "x.rec").payload, payload);
}

TEST(RecordIO, MagicAtStartEndAndBackToBackMakesFirstMiddleAndLastParts) {
  const Bytes payload = concat({kMagicWord, {1, 2, 3, 4}, kMagicWord, kMagicWord, {7, 7}, {0, 0}, kMagicWord});
  const auto encoded = encode_record(payload);
  std::vector<std::uint32_t> cflags, lengths;
  for (std::size_t at = 0; at < encoded.size();) {
    std::uint32_t magic, lrec;
    std::memcpy(&magic, encoded.data() + at, 4);
    std::memcpy(&lrec, encoded.data() + at + 4, 4);
    EXPECT_EQ(magic, kMagic);
    cflags.push_back(lrec >> 29);
    lengths.push_back(lrec & kMaxPartLength);
    at += 8 + ((lengths.back() + 3) & ~3u);
  }
  EXPECT_EQ(cflags, (std::vector<std::uint32_t>{1, 2, 2, 2, 3}));
  EXPECT_EQ(lengths, (std::vector<std::uint32_t>{0, 4, 0, 4, 0}));
  EXPECT_EQ(read_record(encoded, 0, "x.rec").payload, payload);
}

TEST(RecordIO, WalkVisitsEveryRecordAndJoinsSplitOnes) {
  const Bytes first{1, 2, 3};
  const Bytes second = concat({kMagicWord, image_bytes(21, 3)});
  const Bytes third;
  const auto file = concat({encode_record(first), encode_record(second), encode_record(third)});
  const auto extents = walk_records(file, "x.rec");
  ASSERT_EQ(extents.size(), 3u);
  EXPECT_EQ(extents[0].offset, 0u);
  EXPECT_EQ(extents[0].payload_size, 3u);
  EXPECT_EQ(extents[1].offset, 12u);
  EXPECT_EQ(extents[1].payload_size, 25u);
  EXPECT_EQ(extents[2].payload_size, 0u);
  EXPECT_EQ(read_record(file, extents[1].offset, "x.rec").payload, second);
}

TEST(RecordIO, BrokenRecordsNameFileOffsetAndWhatWasExpected) {
  const auto good = encode_record(image_bytes(40, 1));
  Bytes wrong_magic = good;
  wrong_magic[3] = 0x3E;  // the 2015 dmlc magic 0x3ED7230A
  expect_invalid_file([&] { read_record(wrong_magic, 0, "x.rec"); },
                      {"x.rec: offset 0: wrong magic 0x3ED7230A, expected 0xCED7230A"});
  const Bytes truncated(good.begin(), good.begin() + 30);
  expect_invalid_file([&] { read_record(truncated, 0, "x.rec, key 4"); },
                      {"x.rec, key 4: offset 0: truncated record: lrec says 40 bytes, only 22 left in the file"});
  expect_invalid_file([&] { read_record(good, 44, "x.rec"); },
                      {"x.rec: offset 44: needed 8 bytes for a record header (magic, lrec), 4 left"});
  // A split record cut after its first part.
  const auto split = encode_record(concat({{1, 2, 3, 4}, kMagicWord, {5}}));
  const Bytes first_part_only(split.begin(), split.begin() + 12);
  expect_invalid_file([&] { read_record(first_part_only, 0, "x.rec"); },
                      {"offset 12", "the file ends inside a split record"});
  // A record that starts with a continuation part, and a first part followed by a whole record.
  expect_invalid_file([&] { read_record(Bytes(split.begin() + 12, split.end()), 0, "x.rec"); },
                      {"offset 0", "cflag 3", "expected 0 (whole record) or 1 (first part)"});
  const Bytes first_then_whole = concat({Bytes(split.begin(), split.begin() + 12), good});
  expect_invalid_file([&] { read_record(first_then_whole, 0, "x.rec"); },
                      {"offset 12", "cflag 0 in part 2 of a split record, expected 2 (middle) or 3 (last)"});
}

// ---- Payloads ---------------------------------------------------------------------------------------------------

TEST(RecordIO, PacksAndParsesIRHeaderWithScalarAndArrayLabels) {
  const Bytes image{0xFF, 0xD8, 0xFF, 0xE0};
  const auto scalar = pack_payload(17.0f, 5, 0, image);
  ASSERT_EQ(scalar.size(), kIRHeaderSize + image.size());
  EXPECT_EQ(Bytes(scalar.begin(), scalar.begin() + 4), u32_bytes(0));
  EXPECT_EQ(Bytes(scalar.begin() + 4, scalar.begin() + 8), u32_bytes(0x41880000));  // 17.0f
  const auto parsed = parse_ir_header(scalar, "p");
  EXPECT_EQ(parsed.header.flag, 0u);
  EXPECT_EQ(parsed.header.id, 5u);
  EXPECT_EQ(parsed.first_label(), 17.0f);
  EXPECT_EQ(Bytes(parsed.image.begin(), parsed.image.end()), image);

  const std::vector<float> labels{3.0f, 0.25f};
  const auto array = pack_payload(labels, 9, 1, image);
  ASSERT_EQ(array.size(), kIRHeaderSize + 8 + image.size());
  const auto parsed_array = parse_ir_header(array, "p");
  EXPECT_EQ(parsed_array.header.flag, 2u);
  EXPECT_EQ(parsed_array.header.label, 0.0f);
  EXPECT_EQ(parsed_array.header.id2, 1u);
  EXPECT_EQ(parsed_array.labels, labels);
  EXPECT_EQ(parsed_array.first_label(), 3.0f);
  EXPECT_EQ(parsed_array.image.size(), image.size());

  Bytes short_labels = array;
  short_labels.resize(kIRHeaderSize + 4);
  expect_invalid_file([&] { parse_ir_header(short_labels, "x.rec, key 3, payload"); },
                      {"x.rec, key 3, payload: offset 24: needed 8 bytes for the 2 labels that flag announces, "
                       "4 left"});
  expect_invalid_file([&] { parse_ir_header(Bytes(10), "x.rec, key 3, payload"); },
                      {"offset 8: needed 8 bytes for the IRHeader's id, 2 left"});
}

// ---- Index ------------------------------------------------------------------------------------------------------

TEST(RecordIO, IndexAcceptsAnyOrderTabsSpacesAndCrlf) {
  const auto entries = parse_index("7\t64\n0\t0\r\n3  12\n", "x.idx");
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].key, 7);
  EXPECT_EQ(entries[0].offset, 64u);
  EXPECT_EQ(entries[1].key, 0);
  EXPECT_EQ(entries[2].offset, 12u);
  const RecordIndex index(entries, "x.idx");
  EXPECT_EQ(index.offset(3), 12u);
  EXPECT_EQ(index.offset(4), RecordIndex::kMissing);
  EXPECT_EQ(index.count_keys(0, 7), 2);
  EXPECT_EQ(index.count_keys(0, 8), 3);
  EXPECT_TRUE(parse_index("", "x.idx").empty());
}

TEST(RecordIO, MalformedIndexLinesAreNamed) {
  expect_invalid_file([] { parse_index("1\t0\n2\t8\n3\n", "x.idx"); },
                      {"x.idx: line 3: no tab after the key in \"3\""});
  expect_invalid_file([] { parse_index("1\t0\n\n", "x.idx"); }, {"x.idx: line 2: no integer key in \"\""});
  expect_invalid_file([] { parse_index("1\tabc\n", "x.idx"); }, {"x.idx: line 1: no offset after the key"});
  expect_invalid_file([] { parse_index("-4\t0\n", "x.idx"); }, {"x.idx: line 1: negative key -4"});
  expect_invalid_file([] { parse_index("1\t0 junk\n", "x.idx"); }, {"line 1: unexpected text after the offset"});
  expect_invalid_file([] { parse_index("99999999999999999999\t0\n", "x.idx"); }, {"line 1: no integer key"});
  expect_invalid_file([] { RecordIndex(parse_index("1\t0\n2\t8\n1\t16\n", "x.idx"), "x.idx"); },
                      {"x.idx: line 3: key 1 already appears on line 1"});
}

// ---- Files ------------------------------------------------------------------------------------------------------

TEST(RecordIO, WriterAndFileRoundTripByKeyInAnyOrder) {
  TempDir dir;
  const auto rec = dir.file("t.rec"), idx = dir.file("t.idx");
  std::vector<std::pair<std::int64_t, Bytes>> records{
      {5, image_bytes(13, 1)}, {3, concat({image_bytes(8, 2), kMagicWord, image_bytes(9, 3)})}, {9, {}}};
  RecordWriter writer(rec, idx);
  for (const auto& [key, payload] : records) writer.write(key, payload);
  writer.close();
  EXPECT_EQ(writer.records_written(), 3);
  // 5: 8 + 16; 3: split into 8 + 8 and 8 + 12; 9: 8 + 0.
  EXPECT_EQ(read_text(idx), "5\t0\n3\t24\n9\t60\n");
  EXPECT_EQ(writer.bytes_written(), 68u);
  EXPECT_EQ(fs::file_size(rec), 68u);

  const RecordFile file(rec, idx);
  EXPECT_EQ(file.file_size(), 68u);
  EXPECT_EQ(file.read(9), records[2].second);
  EXPECT_EQ(file.read(3), records[1].second);
  EXPECT_EQ(file.read(5), records[0].second);
  EXPECT_EQ(file.read(3, 10), Bytes(records[1].second.begin(), records[1].second.begin() + 10));
  EXPECT_EQ(file.read(5, 0), Bytes{});
  expect_invalid_file([&] { file.read(4); }, {rec + ": key 4 is not in " + idx});

  // The same bytes in memory read the same.
  const std::string rec_text = read_text(rec);
  const Bytes rec_bytes(rec_text.begin(), rec_text.end());
  const RecordBuffer buffer(rec_bytes, read_text(idx), "mem.rec");
  EXPECT_EQ(buffer.read(3), records[1].second);
  EXPECT_EQ(walk_records(rec_bytes, "mem.rec").size(), 3u);
}

TEST(RecordIO, ConcurrentReadsOfOneFileAgree) {
  TempDir dir;
  const auto rec = dir.file("t.rec"), idx = dir.file("t.idx");
  RecordWriter writer(rec, idx);
  const auto payload = [](std::int64_t key) { return image_bytes(100 + key * 13, static_cast<std::uint8_t>(key)); };
  for (std::int64_t key = 0; key < 64; ++key) writer.write(key, payload(key));
  writer.close();
  const RecordFile file(rec, idx);
  std::atomic<int> mismatches = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        for (std::int64_t key = t; key < 64; key += 3) {
          if (file.read(key) != payload(key)) ++mismatches;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(RecordIO, BrokenFilesNameFileKeyAndOffset) {
  TempDir dir;
  const auto rec = dir.file("t.rec"), idx = dir.file("t.idx");
  {
    RecordWriter writer(rec, idx);
    writer.write(1, image_bytes(40, 1));  // offset 0, 48 bytes
    writer.write(2, image_bytes(100, 2));  // offset 48, 108 bytes
    writer.close();
  }
  // An .idx offset past the end of the .rec.
  const auto far_idx = dir.file("far.idx");
  std::ofstream(far_idx) << "1\t0\n2\t4096\n";
  expect_invalid_file([&] { RecordFile(rec, far_idx); },
                      {far_idx + ": line 2: key 2: offset 4096 is past the end of " + rec + " (156 bytes)"});
  const auto odd_idx = dir.file("odd.idx");
  std::ofstream(odd_idx) << "1\t0\n2\t6\n";
  expect_invalid_file([&] { RecordFile(rec, odd_idx); }, {odd_idx + ": line 2: key 2: offset 6", "4-byte boundary"});
  const auto bad_idx = dir.file("bad.idx");
  std::ofstream(bad_idx) << "1\t0\n2 48 x\n";
  expect_invalid_file([&] { RecordFile(rec, bad_idx); }, {bad_idx + ": line 2: unexpected text after the offset"});
  expect_invalid_file([&] { RecordFile(rec, dir.file("missing.idx")); },
                      {dir.file("missing.idx") + ": cannot open the RecordIO index"});
  expect_invalid_file([&] { RecordFile(dir.file("missing.rec"), idx); }, {dir.file("missing.rec") + ": cannot open"});

  // An offset into the middle of a record: no magic there.
  const auto inside_idx = dir.file("inside.idx");
  std::ofstream(inside_idx) << "1\t0\n2\t16\n";
  const RecordFile inside(rec, inside_idx);
  EXPECT_EQ(inside.read(1).size(), 40u);
  expect_invalid_file([&] { inside.read(2); }, {rec + ", key 2: offset 16: wrong magic", "expected 0xCED7230A"});

  // The .rec cut short inside record 2.
  fs::resize_file(rec, 120);
  const RecordFile truncated(rec, idx);
  EXPECT_EQ(truncated.read(1).size(), 40u);
  expect_invalid_file([&] { truncated.read(2); },
                      {rec + ", key 2: offset 48: truncated record: lrec says 100 bytes, only 64 left in the "
                             "file"});
}

// ---- Dataset layouts --------------------------------------------------------------------------------------------

struct DatasetFiles {
  TempDir dir;
  std::string rec = dir.file("train.rec"), idx = dir.file("train.idx");
};

// insightface's builder: images with keys 1..N and IRHeader(0, label, key, 0), one identity record per class with
// [first, end), then the header record at key 0 with [N + 1, N + 1 + classes), written last.
void write_insightface(const std::string& rec, const std::string& idx, const std::vector<int>& labels,
                       std::vector<std::pair<float, float>> ranges = {}) {
  RecordWriter writer(rec, idx);
  const auto images = static_cast<std::int64_t>(labels.size());
  for (std::int64_t i = 0; i < images; ++i) {
    const auto key = i + 1;
    const auto image = image_bytes(static_cast<std::size_t>(30 + i), static_cast<std::uint8_t>(i));
    writer.write(key, pack_payload(static_cast<float>(labels[static_cast<std::size_t>(i)]), key, 0, image));
  }
  if (ranges.empty()) {
    for (std::int64_t i = 0; i < images;) {
      std::int64_t end = i;
      while (end < images && labels[static_cast<std::size_t>(end)] == labels[static_cast<std::size_t>(i)]) ++end;
      ranges.emplace_back(static_cast<float>(i + 1), static_cast<float>(end + 1));
      i = end;
    }
  }
  for (std::size_t c = 0; c < ranges.size(); ++c) {
    const std::vector<float> range{ranges[c].first, ranges[c].second};
    writer.write(images + 1 + static_cast<std::int64_t>(c), pack_payload(range, 0, 0, {}));
  }
  const std::vector<float> header{static_cast<float>(images + 1), static_cast<float>(images + 1 + ranges.size())};
  writer.write(0, pack_payload(header, 0, 1, {}));
  writer.close();
}

TEST(RecordIO, InsightfaceLayoutTakesLabelsFromIdentityRecords) {
  DatasetFiles files;
  write_insightface(files.rec, files.idx, {0, 0, 1, 1, 1, 2});
  const RecordFile file(files.rec, files.idx);
  const auto list = ImageList::build(file);
  EXPECT_EQ(list.layout(), Layout::insightface);
  EXPECT_EQ(list.size(), 6);
  EXPECT_EQ(list.num_classes(), 3);
  EXPECT_EQ(list.class_counts(), (std::vector<std::int64_t>{2, 3, 1}));
  for (std::int64_t i = 0; i < 6; ++i) EXPECT_EQ(list.key(i), i + 1);
  const std::vector<std::int64_t> labels{0, 0, 1, 1, 1, 2};
  for (std::int64_t i = 0; i < 6; ++i) EXPECT_EQ(list.label(i), labels[static_cast<std::size_t>(i)]) << i;
  EXPECT_TRUE(list.notes().empty());
  EXPECT_THROW(list.key(6), std::out_of_range);
}

TEST(RecordIO, IdentityRangesThatDisagreeFallBackToImageLabels) {
  DatasetFiles files;
  // Class 1's range claims [3, 5) and class 2's [5, 7): the boundary disagrees with class 0's end (4).
  write_insightface(files.rec, files.idx, {0, 0, 0, 1, 2, 2}, {{1, 4}, {3, 5}, {5, 7}});
  const RecordFile file(files.rec, files.idx);
  const auto list = ImageList::build(file);
  EXPECT_EQ(list.class_counts(), (std::vector<std::int64_t>{3, 1, 2}));
  EXPECT_EQ(list.label(3), 1);
  ASSERT_EQ(list.notes().size(), 1u);
  EXPECT_NE(list.notes()[0].find("disagree"), std::string::npos);
}

TEST(RecordIO, HeaderThatPromisesMissingImagesIsRefused) {
  DatasetFiles files;
  write_insightface(files.rec, files.idx, {0, 1});
  const auto text = read_text(files.idx);
  const auto holed = files.dir.file("holed.idx");
  std::ofstream(holed) << text.substr(text.find('\n') + 1);  // without key 1
  const RecordFile file(files.rec, holed);
  expect_invalid_file([&] { ImageList::build(file); },
                      {files.rec + ", key 0: header record says the images are keys 1..2, but the index holds "
                                   "only 1"});
}

TEST(RecordIO, Im2recLayoutReadsEveryLabelInIndexOrder) {
  DatasetFiles files;
  {
    RecordWriter writer(files.rec, files.idx);
    // Multi-column labels (an array whose first value is the class) and non-consecutive keys, as im2rec writes.
    const std::vector<float> array_label{2.0f, 0.5f};
    writer.write(10, pack_payload(array_label, 10, 0, image_bytes(20, 1)));
    writer.write(4, pack_payload(0.0f, 4, 0, image_bytes(20, 2)));
    const Bytes magic_words = concat({kMagicWord, kMagicWord, kMagicWord, kMagicWord, kMagicWord});
    writer.write(7, pack_payload(2.0f, 7, 0, magic_words));
    writer.close();
  }
  const RecordFile file(files.rec, files.idx);
  const auto list = ImageList::build(file);
  EXPECT_EQ(list.layout(), Layout::im2rec);
  ASSERT_EQ(list.size(), 3);
  EXPECT_EQ(list.key(0), 10);
  EXPECT_EQ(list.key(1), 4);
  EXPECT_EQ(list.key(2), 7);
  EXPECT_EQ(list.label(0), 2);
  EXPECT_EQ(list.label(1), 0);
  EXPECT_EQ(list.label(2), 2);  // its IRHeader is split by the magic words that follow it
  EXPECT_EQ(list.class_counts(), (std::vector<std::int64_t>{1, 0, 2}));
}

TEST(RecordIO, ShuffledImageOnlyRecWithKeysFromZeroIsIm2rec) {
  // AF-T's shuffle_rec.py: images only, keys 0.., record 0 an ordinary image (flag 0).
  DatasetFiles files;
  {
    RecordWriter writer(files.rec, files.idx);
    for (std::int64_t key = 0; key < 4; ++key) {
      writer.write(key, pack_payload(static_cast<float>(3 - key), key, 0, image_bytes(9, 1)));
    }
    writer.close();
  }
  const RecordFile file(files.rec, files.idx);
  const auto list = ImageList::build(file);
  EXPECT_EQ(list.layout(), Layout::im2rec);
  EXPECT_EQ(list.key(0), 0);
  EXPECT_EQ(list.label(0), 3);
  EXPECT_EQ(list.num_classes(), 4);
}

TEST(RecordIO, HeaderWithoutIdentityRecordsReadsImageLabels) {
  DatasetFiles files;
  {
    RecordWriter writer(files.rec, files.idx);
    writer.write(1, pack_payload(1.0f, 1, 0, image_bytes(9, 1)));
    writer.write(2, pack_payload(0.0f, 2, 0, image_bytes(9, 2)));
    const std::vector<float> header{3.0f, 3.0f};
    writer.write(0, pack_payload(header, 0, 1, {}));
    writer.close();
  }
  const RecordFile file(files.rec, files.idx);
  const auto list = ImageList::build(file);
  EXPECT_EQ(list.layout(), Layout::insightface);
  EXPECT_EQ(list.label(0), 1);
  EXPECT_EQ(list.class_counts(), (std::vector<std::int64_t>{1, 1}));
  ASSERT_EQ(list.notes().size(), 1u);
}

TEST(RecordIO, LabelsThatAreNotClassIdsAreRefusedWithTheirKey) {
  DatasetFiles files;
  {
    RecordWriter writer(files.rec, files.idx);
    writer.write(0, pack_payload(1.0f, 0, 0, image_bytes(9, 1)));
    writer.write(1, pack_payload(2.5f, 1, 0, image_bytes(9, 2)));
    writer.close();
  }
  const RecordFile file(files.rec, files.idx);
  expect_invalid_file([&] { ImageList::build(file); }, {files.rec + ", key 1: label 2.5 is not a class id"});
}

// A virtual insightface dataset above float32's exact range (too big to write in a test): 17,091,658 images, so
// A = 17,091,659 is stored as 17,091,660, and three classes whose second boundary 17,000,001 is stored rounded too.
class HugeInsightfaceStore : public RecordStore {
 public:
  static constexpr std::int64_t kA = 17091659;
  static constexpr std::int64_t kBoundary1 = 10;
  static constexpr std::int64_t kBoundary2 = 17000001;
  static constexpr std::int64_t kB = kA + 3;

  const std::string& origin() const override { return origin_; }
  std::size_t record_count() const override { return kB; }
  std::int64_t key_at(std::size_t line) const override { return static_cast<std::int64_t>(line); }
  bool contains(std::int64_t key) const override { return key >= 0 && key < kB; }
  std::int64_t count_keys(std::int64_t first, std::int64_t end) const override {
    return std::max<std::int64_t>(0, std::min(end, kB) - std::max<std::int64_t>(first, 0));
  }
  std::vector<std::uint8_t> read(std::int64_t key, std::size_t max_bytes) const override {
    ++reads;
    Bytes payload;
    if (key == 0) {
      const std::vector<float> header{static_cast<float>(kA), static_cast<float>(kB)};
      payload = pack_payload(header, 0, 1, {});
    } else if (key < kA) {
      const int label = key < kBoundary1 ? 0 : key < kBoundary2 ? 1 : 2;
      payload = pack_payload(static_cast<float>(label), static_cast<std::uint64_t>(key), 0, Bytes{0xFF, 0xD8});
    } else {
      const std::int64_t ends[] = {1, kBoundary1, kBoundary2, kA};
      const auto c = key - kA;
      const std::vector<float> range{static_cast<float>(ends[c]), static_cast<float>(ends[c + 1])};
      payload = pack_payload(range, 0, 0, {});
    }
    if (payload.size() > max_bytes) payload.resize(max_bytes);
    return payload;
  }
  mutable std::int64_t reads = 0;

 private:
  std::string origin_ = "huge.rec";
};

TEST(RecordIO, Float32RoundedHeaderAndRangesAreRecovered) {
  ASSERT_NE(static_cast<std::int64_t>(static_cast<float>(HugeInsightfaceStore::kA)), HugeInsightfaceStore::kA);
  ASSERT_NE(static_cast<std::int64_t>(static_cast<float>(HugeInsightfaceStore::kBoundary2)),
            HugeInsightfaceStore::kBoundary2);
  const HugeInsightfaceStore store;
  const auto list = ImageList::build(store);
  EXPECT_EQ(list.layout(), Layout::insightface);
  EXPECT_EQ(list.size(), HugeInsightfaceStore::kA - 1);
  EXPECT_EQ(list.num_classes(), 3);
  EXPECT_EQ(list.class_counts(),
            (std::vector<std::int64_t>{9, 17000001 - 10, HugeInsightfaceStore::kA - 17000001}));
  EXPECT_EQ(list.label(17000001 - 2), 1);  // key 17,000,000
  EXPECT_EQ(list.label(17000001 - 1), 2);  // key 17,000,001: the first of class 2
  EXPECT_EQ(list.key(list.size() - 1), HugeInsightfaceStore::kA - 1);
  EXPECT_LT(store.reads, 100);  // a few records around each rounded value, never one per image
  ASSERT_FALSE(list.notes().empty());
  EXPECT_NE(list.notes()[0].find("17091660"), std::string::npos) << list.notes()[0];
  EXPECT_NE(list.notes()[0].find("17091659"), std::string::npos) << list.notes()[0];
}

TEST(RecordIO, InMemoryDatasetViewMatchesTheFile) {
  DatasetFiles files;
  write_insightface(files.rec, files.idx, {0, 1, 1});
  const std::string rec_text = read_text(files.rec);
  const Bytes rec_bytes(rec_text.begin(), rec_text.end());
  const RecordBuffer buffer(rec_bytes, read_text(files.idx), "mem.rec");
  const auto list = ImageList::build(buffer);
  EXPECT_EQ(list.class_counts(), (std::vector<std::int64_t>{1, 2}));
  const Bytes cut(rec_bytes.begin(), rec_bytes.begin() + 8);
  expect_invalid_file([&] { RecordBuffer(cut, read_text(files.idx), "m.rec"); },
                      {"m.rec index: line 2: key 2: offset", "is past the end of m.rec (8 bytes)"});
}

}  // namespace
}  // namespace marginlab::formats::recordio
