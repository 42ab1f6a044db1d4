#pragma once
// insightface verification packs (lfw.bin, cfp_fp.bin, agedb_30.bin, ...) read without Python: a pickled 2-tuple
// (images, issame), read by the bounded unpickler (pickle.h) with the verification-pack vocabulary. Every flavour
// Python 2 and 3 write (formats.md, "Verification .bin files"):
//   Python 2, protocol 2      images as py2 str (SHORT_BINSTRING / BINSTRING)
//   Python 3, protocol 2      images as _codecs.encode(<latin-1 text>, 'latin1') (GLOBAL + BINUNICODE + REDUCE)
//   Python 3, protocols 3-5   images as bytes (SHORT_BINBYTES / BINBYTES / BINBYTES8), FRAME and MEMOIZE from 4 on
//   numpy images              cv2.imencode's uint8 arrays: numpy.core.multiarray._reconstruct + BUILD (protocols
//                             2-4) or numpy.core.numeric._frombuffer + BYTEARRAY8 (protocol 5); numpy._core.* too
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace marginlab::formats {

struct VerificationPack {
  // 2N encoded images (JPEG, PNG, ...); pair i is images[2i] and images[2i+1].
  std::vector<std::vector<std::uint8_t>> images;
  std::vector<bool> issame;  // N flags: true when pair i shows one person
  // How the file was written, for logs: "pickle protocol 2, python 2 strings", "pickle protocol 5, numpy arrays
  // (numpy.core.numeric._frombuffer)", ...
  std::string encoding;
};

// Parses a whole .bin file held in memory. `origin` (the path) starts every error message. Throws InvalidFile for
// anything that is not a well-formed pack: unknown opcode or global, truncation, a structure other than
// (list of 2N images, list of N bools), images that are not bytes or 1-D uint8 arrays.
VerificationPack read_verification_pack(std::span<const std::uint8_t> bytes, const std::string& origin);

}  // namespace marginlab::formats
