// The verification-pack unpickler: every flavour of .bin that Python 2 and 3 (with and without numpy) write, the
// golden bytes CPython itself wrote, and rejections that name the file, the offset and the opcode.
#include "engine/formats/verification_pack.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <random>
#include <string>
#include <tuple>

#include "core/errors.h"
#include "tests/engine/formats/pickle_fixtures.h"

namespace marginlab::formats {
namespace {

using fixtures::ImageObjects;
using fixtures::NumpyModules;
using fixtures::PickleFlavour;
using fixtures::PickleWriter;
using Bytes = std::vector<std::uint8_t>;

Bytes from_hex(std::string_view hex) {
  Bytes bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes.push_back(static_cast<std::uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return bytes;
}

// The sample every golden pickles: ([b'\xff\xd8ab', b'cd', b'x' * 300, b'\x00\x80\xff'], [True, False]).
const std::vector<Bytes> kSampleImages{{0xff, 0xd8, 'a', 'b'}, {'c', 'd'}, Bytes(300, 'x'), {0x00, 0x80, 0xff}};
const std::vector<bool> kSampleIssame{true, false};

// CPython's output for the sample, as hex around the 300 'x' of the third image.
Bytes cpython(std::string_view before, std::string_view after) {
  Bytes bytes = from_hex(before);
  bytes.insert(bytes.end(), 300, 'x');
  const Bytes tail = from_hex(after);
  bytes.insert(bytes.end(), tail.begin(), tail.end());
  return bytes;
}

struct Golden {
  const char* name;
  PickleFlavour flavour;
  ImageObjects objects;
  Bytes bytes;
  const char* encoding;
};

// pickle.dumps(sample, protocol) from CPython 3.11.7; numpy arrays are np.frombuffer(b, np.uint8).reshape(-1, 1)
// copies pickled by NumPy 1.24.2; the Python 2 flavour comes from Lib/pickle.py with Python 2's save_string.
std::vector<Golden> goldens() {
  return {
      {"python2_protocol2", PickleFlavour::python2_protocol2, ImageObjects::bytes,
       cpython("80025d7100285504ffd861627101550263647102542c010000",
               "710355030080ff7104655d7105288889658671062e"),
       "pickle protocol 2, python 2 strings"},
      {"python3_protocol2", PickleFlavour::python3_protocol2, ImageObjects::bytes,
       cpython("80025d710028635f636f646563730a656e636f64650a71015806000000c3bfc3986162710258060000006c6174696e"
               "317103867104527105680158020000006364710668038671075271086801582c010000",
               "7109680386710a52710b6801580500000000c280c3bf710c680386710d52710e655d710f288889658671102e"),
       "pickle protocol 2, _codecs.encode latin-1 strings"},
      {"python3_protocol3", PickleFlavour::python3_protocol3, ImageObjects::bytes,
       cpython("80035d7100284304ffd861627101430263647102422c010000", "710343030080ff7104655d7105288889658671062e"),
       "pickle protocol 3, bytes"},
      {"python3_protocol4", PickleFlavour::python3_protocol4, ImageObjects::bytes,
       cpython("80049551010000000000005d94284304ffd86162944302636494422c010000", "9443030080ff94655d942888896586942e"),
       "pickle protocol 4, bytes"},
      {"python3_protocol5", PickleFlavour::python3_protocol5, ImageObjects::bytes,
       cpython("80059551010000000000005d94284304ffd86162944302636494422c010000", "9443030080ff94655d942888896586942e"),
       "pickle protocol 5, bytes"},
      {"numpy_protocol3", PickleFlavour::python3_protocol3, ImageObjects::numpy_arrays,
       cpython("80035d710028636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a7101636e756d"
               "70790a6e6461727261790a71024b008571034301627104877105527106284b014b044b01867107636e756d70790a647479"
               "70650a7108580200000075317109898887710a52710b284b0358010000007c710c4e4e4e4affffffff4affffffff4b0074"
               "710d62894304ffd86162710e74710f62680168024b008571106804877111527112284b014b024b01867113680b89430263"
               "64711474711562680168024b008571166804877117527118284b014d2c014b01867119680b89422c010000",
               "711a74711b62680168024b0085711c680487711d52711e284b014b034b0186711f680b8943030080ff7120747121626"
               "55d7122288889658671232e"),
       "pickle protocol 3, numpy arrays (numpy.core.multiarray._reconstruct)"},
      {"numpy_protocol5", PickleFlavour::python3_protocol5, ImageObjects::numpy_arrays,
       cpython("80059508020000000000005d94288c126e756d70792e636f72652e6e756d65726963948c0b5f66726f6d6275666665"
               "7294939428960400000000000000ffd86162948c056e756d7079948c0564747970659493948c02753194898887945294"
               "284b038c017c944e4e4e4affffffff4affffffff4b007494624b044b0186948c01439474945294680328960200000000"
               "000000636494680a4b024b018694680e74945294680328962c01000000000000",
               "94680a4d2c014b018694680e749452946803289603000000000000000080ff94680a4b034b018694680e74945294655d"
               "942888896586942e"),
       "pickle protocol 5, numpy arrays (numpy.core.numeric._frombuffer)"},
  };
}

TEST(PickleFixtures, WriteWhatCPythonWrites) {
  for (const auto& golden : goldens()) {
    EXPECT_EQ(fixtures::pickle_pack(kSampleImages, kSampleIssame, golden.flavour, golden.objects), golden.bytes)
        << golden.name;
  }
}

TEST(VerificationPack, ReadsTheBytesCPythonWrote) {
  for (const auto& golden : goldens()) {
    const VerificationPack pack = read_verification_pack(golden.bytes, golden.name);
    EXPECT_EQ(pack.images, kSampleImages) << golden.name;
    EXPECT_EQ(pack.issame, kSampleIssame) << golden.name;
    EXPECT_EQ(pack.encoding, golden.encoding) << golden.name;
  }
}

// 1,001 pairs: 2,002 images (APPENDS batches of 1,000, 1,000 and 2) and 1,001 flags (a batch of 1,000, then the
// left-over flag: a lone APPEND from Python 2, MARK + APPENDS from Python 3). Images of 1 to 300 bytes, one of
// 70,000 (BINSTRING / BINBYTES, written outside any frame from protocol 4), more than 256 memo entries
// (LONG_BINPUT), several frames.
std::vector<Bytes> large_pack_images() {
  std::vector<Bytes> images(2002);
  for (std::size_t i = 0; i < images.size(); ++i) {
    const std::size_t length = i == 7 ? 70000 : i % 5 == 0 ? 300 : 1 + i % 23;
    images[i].resize(length);
    for (std::size_t k = 0; k < length; ++k) images[i][k] = static_cast<std::uint8_t>(i * 31 + k * 7);
  }
  return images;
}

std::vector<bool> large_pack_issame() {
  std::vector<bool> issame(1001);
  for (std::size_t i = 0; i < issame.size(); ++i) issame[i] = i % 3 != 1;
  return issame;
}

using FlavourCase = std::tuple<PickleFlavour, ImageObjects, NumpyModules>;

class EveryFlavour : public ::testing::TestWithParam<FlavourCase> {};

TEST_P(EveryFlavour, ReadsALargePack) {
  const auto [flavour, objects, modules] = GetParam();
  const auto images = large_pack_images();
  const auto issame = large_pack_issame();
  const Bytes bytes = fixtures::pickle_pack(images, issame, flavour, objects, modules);
  const VerificationPack pack = read_verification_pack(bytes, "large.bin");
  ASSERT_EQ(pack.images.size(), images.size());
  for (std::size_t i = 0; i < images.size(); ++i) ASSERT_EQ(pack.images[i], images[i]) << "image " << i;
  EXPECT_EQ(pack.issame, issame);
  if (objects == ImageObjects::numpy_arrays) {
    const std::string core = modules == NumpyModules::numpy1 ? "numpy.core" : "numpy._core";
    const std::string constructor =
        flavour == PickleFlavour::python3_protocol5 ? core + ".numeric._frombuffer" : core + ".multiarray._reconstruct";
    EXPECT_NE(pack.encoding.find("numpy arrays (" + constructor + ")"), std::string::npos) << pack.encoding;
  }
  if (flavour == PickleFlavour::python2_protocol2) {
    // The tail is NEWTRUE/NEWFALSE, APPEND, TUPLE2, LONG_BINPUT <u32>, STOP: the lone-APPEND path was taken.
    EXPECT_EQ(bytes[bytes.size() - 8], 'a');
  }
}

INSTANTIATE_TEST_SUITE_P(
    Pickle, EveryFlavour,
    ::testing::Values(FlavourCase{PickleFlavour::python2_protocol2, ImageObjects::bytes, NumpyModules::numpy1},
                      FlavourCase{PickleFlavour::python3_protocol2, ImageObjects::bytes, NumpyModules::numpy1},
                      FlavourCase{PickleFlavour::python3_protocol3, ImageObjects::bytes, NumpyModules::numpy1},
                      FlavourCase{PickleFlavour::python3_protocol4, ImageObjects::bytes, NumpyModules::numpy1},
                      FlavourCase{PickleFlavour::python3_protocol5, ImageObjects::bytes, NumpyModules::numpy1},
                      FlavourCase{PickleFlavour::python3_protocol2, ImageObjects::numpy_arrays, NumpyModules::numpy1},
                      FlavourCase{PickleFlavour::python3_protocol3, ImageObjects::numpy_arrays, NumpyModules::numpy1},
                      FlavourCase{PickleFlavour::python3_protocol4, ImageObjects::numpy_arrays, NumpyModules::numpy1},
                      FlavourCase{PickleFlavour::python3_protocol5, ImageObjects::numpy_arrays, NumpyModules::numpy1},
                      FlavourCase{PickleFlavour::python3_protocol2, ImageObjects::numpy_arrays, NumpyModules::numpy2},
                      FlavourCase{PickleFlavour::python3_protocol4, ImageObjects::numpy_arrays, NumpyModules::numpy2},
                      FlavourCase{PickleFlavour::python3_protocol5, ImageObjects::numpy_arrays,
                                  NumpyModules::numpy2}));

TEST(VerificationPack, ReadsAnEmptyImageThatPython3WroteAtProtocol2) {
  // b'' has no _codecs form: Python writes __builtin__.bytes() (GLOBAL, EMPTY_TUPLE, REDUCE).
  const std::vector<Bytes> images{{}, {1, 2}};
  const Bytes bytes = fixtures::pickle_pack(images, {true}, PickleFlavour::python3_protocol2);
  const VerificationPack pack = read_verification_pack(bytes, "empty.bin");
  EXPECT_EQ(pack.images, images);
  EXPECT_EQ(pack.encoding, "pickle protocol 2, bytes and _codecs.encode latin-1 strings");
}

TEST(VerificationPack, FollowsLongBinGetToAnImageSavedTwice) {
  // Python writes an object that appears twice once, then fetches it from the memo; past entry 255 with
  // LONG_BINGET.
  std::vector<Bytes> images(300);
  for (std::size_t i = 0; i < images.size(); ++i) images[i] = {static_cast<std::uint8_t>(i), 9, 9};
  images[299] = images[280];
  PickleWriter writer(3, false);
  writer.begin_tuple(2);
  writer.save_list(images.size(),
                   [&](std::size_t i) { writer.save_bytes(images[i], i == 280 || i == 299 ? "shared" : ""); });
  writer.save_list(150, [&](std::size_t i) { writer.save_bool(i % 2 == 0); });
  writer.end_tuple(2);
  const Bytes bytes = writer.finish();
  ASSERT_NE(std::find(bytes.begin(), bytes.end(), std::uint8_t{'j'}), bytes.end());
  EXPECT_EQ(read_verification_pack(bytes, "shared.bin").images, images);
}

void expect_invalid(const Bytes& bytes, const std::string& expected_message) {
  try {
    read_verification_pack(bytes, "x.bin");
    FAIL() << "accepted; expected: " << expected_message;
  } catch (const InvalidFile& error) {
    EXPECT_EQ(std::string(error.what()), expected_message);
  }
}

void expect_invalid_mentioning(const Bytes& bytes, const std::string& fragment) {
  try {
    read_verification_pack(bytes, "x.bin");
    FAIL() << "accepted; expected an error mentioning: " << fragment;
  } catch (const InvalidFile& error) {
    EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos) << error.what();
  }
}

Bytes operator+(Bytes a, std::string_view b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST(VerificationPack, RejectsOpcodesItDoesNotKnowWithTheirOffset) {
  expect_invalid(from_hex("8002ff"), "x.bin: offset 2: unknown pickle opcode 0xff");
  expect_invalid(from_hex("80025d71002869"), "x.bin: offset 6: unsupported pickle opcode 0x69 (INST)");
  expect_invalid(from_hex("8002820101"), "x.bin: offset 2: unsupported pickle opcode 0x82 (EXT1)");
  expect_invalid(from_hex("80059700"), "x.bin: offset 2: unsupported pickle opcode 0x97 (NEXT_BUFFER)");
  // Inside a real pack: the second image's SHORT_BINBYTES opcode replaced by OBJ (protocol 1's instance).
  Bytes pack = fixtures::pickle_pack(kSampleImages, kSampleIssame, PickleFlavour::python3_protocol3);
  ASSERT_EQ(pack[14], 'C');
  pack[14] = 'o';
  expect_invalid(pack, "x.bin: offset 14: unsupported pickle opcode 0x6f (OBJ)");
  // Opcodes that checkpoints need are read, and a pack made of them is refused for its structure: ({}, 1.5).
  expect_invalid(from_hex("80027d47"
                          "3ff8000000000000"
                          "862e"),
                 "x.bin: not a verification pack: the 2-tuple holds a dict and a float, expected two lists (images, "
                 "issame)");
}

TEST(VerificationPack, RejectsGlobalsOtherThanNumpyAndCodecs) {
  expect_invalid(from_hex("8002") + "cos\nsystem\n",
                 "x.bin: offset 2: GLOBAL: unsupported global 'os system' (a verification pack holds only bytes, "
                 "numpy uint8 arrays and booleans)");
  expect_invalid_mentioning(from_hex("80048c086275696c74696e73948c046576616c9493"),
                            "offset 20: STACK_GLOBAL: unsupported global 'builtins eval'");
  expect_invalid_mentioning(from_hex("8002") + "cnumpy\nload\n", "unsupported global 'numpy load'");
}

TEST(VerificationPack, RejectsWhatIsNotAPickle) {
  expect_invalid({}, "x.bin: empty file, expected a pickle");
  expect_invalid(from_hex("89504e470d0a1a0a"),
                 "x.bin: offset 0: not a pickle of protocol 2 or later (first byte 0x89, expected 0x80 PROTO)");
  expect_invalid(from_hex("8001"), "x.bin: offset 0: PROTO: pickle protocol 1 (expected 2 to 5)");
}

TEST(VerificationPack, EveryTruncationIsAnInvalidFile) {
  for (const auto& golden : goldens()) {
    for (std::size_t length = 0; length < golden.bytes.size(); ++length) {
      const Bytes cut(golden.bytes.begin(), golden.bytes.begin() + static_cast<std::ptrdiff_t>(length));
      EXPECT_THROW(read_verification_pack(cut, "cut.bin"), InvalidFile) << golden.name << " cut at " << length;
    }
  }
  expect_invalid(from_hex("80035d7100284304ffd8"),
                 "x.bin: offset 6: SHORT_BINBYTES: needs 4 bytes of bytes data, only 2 are left (truncated file?)");
  expect_invalid(from_hex("80035d"), "x.bin: offset 3: the pickle ends without a STOP opcode (truncated file?)");
  expect_invalid(from_hex("8004950001000000000000"),
                 "x.bin: offset 2: FRAME: a frame of 256 bytes, but only 0 are left (truncated file?)");
}

TEST(VerificationPack, RejectsAStructureOtherThanImagesAndFlags) {
  auto pack_of = [](const std::function<void(PickleWriter&)>& write) {
    PickleWriter writer(3, false);
    write(writer);
    return writer.finish();
  };
  const Bytes image{1, 2, 3};
  expect_invalid(pack_of([&](PickleWriter& w) { w.save_list(2, [&](std::size_t) { w.save_bytes(image); }); }),
                 "x.bin: not a verification pack: the pickle holds a list, expected a 2-tuple (images, issame)");
  expect_invalid(pack_of([&](PickleWriter& w) {
                   w.begin_tuple(2);
                   w.save_list(3, [&](std::size_t) { w.save_bytes(image); });
                   w.save_list(2, [&](std::size_t) { w.save_bool(true); });
                   w.end_tuple(2);
                 }),
                 "x.bin: not a verification pack: 2 issame flags need 4 images, found 3");
  expect_invalid(pack_of([&](PickleWriter& w) {
                   w.begin_tuple(2);
                   w.save_list(2, [&](std::size_t) { w.save_bytes(image); });
                   w.save_list(1, [&](std::size_t) { w.save_int(1); });
                   w.end_tuple(2);
                 }),
                 "x.bin: not a verification pack: issame[0] is an int, expected a bool");
  expect_invalid(pack_of([&](PickleWriter& w) {
                   w.begin_tuple(2);
                   w.save_list(2, [&](std::size_t i) { i ? w.save_text("abc") : w.save_bytes(image); });
                   w.save_list(1, [&](std::size_t) { w.save_bool(false); });
                   w.end_tuple(2);
                 }),
                 "x.bin: not a verification pack: image 1 is a str, expected bytes or a uint8 numpy array");
  expect_invalid(pack_of([&](PickleWriter& w) {
                   w.begin_tuple(2);
                   w.save_list(0, [&](std::size_t) {});
                   w.save_list(0, [&](std::size_t) {});
                   w.end_tuple(2);
                 }),
                 "x.bin: not a verification pack: the issame list is empty");
}

TEST(VerificationPack, RejectsNumpyArraysThatAreNotEncodedBytes) {
  Bytes bytes = goldens()[5].bytes;  // numpy_protocol3, whose dtype is the text 'u1'
  const std::string u1 = "X\x02\x00\x00\x00u1";
  const auto at = std::search(bytes.begin(), bytes.end(), u1.begin(), u1.end());
  ASSERT_NE(at, bytes.end());
  at[5] = 'i';  // int8: the same size, another type
  expect_invalid(bytes,
                 "x.bin: not a verification pack: image 0 is a numpy array of dtype 'i1', expected uint8 ('u1') "
                 "encoded image bytes");
  at[5] = 'f';  // float32: 4 bytes of data for 4 x 1 elements of 4 bytes each
  at[6] = '4';
  expect_invalid_mentioning(bytes, "BUILD: an array of shape (4, 1) and dtype 'f4' needs 16 bytes of data, found 4");
}

TEST(VerificationPack, RejectsReferenceCyclesAndDeepNesting) {
  // l = []; l.append(l): a reference cycle.
  expect_invalid(from_hex("80025d7100680061"),
                 "x.bin: offset 7: APPEND: puts a list inside itself (a reference cycle)");
  // l = []; m = [l]; l.append(m): the longer cycle, refused because l is already inside m when it is changed.
  expect_invalid(from_hex("80025d71005d710168006161"),
                 "x.bin: offset 11: APPEND: changes a list that is already inside another object (refused: it could "
                 "close a reference cycle)");
  // () wrapped in 40 one-tuples: the 32nd TUPLE1 (offset 2 + 32) makes the 33rd level.
  std::string hex = "800229";
  for (int i = 0; i < 40; ++i) hex += "85";
  expect_invalid(from_hex(hex), "x.bin: offset 34: TUPLE1: objects nested more than 32 deep");
}

TEST(VerificationPack, RejectsBrokenMemoAndStackUse) {
  expect_invalid(from_hex("80026805"), "x.bin: offset 2: BINGET: the memo has no entry 5");
  expect_invalid(from_hex("800286"), "x.bin: offset 2: TUPLE2: needs 2 objects on the stack, found 0");
  expect_invalid(from_hex("80025d28"), "x.bin: offset 4: the pickle ends without a STOP opcode (truncated file?)");
  expect_invalid(from_hex("80025d282e"), "x.bin: offset 4: STOP: a MARK is still open");
  expect_invalid(from_hex("80025d5d2e"), "x.bin: offset 4: STOP: expected one object on the stack, found 2");
  expect_invalid(from_hex("8002886521"), "x.bin: offset 3: APPENDS: no MARK before it");
  expect_invalid(from_hex("800288282e"), "x.bin: offset 4: STOP: a MARK is still open");
  expect_invalid(from_hex("800288285d61"), "x.bin: offset 5: APPEND: nothing on the stack above the MARK");
}

TEST(VerificationPack, RejectsCodecsTextThatIsNotLatin1AndInflation) {
  // _codecs.encode('€', 'latin1'): U+20AC has no latin-1 byte.
  expect_invalid_mentioning(from_hex("8002635f636f646563730a656e636f64650a5803000000e282ac58060000006c6174696e318652"),
                            "REDUCE: _codecs.encode: the text is not latin-1 in UTF-8 (byte 0 is 0xe2)");
  // One 100-byte text decoded ten times: more decoded bytes than the file holds.
  std::string hex = "8002635f636f646563730a656e636f64650a71005864000000";
  for (int i = 0; i < 100; ++i) hex += "41";
  hex += "710158060000006c6174696e317102";
  for (int i = 0; i < 10; ++i) hex += "6800680168028652";  // BINGET 0, 1, 2, TUPLE2, REDUCE
  expect_invalid_mentioning(from_hex(hex), "_codecs.encode results larger than the file itself");
}

// A small in-test fuzz: corrupted packs and random bytes must only ever give InvalidFile (the libFuzzer target
// in fuzz/ does this at scale under the sanitizers).
TEST(VerificationPack, CorruptedBytesGiveInvalidFileOnly) {
  std::mt19937 random(7);
  for (const auto& golden : goldens()) {
    for (std::size_t position = 0; position < golden.bytes.size(); ++position) {
      for (const std::uint8_t value : {std::uint8_t{0x00}, std::uint8_t{0xff}, std::uint8_t(random())}) {
        Bytes corrupted = golden.bytes;
        corrupted[position] = value;
        try {
          read_verification_pack(corrupted, "corrupt.bin");
        } catch (const InvalidFile&) {
        }
      }
    }
  }
  for (int trial = 0; trial < 20000; ++trial) {
    Bytes noise(2 + random() % 64);
    for (auto& byte : noise) byte = static_cast<std::uint8_t>(random());
    noise[0] = 0x80;
    noise[1] = static_cast<std::uint8_t>(2 + random() % 4);
    try {
      read_verification_pack(noise, "noise.bin");
    } catch (const InvalidFile&) {
    }
  }
}

}  // namespace
}  // namespace marginlab::formats
