#pragma once
// Five-point face alignment: the similarity transform (scale, proper rotation, translation; never a reflection) that
// maps a face's landmarks onto the ArcFace 112×112 template in the least-squares sense. Umeyama's estimate, which in
// 2D has a closed form; skimage's SimilarityTransform.estimate, as insightface's IJB scripts call it, gives the same
// matrix. Torch- and OpenCV-free; the warp itself is the engine's (engine/data/face_alignment.h).
#include <array>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace marginlab::benchmarks {

// x1 y1 … x5 y5: the eye with the smaller x, the other eye, the nose tip, the mouth corners (smaller x first).
using FivePoints = std::array<float, 10>;

// insightface's arcface_src: the 96×112 template moved 8 px right to centre it in 112×112.
inline constexpr FivePoints kArcFaceTemplate112{38.2946f, 51.6963f, 73.5318f, 51.5014f, 56.0252f,
                                                71.7366f, 41.5493f, 92.3655f, 70.7299f, 92.2041f};
inline constexpr int kAlignedSide = 112;

// Row-major 2×3 [[a, −b, tx], [b, a, ty]]: destination = M · (x, y, 1).
using AffineMatrix = std::array<double, 6>;

// Throws InvalidParameter when the points are not finite or coincide (no scale or rotation to recover).
AffineMatrix estimate_similarity(const FivePoints& from, const FivePoints& to = kArcFaceTemplate112);

// A landmark file: one line per image, `path x1 y1 … x5 y5` with an optional detector score after them (the layout
// RetinaFace-style detectors and IJB's 5pts files write). Paths are kept as written.
struct LandmarkEntry {
  std::string path;
  FivePoints points{};
  std::size_t line = 0;
};
// Throws InvalidFile naming file and line: too few or too many fields, a coordinate that is not a finite number.
std::vector<LandmarkEntry> read_landmark_file(const std::filesystem::path& file);

}  // namespace marginlab::benchmarks
