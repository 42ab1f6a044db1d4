#include "engine/formats/verification_pack.h"

#include <algorithm>

#include "core/errors.h"
#include "engine/formats/pickle.h"

namespace marginlab::formats {
namespace {

using pickle::shape_text;

[[noreturn]] void structure_error(const std::string& origin, const std::string& message) {
  throw InvalidFile(origin + ": not a verification pack: " + message);
}

// What one image was stored as, for VerificationPack::encoding; throws when it is not an encoded image's bytes.
std::string image_bytes(const pickle::Value& value, std::size_t index, const std::string& origin,
                        std::vector<std::uint8_t>& out) {
  if (const auto* bytes = std::get_if<pickle::Bytes>(&value.content)) {
    out.assign(bytes->view.begin(), bytes->view.end());
    switch (bytes->source) {
      case pickle::ByteSource::python2_str:
        return "python 2 strings";
      case pickle::ByteSource::bytes:
        return "bytes";
      case pickle::ByteSource::bytearray:
        return "bytearrays";
      case pickle::ByteSource::codecs_latin1:
        return "_codecs.encode latin-1 strings";
    }
  }
  const std::string image = "image " + std::to_string(index);
  if (const auto* array = std::get_if<pickle::Array>(&value.content)) {
    const pickle::ArrayState& state = *array->state;
    if (!state.built) structure_error(origin, image + " is a numpy array that was never given its data (no BUILD)");
    if (state.dtype->name != "u1") {
      structure_error(origin, image + " is a numpy array of dtype '" + state.dtype->name +
                                  "', expected uint8 ('u1') encoded image bytes");
    }
    // cv2.imencode returns shape (n, 1); any vector-like shape holds the bytes in order whatever its layout.
    const auto long_axes = std::count_if(state.shape.begin(), state.shape.end(), [](std::int64_t e) { return e > 1; });
    if (long_axes > 1) {
      structure_error(origin, image + " is a uint8 array of shape " + shape_text(state.shape) +
                                  ": decoded pixels, expected the encoded image's bytes");
    }
    out.assign(state.data.view.begin(), state.data.view.end());
    return "numpy arrays (" + state.constructor + ")";
  }
  structure_error(origin, image + " is " + pickle::described(value) + ", expected bytes or a uint8 numpy array");
}

}  // namespace

VerificationPack read_verification_pack(std::span<const std::uint8_t> bytes, const std::string& origin) {
  const pickle::Pickle loaded = pickle::load(bytes, origin, pickle::Vocabulary::verification_pack);
  const pickle::Value& root = loaded.root;

  const auto* pair = std::get_if<pickle::Tuple>(&root.content);
  if (!pair || pair->items->size() != 2) {
    structure_error(origin, "the pickle holds " + pickle::described(root) + ", expected a 2-tuple (images, issame)");
  }
  const auto* images = std::get_if<pickle::List>(&(*pair->items)[0].content);
  const auto* flags = std::get_if<pickle::List>(&(*pair->items)[1].content);
  if (!images || !flags) {
    structure_error(origin, "the 2-tuple holds " + pickle::described((*pair->items)[0]) + " and " +
                                pickle::described((*pair->items)[1]) + ", expected two lists (images, issame)");
  }
  const std::size_t pairs = flags->node->items.size();
  if (pairs == 0) structure_error(origin, "the issame list is empty");
  if (images->node->items.size() != 2 * pairs) {
    structure_error(origin, std::to_string(pairs) + " issame flags need " + std::to_string(2 * pairs) +
                                " images, found " + std::to_string(images->node->items.size()));
  }

  VerificationPack pack;
  pack.issame.reserve(pairs);
  for (std::size_t i = 0; i < pairs; ++i) {
    const pickle::Value& flag = flags->node->items[i];
    const auto* same = std::get_if<bool>(&flag.content);
    if (!same) {
      structure_error(origin, "issame[" + std::to_string(i) + "] is " + pickle::described(flag) + ", expected a bool");
    }
    pack.issame.push_back(*same);
  }
  std::vector<std::string> kinds;
  pack.images.resize(2 * pairs);
  for (std::size_t i = 0; i < pack.images.size(); ++i) {
    std::string kind = image_bytes(images->node->items[i], i, origin, pack.images[i]);
    if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) kinds.push_back(std::move(kind));
  }
  pack.encoding = "pickle protocol " + std::to_string(loaded.protocol);
  for (std::size_t i = 0; i < kinds.size(); ++i) pack.encoding += (i ? " and " : ", ") + kinds[i];
  return pack;
}

}  // namespace marginlab::formats
