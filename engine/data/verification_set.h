#pragma once
// Verification sets: pairs of face images, each marked same person or not, over a source of images. Three kinds, one
// shape for the evaluator:
//   insightface .bin packs  lfw.bin, cfp_fp.bin, agedb_30.bin, ... (any pickle flavour formats/verification_pack.h
//   reads); the
//                           encoded images stay in memory and are decoded on demand
//   pair lists              text "path1 path2 same" (formats/pair_list.h); relative paths are relative to the list's
//                           folder; each listed file becomes one image, however many pairs use it
//   SynthFace               the held-out identities' pairs, with true quality strata
//
// The images of a .bin pack or a pair list have no identities: their sources report num_classes() 0, empty
// class_counts() and label -1 (see SampleSource); they are for evaluation, not training. Their quality is unknown
// (NaN). A corrupt or missing image surfaces as UnreadableSample from load(), naming the pack and the image's index
// or the file's path, so that the loader skips it and the evaluator drops the pairs that lost an image.
#include <memory>
#include <string>
#include <vector>

#include "engine/data/sample_source.h"
#include "engine/data/verification_pair.h"

namespace marginlab::data {

class SynthFace;

struct VerificationSet {
  std::string name;    // the file's stem ("lfw", "cfp_fp") or "synthface"
  std::string path;    // where it came from ("" for SynthFace)
  std::string format;  // "insightface .bin (pickle protocol 2, python 2 strings)", "pair list", "synthface"
  std::shared_ptr<const SampleSource> images;  // every image a pair refers to
  std::vector<VerificationPair> pairs;         // indices into images
  bool true_quality_strata = false;            // the pairs' PairStratum is meaningful (SynthFace)
};

// An insightface .bin pack (recognised by its pickle header, or by the extension .bin) or a text pair list. The
// images come out in `order`. Throws InvalidFile naming the file when it cannot be read or is neither; a pair list's
// image files are not opened here (a missing one is an UnreadableSample at load).
VerificationSet open_verification_set(const std::string& path, ColorOrder order);

// SynthFace's held-out identities and their quality-stratified pairs.
VerificationSet synthface_verification_set(const SynthFace& synthface);

}  // namespace marginlab::data
