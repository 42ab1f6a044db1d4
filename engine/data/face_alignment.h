#pragma once
// The five-point alignment's pixels: a loose face crop warped by its similarity transform (core/benchmarks/
// five_point.h) onto the 112×112 ArcFace frame, exactly as insightface's IJB scripts warp (cv2.warpAffine, bilinear,
// black outside), and a contact sheet of aligned faces to check a landmark file by eye.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/benchmarks/five_point.h"
#include "engine/data/sample_source.h"

namespace marginlab::data {

// `loose` warped by `m` (source pixel → template pixel) into side × side, same channel order.
ImageSample align_face(const ImageSample& loose, const benchmarks::AffineMatrix& m,
                       int side = benchmarks::kAlignedSide);

// Writes `image` (pixels in `order`) as PNG or JPEG (quality 95) by the extension, creating folders. Throws
// InvalidFile naming the file.
void write_image(const ImageSample& image, ColorOrder order, const std::filesystem::path& file);

// Tiles in rows of `columns`, each `tile` pixels square, with a thin gap and its caption ("line 12") under it; an
// entry without an image (it could not be read or aligned) is drawn as a grey tile crossed in red. Written as PNG or
// JPEG by the extension. Throws InvalidParameter for no faces or captions of another count, InvalidFile.
void write_contact_sheet(const std::vector<std::optional<ImageSample>>& faces, const std::vector<std::string>& captions,
                         ColorOrder order, int columns, int tile, const std::filesystem::path& file);

}  // namespace marginlab::data
