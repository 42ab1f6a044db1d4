#pragma once
// Encoded image bytes (JPEG, PNG, BMP, WebP: whatever OpenCV's imgcodecs reads) to pixels in an explicit channel
// order, and back to JPEG for the writers. Colour order is never implicit: OpenCV decodes to BGR, MXNet and PIL to
// RGB, and a swapped order silently costs accuracy.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/data/sample_source.h"

namespace marginlab::data {

// Throws UnreadableSample naming `origin` (file, record) when the bytes are not a decodable image. Grey images
// come back with three equal channels.
ImageSample decode_image(std::span<const std::uint8_t> bytes, ColorOrder order, const std::string& origin);

// Brings `image` to side × side: INTER_AREA when shrinking (it averages instead of aliasing), linear when enlarging.
// The loader and `rec pack` resize alike through this.
void resize_square(ImageSample& image, int side);

// The image's pixels (in `order`) as a JPEG at `quality` (insightface's builder uses 95). Throws InvalidFile.
std::vector<std::uint8_t> encode_jpeg(const ImageSample& image, ColorOrder order, int quality,
                                      const std::string& origin);

}  // namespace marginlab::data
