#include "engine/data/synthface.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <set>
#include <span>
#include <sstream>
#include <utility>

#include "core/errors.h"
#include "engine/data/random.h"

namespace marginlab::data {
namespace {

// What each random stream belongs to; part of every stream's key so that streams never coincide.
enum class Stream : std::uint64_t {
  family,
  identity,
  class_sizes,
  nuisance,
  degradation,
  training_quality,
  verification_quality,
  verification_pairs,
};

// Which set an identity or family belongs to: held-out families are drawn apart from the training ones.
enum class IdentitySet : std::uint64_t { training, held_out };

// The latent dimensions of an identity, one per face parameter.
enum Latent : int {
  kHeadAspect, kJaw, kFaceScale, kSkinTone, kSkinWarmth,
  kEyeHeight, kEyeSpacing, kEyeWidth, kEyeAspect, kIrisColour, kEyeTilt,
  kBrowGap, kBrowTilt, kBrowArch, kBrowThickness,
  kNoseLength, kNoseWidth, kMouthGap, kMouthWidth, kLipThickness, kLipColour,
  kEarSize, kHairStyle, kHairColour, kHairVolume, kHairline, kHairPart,
  kGlasses, kGlassesStyle, kBeard, kBeardStyle, kMole, kMoleX, kMoleY,
  kLatentCount
};

using Latents = std::array<double, kLatentCount>;
using Colour = cv::Scalar;  // R, G, B: SynthFace draws in RGB order

// Standard normal → uniform on (0, 1): keeps every parameter's population distribution fixed while family members
// stay correlated in latent space.
double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::numbers::sqrt2); }
double lerp(double a, double b, double t) { return a + (b - a) * t; }
Colour mix(const Colour& a, const Colour& b, double t) {
  return {lerp(a[0], b[0], t), lerp(a[1], b[1], t), lerp(a[2], b[2], t)};
}
Colour scaled(const Colour& c, double factor) {
  return {std::min(255.0, c[0] * factor), std::min(255.0, c[1] * factor), std::min(255.0, c[2] * factor)};
}
// A colour along a palette, t ∈ [0, 1] sliding through its entries (neighbours blend).
template <std::size_t N>
Colour palette_colour(const std::array<Colour, N>& palette, double t) {
  const double position = std::clamp(t, 0.0, 1.0) * static_cast<double>(N - 1);
  const auto index = std::min(static_cast<std::size_t>(position), N - 2);
  return mix(palette[index], palette[index + 1], position - static_cast<double>(index));
}

const std::array<Colour, 6> kSkinPalette{{{247, 219, 196}, {236, 192, 160}, {219, 165, 124},
                                               {186, 127, 88}, {139, 90, 60}, {92, 60, 42}}};
const std::array<Colour, 7> kHairPalette{{{28, 24, 22}, {62, 42, 30}, {104, 70, 44}, {150, 72, 38},
                                               {196, 152, 96}, {228, 200, 140}, {176, 174, 170}}};
const std::array<Colour, 6> kIrisPalette{{{58, 36, 24}, {104, 66, 40}, {132, 112, 58}, {76, 122, 72},
                                               {70, 112, 176}, {124, 134, 146}}};

enum class HairStyle { buzz, short_cut, fringe, side_part, long_straight, curly, bun, receding, count };
enum class Beard { none, stubble, moustache, goatee, full };

// An identity's face, in face units: x across the head from −1 to 1, y downwards, origin at the head's centre.
struct Identity {
  double aspect, jaw, face_scale;
  Colour skin, skin_shadow, lip;
  double eye_y, eye_dx, eye_w, eye_h, eye_tilt;
  Colour iris;
  double brow_gap, brow_tilt, brow_arch, brow_thickness;
  double nose_length, nose_w, mouth_gap, mouth_w, lip_thickness, ear;
  HairStyle hair_style;
  Colour hair;
  double hair_volume, hairline, hair_part;
  bool glasses;
  bool round_glasses;
  Colour frame;
  Beard beard;
  bool mole;
  double mole_x, mole_y;
};

Identity identity_from_latents(const Latents& z) {
  Latents u;
  std::transform(z.begin(), z.end(), u.begin(), normal_cdf);
  Identity id{};
  id.aspect = lerp(1.18, 1.42, u[kHeadAspect]);
  id.jaw = lerp(0.72, 1.02, u[kJaw]);
  id.face_scale = lerp(0.25, 0.29, u[kFaceScale]);
  const Colour skin = palette_colour(kSkinPalette, u[kSkinTone]);
  id.skin = mix(skin, Colour{skin[0] * 1.04, skin[1] * 0.97, skin[2] * 0.9}, u[kSkinWarmth]);
  id.skin_shadow = scaled(id.skin, 0.8);
  id.lip = mix(scaled(id.skin, 0.78), Colour{178, 84, 88}, lerp(0.15, 0.6, u[kLipColour]));
  id.eye_y = -id.aspect * lerp(0.06, 0.2, u[kEyeHeight]);
  id.eye_dx = lerp(0.3, 0.44, u[kEyeSpacing]);
  id.eye_w = lerp(0.15, 0.22, u[kEyeWidth]);
  id.eye_h = id.eye_w * lerp(0.36, 0.62, u[kEyeAspect]);
  id.eye_tilt = lerp(-9.0, 9.0, u[kEyeTilt]);
  id.iris = palette_colour(kIrisPalette, u[kIrisColour]);
  id.brow_gap = lerp(0.05, 0.15, u[kBrowGap]);
  id.brow_tilt = lerp(-0.07, 0.07, u[kBrowTilt]);
  id.brow_arch = lerp(0.0, 0.08, u[kBrowArch]);
  id.brow_thickness = lerp(1.2, 3.6, u[kBrowThickness]);
  id.nose_length = id.aspect * lerp(0.26, 0.42, u[kNoseLength]);
  id.nose_w = lerp(0.12, 0.22, u[kNoseWidth]);
  id.mouth_gap = id.aspect * lerp(0.13, 0.22, u[kMouthGap]);
  id.mouth_w = lerp(0.22, 0.38, u[kMouthWidth]);
  id.lip_thickness = lerp(0.035, 0.085, u[kLipThickness]);
  id.ear = lerp(0.8, 1.25, u[kEarSize]);
  id.hair_style = static_cast<HairStyle>(std::min(static_cast<int>(u[kHairStyle] * static_cast<int>(HairStyle::count)),
                                                  static_cast<int>(HairStyle::count) - 1));
  id.hair = palette_colour(kHairPalette, u[kHairColour]);
  id.hair_volume = lerp(0.03, 0.14, u[kHairVolume]);
  id.hairline = lerp(0.0, 1.0, u[kHairline]);
  id.hair_part = lerp(-0.5, 0.5, u[kHairPart]);
  id.glasses = u[kGlasses] > 0.8;
  id.round_glasses = u[kGlassesStyle] > 0.5;
  id.frame = u[kGlassesStyle] > 0.75 ? Colour{150, 120, 60} : Colour{30, 30, 34};
  id.beard = u[kBeard] > 0.72 ? static_cast<Beard>(1 + std::min(3, static_cast<int>(u[kBeardStyle] * 4))) : Beard::none;
  id.mole = u[kMole] > 0.7;
  id.mole_x = lerp(-0.6, 0.6, u[kMoleX]);
  id.mole_y = lerp(-0.1, 0.45, u[kMoleY]) * id.aspect;
  return id;
}

// Per image: how the face is posed and lit, and what surrounds it.
struct Nuisance {
  double yaw, roll, scale, shift_x, shift_y;
  double smile, mouth_open, brow_raise, eye_open, gaze_x;
  double light_angle, light_strength, gain;
  std::array<double, 3> tint;
  Colour background, clothes;
  std::uint64_t background_bits;  // seeds the background's shapes
};

Nuisance draw_nuisance(CounterRandom& r) {
  Nuisance n{};
  n.yaw = std::clamp(0.2 * r.normal(), -0.45, 0.45);
  n.roll = std::clamp(0.09 * r.normal(), -0.25, 0.25);
  n.scale = r.uniform(0.9, 1.08);
  n.shift_x = r.uniform(-0.04, 0.04);
  n.shift_y = r.uniform(-0.035, 0.035);
  n.smile = r.uniform(-0.4, 1.0);
  n.mouth_open = r.chance(0.25) ? r.uniform(0.02, 0.09) : 0.0;
  n.brow_raise = r.uniform(-0.6, 1.0);
  n.eye_open = r.chance(0.05) ? 0.15 : r.uniform(0.7, 1.1);
  n.gaze_x = r.uniform(-0.25, 0.25);
  n.light_angle = r.uniform(0.0, 2.0 * std::numbers::pi);
  n.light_strength = r.uniform(0.0, 0.45);
  n.gain = r.uniform(0.72, 1.18);
  n.tint = {r.uniform(0.92, 1.08), 1.0, r.uniform(0.92, 1.08)};
  n.background = {r.uniform(25, 230), r.uniform(25, 230), r.uniform(25, 230)};
  n.clothes = {r.uniform(20, 235), r.uniform(20, 235), r.uniform(20, 235)};
  n.background_bits = r.bits();
  return n;
}

// Per image: how its quality is turned into damage. Every number is drawn whatever the quality, so the same image
// at another q is damaged in the same way, only more or less.
struct Degradation {
  double jitter_occlusion, jitter_resolution, jitter_blur, jitter_contrast, jitter_noise, jitter_jpeg;
  double occlusion_draw, occlusion_kind, occlusion_x, occlusion_y;
  Colour occluder;
  bool nearest_upscale;  // blocky pixels (a digital zoom) instead of a smooth upscale
  double brightness_sign;
  std::uint64_t noise_seed;
};

Degradation draw_degradation(CounterRandom& r) {
  Degradation d{};
  d.jitter_occlusion = r.uniform(0.75, 1.25);
  d.jitter_resolution = r.uniform(0.75, 1.25);
  d.jitter_blur = r.uniform(0.75, 1.25);
  d.jitter_contrast = r.uniform(0.75, 1.25);
  d.jitter_noise = r.uniform(0.75, 1.25);
  d.jitter_jpeg = r.uniform(0.75, 1.25);
  d.occlusion_draw = r.uniform();
  d.occlusion_kind = r.uniform();
  d.occlusion_x = r.uniform(-1.0, 1.0);
  d.occlusion_y = r.uniform(-1.0, 1.0);
  d.occluder = {r.uniform(20, 235), r.uniform(20, 235), r.uniform(20, 235)};
  d.nearest_upscale = r.chance(0.25);
  d.brightness_sign = r.chance(0.5) ? 1.0 : -1.0;
  d.noise_seed = r.bits();
  return d;
}

// Sub-pixel precision for OpenCV's drawing: coordinates carry kShift fractional bits.
constexpr int kShift = 4;
constexpr double kFixedPoint = 1 << kShift;
// How far the face surface bulges towards the camera (face units): sets how much features slide with the yaw.
constexpr double kFaceDepth = 0.6;

// Draws in face units on one image. Points "on the surface" turn with the head's yaw (they slide sideways and
// narrow); outline points (head, ears, hair's outer edge) stay, since a head's silhouette hardly changes with yaw.
class FacePainter {
 public:
  FacePainter(cv::Mat& image, const Identity& id, const Nuisance& n)
      : image_(image), size_(image.cols), id_(id), n_(n) {
    unit_ = id.face_scale * n.scale * size_;
    centre_ = {(0.5 + n.shift_x) * size_, (0.53 + n.shift_y) * size_};
    cos_roll_ = std::cos(n.roll);
    sin_roll_ = std::sin(n.roll);
    line_scale_ = size_ / 112.0;
  }

  int thickness(double pixels_at_112) const {
    return std::max(1, static_cast<int>(std::lround(pixels_at_112 * line_scale_)));
  }

  double turned_x(double x) const {
    const double depth = kFaceDepth * std::sqrt(std::max(0.0, 1.0 - x * x));
    return x * std::cos(n_.yaw) + depth * std::sin(n_.yaw);
  }
  // How much a small width at x narrows when turned.
  double foreshortening(double x) const {
    const double slope = -kFaceDepth * x / std::sqrt(std::max(0.05, 1.0 - x * x));
    return std::clamp(std::cos(n_.yaw) + slope * std::sin(n_.yaw), 0.2, 1.2);
  }
  cv::Point pixel(double x, double y, bool surface = true) const {
    const double tx = surface ? turned_x(x) : x;
    const double px = centre_.x + unit_ * (tx * cos_roll_ - y * sin_roll_);
    const double py = centre_.y + unit_ * (tx * sin_roll_ + y * cos_roll_);
    return {static_cast<int>(std::lround(px * kFixedPoint)), static_cast<int>(std::lround(py * kFixedPoint))};
  }
  double roll_degrees() const { return n_.roll * 180.0 / std::numbers::pi; }

  void ellipse(double x, double y, double ax, double ay, double angle, const Colour& colour, bool surface = true,
               int line = -1, double start = 0, double end = 360) {
    const double narrowing = surface ? foreshortening(x) : 1.0;
    const cv::Size axes(std::max(1, static_cast<int>(std::lround(ax * narrowing * unit_ * kFixedPoint))),
                        std::max(1, static_cast<int>(std::lround(ay * unit_ * kFixedPoint))));
    cv::ellipse(image_, pixel(x, y, surface), axes, angle + roll_degrees(), start, end, colour, line, cv::LINE_AA,
                kShift);
  }
  void circle(double x, double y, double radius, const Colour& colour, bool surface = true) {
    ellipse(x, y, radius, radius, 0.0, colour, surface);
  }
  // Face-unit points, with a flag per polygon telling whether they lie on the surface.
  void polygon(std::span<const cv::Point2d> points, const Colour& colour, bool surface = true) {
    to_pixels(points, surface);
    const cv::Point* contour = pixels_.data();
    const int count = static_cast<int>(pixels_.size());
    cv::fillPoly(image_, &contour, &count, 1, colour, cv::LINE_AA, kShift);
  }
  void polyline(std::span<const cv::Point2d> points, const Colour& colour, double pixels_at_112, bool surface = true,
                bool closed = false) {
    to_pixels(points, surface);
    const cv::Point* contour = pixels_.data();
    const int count = static_cast<int>(pixels_.size());
    cv::polylines(image_, &contour, &count, 1, closed, colour, thickness(pixels_at_112), cv::LINE_AA, kShift);
  }
  // Head outline point at parameter t (radians, y downwards): the lower half narrows towards the chin by `jaw`.
  cv::Point2d outline(double t, double grow = 1.0) const {
    const double s = std::sin(t);
    const double narrowing = s > 0 ? lerp(1.0, id_.jaw, s * s) : 1.0;
    return {grow * std::cos(t) * narrowing, grow * s * id_.aspect};
  }

 private:
  void to_pixels(std::span<const cv::Point2d> points, bool surface) {
    pixels_.clear();
    for (const auto& p : points) pixels_.push_back(pixel(p.x, p.y, surface));
  }

  cv::Mat& image_;
  double size_;
  const Identity& id_;
  const Nuisance& n_;
  double unit_, line_scale_, cos_roll_, sin_roll_;
  cv::Point2d centre_;
  std::vector<cv::Point> pixels_;
};

// Scratch space reused by every image a thread renders: drawing makes no heap traffic after the first image.
struct Scratch {
  std::vector<cv::Point2d> points;
  std::vector<cv::Point2d> more_points;
  cv::Mat small, noise, decoded;
  std::vector<std::uint8_t> jpeg;
};
Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

void draw_background(cv::Mat& image, const Nuisance& n) {
  image.setTo(n.background);
  CounterRandom r(n.background_bits);
  const double size = image.cols;
  const int shapes = 1 + static_cast<int>(r.below(3));
  for (int i = 0; i < shapes; ++i) {
    const Colour colour = mix(n.background, Colour{r.uniform(0, 255), r.uniform(0, 255), r.uniform(0, 255)}, 0.45);
    const cv::Point centre(static_cast<int>(r.uniform(0, size)), static_cast<int>(r.uniform(0, size)));
    const cv::Size axes(static_cast<int>(r.uniform(0.1, 0.5) * size), static_cast<int>(r.uniform(0.1, 0.5) * size));
    if (r.chance(0.5)) {
      cv::rectangle(image, centre - cv::Point(axes.width, axes.height), centre + cv::Point(axes.width, axes.height),
                    colour, cv::FILLED);
    } else {
      cv::ellipse(image, centre, axes, r.uniform(0, 180), 0, 360, colour, cv::FILLED);
    }
  }
}

void draw_hair_behind(FacePainter& p, const Identity& id, std::vector<cv::Point2d>& points) {
  const double a = id.aspect;
  switch (id.hair_style) {
    case HairStyle::long_straight: {
      p.ellipse(0, -0.1 * a, 1.12 + id.hair_volume, a * (1.0 + id.hair_volume), 0, id.hair, false);
      points.assign({{-1.12 - id.hair_volume, -0.1 * a}, {1.12 + id.hair_volume, -0.1 * a},
                     {1.2 + id.hair_volume, 1.15 * a}, {-1.2 - id.hair_volume, 1.15 * a}});
      p.polygon(points, id.hair, false);
      break;
    }
    case HairStyle::curly:
      p.ellipse(0, -0.2 * a, 1.25 + 2 * id.hair_volume, a * (0.95 + id.hair_volume), 0, id.hair, false);
      break;
    case HairStyle::bun:
      p.circle(0, -1.08 * a, 0.36 + id.hair_volume, id.hair, false);
      break;
    default:
      break;
  }
}

void draw_body(FacePainter& p, const Identity& id, const Nuisance& n, std::vector<cv::Point2d>& points) {
  const double a = id.aspect;
  p.ellipse(0, 1.9 * a, 2.1, 0.95 * a, 0, n.clothes, false);
  points.assign({{-0.42, 0.3 * a}, {0.42, 0.3 * a}, {0.46, 1.2 * a}, {-0.46, 1.2 * a}});
  p.polygon(points, id.skin_shadow, false);
  p.ellipse(0, 1.2 * a, 0.46, 0.12 * a, 0, id.skin_shadow, false, -1, 0, 180);
}

void draw_ears(FacePainter& p, const Identity& id) {
  for (const double side : {-1.0, 1.0}) {
    const double x = side * 0.96;
    const double y = id.eye_y + 0.12 * id.aspect;
    p.ellipse(x, y, 0.14 * id.ear, 0.26 * id.ear, side * 12, id.skin_shadow, false);
    p.ellipse(x + side * 0.02, y, 0.06 * id.ear, 0.15 * id.ear, side * 12, scaled(id.skin_shadow, 0.82), false);
  }
}

void draw_head(FacePainter& p, const Identity& id, std::vector<cv::Point2d>& points) {
  constexpr int kOutlinePoints = 48;
  points.clear();
  for (int i = 0; i < kOutlinePoints; ++i) points.push_back(p.outline(2 * std::numbers::pi * i / kOutlinePoints));
  p.polygon(points, id.skin, false);
}

// The hair over the skull: its outer edge follows the head outline, grown by the hair's volume, down to the temples;
// its inner edge is the hairline, a curve across the forehead shaped by the style.
void draw_hair_cap(FacePainter& p, const Identity& id, std::vector<cv::Point2d>& points) {
  const double a = id.aspect;
  double forehead = lerp(0.55, 0.75, id.hairline);  // hairline height at the centre, as a fraction of the half-height
  double flatness = 2.0;
  double temple_drop = 0.25;  // how far below the horizontal the hair reaches at the temples (radians)
  double part_dip = 0.0;
  Colour colour = id.hair;
  switch (id.hair_style) {
    case HairStyle::buzz: colour = mix(id.skin, id.hair, 0.55); forehead += 0.1; break;
    case HairStyle::short_cut: break;
    case HairStyle::fringe: forehead = lerp(0.3, 0.42, id.hairline); flatness = 5.0; break;
    case HairStyle::side_part: part_dip = 0.18; break;
    case HairStyle::long_straight: temple_drop = 0.6; part_dip = -0.25; break;
    case HairStyle::curly: temple_drop = 0.3; break;
    case HairStyle::bun: part_dip = -0.1; break;
    case HairStyle::receding: forehead = lerp(0.78, 0.88, id.hairline); temple_drop = 0.05; flatness = 1.2; break;
    case HairStyle::count: break;
  }
  constexpr int kArcPoints = 24;
  const double grow = 1.0 + id.hair_volume;
  const double start = std::numbers::pi - temple_drop, end = 2 * std::numbers::pi + temple_drop;
  points.clear();
  for (int i = 0; i <= kArcPoints; ++i) points.push_back(p.outline(lerp(start, end, double(i) / kArcPoints), grow));
  const cv::Point2d temple = p.outline(end, 0.97);
  constexpr int kHairlinePoints = 16;
  for (int i = 0; i <= kHairlinePoints; ++i) {
    const double x = lerp(temple.x, -temple.x, double(i) / kHairlinePoints);
    const double across = std::pow(std::abs(x / temple.x), flatness);
    double y = lerp(-forehead * a, temple.y, across);
    // A parting pulls the hairline up (dip < 0, middle or bun) or sweeps hair down on one side (dip > 0).
    y -= part_dip * a * std::exp(-std::pow((x - id.hair_part * (part_dip > 0 ? 1.0 : 0.0)) / 0.25, 2));
    if (id.hair_style == HairStyle::receding) y -= 0.12 * a * std::exp(-std::pow((std::abs(x) - 0.45) / 0.15, 2));
    points.emplace_back(x, y);
  }
  // The arc is an outline (fixed), the hairline lies on the forehead (turns with the yaw): draw both as one
  // polygon in pixel space by turning only the hairline's points here.
  for (std::size_t i = kArcPoints + 1; i < points.size(); ++i) points[i].x = p.turned_x(points[i].x);
  p.polygon(points, colour, false);
  if (id.hair_style == HairStyle::curly) {
    for (int i = 0; i <= 10; ++i) {
      const cv::Point2d curl = p.outline(lerp(start, end, i / 10.0), grow);
      p.circle(curl.x, curl.y, 0.16 + id.hair_volume, colour, false);
    }
  }
}

void draw_beard(FacePainter& p, const Identity& id, const Nuisance& n, std::vector<cv::Point2d>& points) {
  if (id.beard == Beard::none || id.beard == Beard::moustache) return;
  const double mouth_y = id.eye_y + id.nose_length + id.mouth_gap;
  const Colour colour = id.beard == Beard::stubble ? mix(id.skin, id.hair, 0.4) : id.hair;
  if (id.beard == Beard::goatee) {
    p.ellipse(0, mouth_y + 0.14 + 0.5 * n.mouth_open, id.mouth_w * 0.8, 0.16, 0, colour);
    return;
  }
  // Sideburns, jaw and chin: the outline from the ears down, then skin-coloured cheeks put back over its upper
  // part, which leaves the beard's upper edge curving down from the sideburns towards the mouth.
  constexpr int kArcPoints = 20;
  const double top = id.eye_y + 0.2 * id.aspect;
  points.clear();
  const double t0 = std::asin(std::clamp(top / id.aspect, -1.0, 1.0));
  for (int i = 0; i <= kArcPoints; ++i) {
    points.push_back(p.outline(lerp(t0, std::numbers::pi - t0, double(i) / kArcPoints), 1.02));
  }
  p.polygon(points, colour, false);
  const double cheek_y = id.eye_y + id.nose_length * 0.6;
  for (const double side : {-1.0, 1.0}) {
    p.ellipse(side * (id.eye_dx + 0.04), cheek_y, 0.36, 0.26 * id.aspect, side * -15, id.skin);
  }
  p.ellipse(0, id.eye_y + id.nose_length, id.nose_w + 0.08, 0.25 * id.aspect, 0, id.skin);
}

void draw_eyes_and_brows(FacePainter& p, const Identity& id, const Nuisance& n, std::vector<cv::Point2d>& points) {
  const Colour sclera{238, 236, 230};
  const Colour lash{35, 28, 26};
  const Colour brow = scaled(id.hair, 0.85);
  for (const double side : {-1.0, 1.0}) {
    const double x = side * id.eye_dx;
    const double open = id.eye_h * n.eye_open * (1.0 - 0.25 * std::max(0.0, n.smile));
    const double tilt = -side * id.eye_tilt;
    p.ellipse(x, id.eye_y, id.eye_w, open, tilt, sclera);
    const double iris_r = id.eye_w * 0.5;
    const double iris_x = x + n.gaze_x * id.eye_w * 0.45;
    p.ellipse(iris_x, id.eye_y, iris_r, std::min(iris_r, open * 0.95), 0, id.iris);
    p.ellipse(iris_x, id.eye_y, iris_r * 0.45, std::min(iris_r * 0.45, open * 0.7), 0, lash);
    p.ellipse(x, id.eye_y, id.eye_w, open, tilt, lash, true, p.thickness(1.0), 180, 360);

    const double brow_y = id.eye_y - id.eye_h - id.brow_gap - 0.05 * n.brow_raise;
    const double inner = x - side * id.eye_w * 0.95, outer = x + side * id.eye_w * 1.15;
    points.assign({{inner, brow_y + id.brow_tilt},
                   {lerp(inner, outer, 0.55), brow_y - id.brow_arch - 0.02},
                   {outer, brow_y + 0.04 - id.brow_tilt * 0.5}});
    p.polyline(points, brow, id.brow_thickness);
  }
}

void draw_nose(FacePainter& p, const Identity& id) {
  const double tip_y = id.eye_y + id.nose_length;
  const Colour shadow = scaled(id.skin, 0.86);
  const std::array<cv::Point2d, 3> ridge{{{0.06, id.eye_y + 0.06}, {0.09, tip_y - 0.1}, {id.nose_w * 0.5, tip_y}}};
  p.polyline(ridge, shadow, 1.0);
  p.ellipse(0, tip_y, id.nose_w * 0.55, id.nose_w * 0.32, 0, mix(id.skin, shadow, 0.5));
  for (const double side : {-1.0, 1.0}) {
    p.ellipse(side * id.nose_w * 0.42, tip_y + 0.035, id.nose_w * 0.2, id.nose_w * 0.11, side * 20,
              scaled(id.skin, 0.5));
  }
}

void draw_mouth(FacePainter& p, const Identity& id, const Nuisance& n, std::vector<cv::Point2d>& points,
                std::vector<cv::Point2d>& inner) {
  const double mouth_y = id.eye_y + id.nose_length + id.mouth_gap;
  const double width = id.mouth_w * (1.0 + 0.12 * std::max(0.0, n.smile));
  constexpr int kPoints = 10;
  auto centre_line = [&](double x) { return mouth_y - 0.07 * n.smile * (x / width) * (x / width); };
  auto profile = [&](double x) { return std::pow(std::max(0.0, 1.0 - (x / width) * (x / width)), 0.6); };
  points.clear();
  inner.clear();
  for (int i = 0; i <= kPoints; ++i) {
    const double x = lerp(-width, width, double(i) / kPoints);
    points.emplace_back(x, centre_line(x) - id.lip_thickness * 0.8 * profile(x));
  }
  for (int i = kPoints; i >= 0; --i) {
    const double x = lerp(-width, width, double(i) / kPoints);
    points.emplace_back(x, centre_line(x) + (id.lip_thickness + n.mouth_open) * profile(x));
  }
  p.polygon(points, id.lip);
  if (n.mouth_open > 0) {
    for (int i = 0; i <= kPoints; ++i) {
      const double x = lerp(-width * 0.8, width * 0.8, double(i) / kPoints);
      inner.emplace_back(x, centre_line(x) - 0.2 * n.mouth_open * profile(x));
    }
    for (int i = kPoints; i >= 0; --i) {
      const double x = lerp(-width * 0.8, width * 0.8, double(i) / kPoints);
      inner.emplace_back(x, centre_line(x) + 0.9 * n.mouth_open * profile(x));
    }
    p.polygon(inner, Colour{70, 30, 34});
  } else {
    for (int i = 0; i <= kPoints; ++i) {
      const double x = lerp(-width, width, double(i) / kPoints);
      inner.emplace_back(x, centre_line(x));
    }
    p.polyline(inner, scaled(id.lip, 0.55), 1.0);
  }
  if (id.beard == Beard::moustache || id.beard == Beard::goatee || id.beard == Beard::full) {
    p.ellipse(0, mouth_y - id.lip_thickness - 0.04, width * 1.05, 0.06, 0, id.hair, true, -1, 180, 360);
  }
}

void draw_details(FacePainter& p, const Identity& id, std::vector<cv::Point2d>& points) {
  if (id.mole) p.circle(id.mole_x, id.mole_y, 0.035, Colour{70, 44, 34});
  if (!id.glasses) return;
  const double half_w = id.eye_w * 1.45, half_h = id.eye_w * 1.05;
  for (const double side : {-1.0, 1.0}) {
    const double x = side * id.eye_dx;
    if (id.round_glasses) {
      p.ellipse(x, id.eye_y, half_w, half_h, 0, id.frame, true, p.thickness(1.5));
    } else {
      points.assign({{x - half_w, id.eye_y - half_h}, {x + half_w, id.eye_y - half_h},
                     {x + half_w, id.eye_y + half_h * 0.8}, {x - half_w, id.eye_y + half_h * 0.8}});
      p.polyline(points, id.frame, 1.5, true, true);
    }
    points.assign({{x + side * half_w, id.eye_y - half_h * 0.5}, {side * 0.99, id.eye_y - 0.02}});
    p.polyline(points, id.frame, 1.5);
  }
  points.assign({{-id.eye_dx + half_w, id.eye_y - 0.03}, {0, id.eye_y - 0.07}, {id.eye_dx - half_w, id.eye_y - 0.03}});
  p.polyline(points, id.frame, 1.5);
}

// Directional light, gain and colour tint over the whole picture: a linear gain field, one pass over the pixels.
void light(cv::Mat& image, const Nuisance& n) {
  const int size = image.cols;
  const double dx = std::cos(n.light_angle) * n.light_strength * 2.0 / size;
  const double dy = std::sin(n.light_angle) * n.light_strength * 2.0 / size;
  std::array<float, 3> channel_gain;
  for (int c = 0; c < 3; ++c) channel_gain[c] = static_cast<float>(n.gain * n.tint[c]);
  for (int y = 0; y < image.rows; ++y) {
    auto* row = image.ptr<std::uint8_t>(y);
    float field = static_cast<float>(1.0 + (y - size / 2.0) * dy - (size / 2.0) * dx);
    const float step = static_cast<float>(dx);
    for (int x = 0; x < image.cols; ++x, field += step) {
      for (int c = 0; c < 3; ++c) {
        const float value = row[3 * x + c] * channel_gain[c] * std::max(field, 0.2f);
        row[3 * x + c] = static_cast<std::uint8_t>(std::min(value, 255.0f));
      }
    }
  }
}

void occlude(FacePainter& p, const Identity& id, const Degradation& d, double strength,
             std::vector<cv::Point2d>& points) {
  const double a = id.aspect;
  const double extent = lerp(0.35, 0.75, strength);
  if (d.occlusion_kind < 0.4) {
    // A scarf or mask rising from the chin.
    const double top = a * lerp(1.0, 0.05, extent);
    points.assign(
        {{-1.2, top + 0.08 * d.occlusion_x}, {1.2, top - 0.08 * d.occlusion_x}, {1.3, 1.6 * a}, {-1.3, 1.6 * a}});
    p.polygon(points, d.occluder, false);
  } else if (d.occlusion_kind < 0.75) {
    // A hand (an object of skin-like colour) over some part of the face.
    const Colour hand = mix(palette_colour(kSkinPalette, 0.5 + 0.5 * d.occlusion_y), d.occluder, 0.2);
    p.ellipse(0.6 * d.occlusion_x, 0.5 * a * d.occlusion_y, 0.5 * extent + 0.15, 0.7 * extent + 0.15,
              40 * d.occlusion_x, hand, false);
  } else {
    // A bar across the face (a microphone, a railing, a watermark band).
    const double y = 0.6 * a * d.occlusion_y, half = 0.22 * extent;
    points.assign({{-1.6, y - half}, {1.6, y - half + 0.3 * d.occlusion_x}, {1.6, y + half + 0.3 * d.occlusion_x},
                   {-1.6, y + half}});
    p.polygon(points, d.occluder, false);
  }
}

}  // namespace

// ------------------------------------------------------------------------------------------------------------------

// Unity builds include this file into a batch, where GCC takes it for a header and warns that the class has a member
// of a type from this file's anonymous namespace; the class is defined here only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsubobject-linkage"
class SynthFaceRenderer {
 public:
  explicit SynthFaceRenderer(const SynthFaceConfig& config) : config_(config) {
    const std::int64_t total = config.identities + config.verification_identities;
    identities_.reserve(static_cast<std::size_t>(total));
    const double spread = config.identity_spread;
    const double shared = std::sqrt(1.0 - spread * spread);
    for (std::int64_t g = 0; g < total; ++g) {
      const bool held_out = g >= config.identities;
      const auto set = held_out ? IdentitySet::held_out : IdentitySet::training;
      const std::int64_t family = (held_out ? g - config.identities : g) / config.family_size;
      CounterRandom family_random(hash_key({config.seed, std::uint64_t(Stream::family), std::uint64_t(set),
                                            std::uint64_t(family)}));
      CounterRandom own_random(hash_key({config.seed, std::uint64_t(Stream::identity), std::uint64_t(g)}));
      Latents z;
      for (auto& value : z) value = shared * family_random.normal() + spread * own_random.normal();
      identities_.push_back(identity_from_latents(z));
    }
  }

  // Renders image `sample` of identity `g` (training ids first, then held-out) at `quality` into `rgb`.
  void render(std::int64_t g, std::int64_t sample, double quality, std::uint8_t* rgb) const {
    const int size = static_cast<int>(config_.image_size);
    cv::Mat image(size, size, CV_8UC3, rgb);
    const Identity& id = identities_[static_cast<std::size_t>(g)];
    CounterRandom nuisance_random(hash_key({config_.seed, std::uint64_t(Stream::nuisance), std::uint64_t(g),
                                            std::uint64_t(sample)}));
    const Nuisance n = draw_nuisance(nuisance_random);
    CounterRandom degradation_random(hash_key({config_.seed, std::uint64_t(Stream::degradation), std::uint64_t(g),
                                               std::uint64_t(sample)}));
    const Degradation damage = draw_degradation(degradation_random);
    auto& s = scratch();

    draw_background(image, n);
    FacePainter p(image, id, n);
    draw_hair_behind(p, id, s.points);
    draw_body(p, id, n, s.points);
    draw_ears(p, id);
    draw_head(p, id, s.points);
    draw_beard(p, id, n, s.points);
    draw_hair_cap(p, id, s.points);
    draw_eyes_and_brows(p, id, n, s.points);
    draw_nose(p, id);
    draw_mouth(p, id, n, s.points, s.more_points);
    draw_details(p, id, s.points);

    const double severity = 1.0 - std::clamp(quality, 0.0, 1.0);
    auto strength = [&](double jitter) { return std::min(1.0, severity * jitter); };
    if (damage.occlusion_draw < 0.4 * strength(damage.jitter_occlusion)) {
      occlude(p, id, damage, strength(damage.jitter_occlusion), s.points);
    }
    light(image, n);
    degrade(image, damage, strength, s);
  }

 private:
  template <class Strength>
  void degrade(cv::Mat& image, const Degradation& damage, const Strength& strength, Scratch& s) const {
    const int size = image.cols;
    const double scale = size / 112.0;
    // Blur and resolution loss are both low-pass filters: blurring the small image by σ·ratio looks the same as
    // blurring the full one by σ, at a fraction of the cost.
    const int small_side = static_cast<int>(std::lround(size * (1.0 - 0.82 * strength(damage.jitter_resolution))));
    const double ratio = static_cast<double>(small_side) / size;
    const double blur_sigma = 1.5 * strength(damage.jitter_blur) * scale * ratio;
    if (small_side < size - 1) {
      cv::resize(image, s.small, cv::Size(small_side, small_side), 0, 0, cv::INTER_AREA);
      if (blur_sigma > 0.25) cv::GaussianBlur(s.small, s.small, cv::Size(), blur_sigma);
      cv::resize(s.small, image, image.size(), 0, 0, damage.nearest_upscale ? cv::INTER_NEAREST : cv::INTER_LINEAR);
    } else if (blur_sigma > 0.25) {
      cv::GaussianBlur(image, image, cv::Size(), blur_sigma);
    }
    const double contrast = 1.0 - 0.55 * strength(damage.jitter_contrast);
    if (contrast < 0.995) {
      const double brightness = damage.brightness_sign * 30.0 * strength(damage.jitter_contrast);
      image.convertTo(image, -1, contrast, (1.0 - contrast) * 128.0 + brightness);
    }
    // Uniform sensor noise (a uniform of half-width σ·√3 has standard deviation σ): five times cheaper than
    // OpenCV's Gaussian, and indistinguishable at these levels.
    const double noise_sigma = 16.0 * strength(damage.jitter_noise);
    if (noise_sigma > 0.5) {
      s.noise.create(image.size(), CV_16SC3);
      cv::RNG noise_random(damage.noise_seed);
      const double half_width = noise_sigma * std::numbers::sqrt3;
      noise_random.fill(s.noise, cv::RNG::UNIFORM, -half_width, half_width);
      cv::add(image, s.noise, image, cv::noArray(), CV_8U);
    }
    const double jpeg_strength = strength(damage.jitter_jpeg);
    if (jpeg_strength > 0.3) {
      // JPEG's chroma subsampling works on BGR as OpenCV expects it.
      cv::cvtColor(image, image, cv::COLOR_RGB2BGR);
      const int jpeg_quality = static_cast<int>(std::lround(95.0 - 85.0 * jpeg_strength));
      cv::imencode(".jpg", image, s.jpeg, {cv::IMWRITE_JPEG_QUALITY, jpeg_quality});
      cv::imdecode(s.jpeg, cv::IMREAD_COLOR, &s.decoded);
      cv::cvtColor(s.decoded, image, cv::COLOR_BGR2RGB);
    }
  }

  SynthFaceConfig config_;
  std::vector<Identity> identities_;
};
#pragma GCC diagnostic pop

namespace {

std::string format_value(double value) {
  std::ostringstream out;
  out.precision(10);
  out << value;
  return out.str();
}

ImageSample blank_sample(std::int64_t size, std::int64_t label, double quality) {
  ImageSample sample;
  sample.height = sample.width = static_cast<int>(size);
  sample.pixels.resize(static_cast<std::size_t>(size * size * 3));
  sample.label = label;
  sample.quality = static_cast<float>(quality);
  return sample;
}

// The held-out identities' images that the verification pairs refer to. Per identity, `high` images with q in the
// high band then `low` ones in the low band.
class VerificationImages : public SampleSource {
 public:
  VerificationImages(std::shared_ptr<const SynthFaceRenderer> renderer, SynthFaceConfig config, std::int64_t high,
                     std::int64_t low)
      : renderer_(std::move(renderer)), config_(std::move(config)), high_(high), low_(low) {}

  std::int64_t size() const override { return config_.verification_identities * per_identity(); }
  std::int64_t num_classes() const override { return config_.identities + config_.verification_identities; }
  std::int64_t label(std::int64_t index) const override {
    check_index(index);
    return config_.identities + index / per_identity();
  }
  std::vector<std::int64_t> class_counts() const override {
    std::vector<std::int64_t> counts(static_cast<std::size_t>(num_classes()), 0);
    std::fill(counts.begin() + config_.identities, counts.end(), per_identity());
    return counts;
  }
  ImageSample load(std::int64_t index) const override {
    const std::int64_t identity = label(index);
    const std::int64_t k = index % per_identity();
    const double q = quality(identity, k);
    ImageSample sample = blank_sample(config_.image_size, identity, q);
    renderer_->render(identity, k, q, sample.pixels.data());
    return sample;
  }
  ColorOrder color_order() const override { return ColorOrder::rgb; }
  std::string describe() const override {
    return "SynthFace verification images: " + std::to_string(config_.verification_identities) +
           " held-out identities × " + std::to_string(per_identity()) + " images (seed " +
           std::to_string(config_.seed) + ")";
  }

  std::int64_t per_identity() const { return high_ + low_; }
  std::int64_t high() const { return high_; }
  bool is_high(std::int64_t index) const { return index % per_identity() < high_; }
  double quality(std::int64_t identity, std::int64_t k) const {
    CounterRandom r(hash_key({config_.seed, std::uint64_t(Stream::verification_quality), std::uint64_t(identity),
                              std::uint64_t(k)}));
    return k < high_ ? r.uniform(SynthFace::kHighQualityMin, 1.0) : r.uniform(0.0, SynthFace::kLowQualityMax);
  }

 private:
  void check_index(std::int64_t index) const {
    if (index < 0 || index >= size()) {
      throw InvalidFile("SynthFace verification images: index " + std::to_string(index) + " is outside [0, " +
                        std::to_string(size()) + ")");
    }
  }

  std::shared_ptr<const SynthFaceRenderer> renderer_;
  SynthFaceConfig config_;
  std::int64_t high_, low_;
};

// Images per held-out identity and band so that every stratum can draw its genuine pairs without repeats, with
// room to spare: V·C(n, 2) ≥ 2·genuine.
std::int64_t images_per_band(std::int64_t identities, std::int64_t genuine) {
  std::int64_t n = 2;
  while (identities * n * (n - 1) / 2 < 2 * genuine) ++n;
  return n;
}

std::vector<VerificationPair> make_pairs(const SynthFaceConfig& config, const VerificationImages& images) {
  CounterRandom r(hash_key({config.seed, std::uint64_t(Stream::verification_pairs)}));
  const std::int64_t identities = config.verification_identities;
  const std::int64_t per_identity = images.per_identity(), high = images.high(), low = per_identity - high;
  auto pick = [&](std::int64_t identity, bool high_band) {
    const std::int64_t k = high_band ? r.below(high) : high + r.below(low);
    return identity * per_identity + k;
  };
  std::vector<VerificationPair> pairs;
  for (const auto stratum : {PairStratum::high_high, PairStratum::high_low, PairStratum::low_low}) {
    const bool first_high = stratum != PairStratum::low_low;
    const bool second_high = stratum == PairStratum::high_high;
    const std::int64_t genuine = config.pairs_per_stratum / 2;
    std::set<std::pair<std::int64_t, std::int64_t>> taken;
    std::vector<VerificationPair> stratum_pairs;
    auto add = [&](std::int64_t first, std::int64_t second, bool same, bool related) {
      if (first == second) return;
      // Within a band a pair is unordered; across bands, first is always the high-quality image.
      const auto key = first_high == second_high ? std::pair(std::min(first, second), std::max(first, second))
                                                 : std::pair(first, second);
      if (!taken.insert(key).second) return;
      stratum_pairs.push_back({first, second, same, stratum, related});
    };
    while (static_cast<std::int64_t>(stratum_pairs.size()) < genuine) {
      const std::int64_t identity = r.below(identities);
      add(pick(identity, first_high), pick(identity, second_high), true, false);
    }
    while (static_cast<std::int64_t>(stratum_pairs.size()) < config.pairs_per_stratum) {
      const std::int64_t a = r.below(identities);
      // Half of the impostors are near-twins: another member of a's family, where it has one.
      const std::int64_t family_start = a / config.family_size * config.family_size;
      const std::int64_t family_members = std::min(config.family_size, identities - family_start);
      const bool within_family = family_members > 1 && r.chance(0.5);
      const std::int64_t b = within_family ? family_start + r.below(family_members) : r.below(identities);
      if (a == b) continue;
      add(pick(a, first_high), pick(b, second_high), false, a / config.family_size == b / config.family_size);
    }
    // Shuffle so that genuine and impostor pairs interleave (folds of a 10-fold protocol see both).
    for (std::size_t i = stratum_pairs.size(); i > 1; --i) {
      std::swap(stratum_pairs[i - 1], stratum_pairs[static_cast<std::size_t>(r.below(static_cast<std::int64_t>(i)))]);
    }
    pairs.insert(pairs.end(), stratum_pairs.begin(), stratum_pairs.end());
  }
  return pairs;
}

}  // namespace

SynthFace::SynthFace(const SynthFaceConfig& config) : config_(config) {
  config_.validate();
  renderer_ = std::make_shared<const SynthFaceRenderer>(config_);

  // Power-law class sizes over shuffled ranks.
  const auto n = config_.identities;
  const double exponent = std::log(config_.imbalance_ratio) / std::log(static_cast<double>(n));
  std::vector<std::int64_t> rank_of(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) rank_of[static_cast<std::size_t>(i)] = i;
  CounterRandom r(hash_key({config_.seed, std::uint64_t(Stream::class_sizes)}));
  for (std::size_t i = rank_of.size(); i > 1; --i) {
    std::swap(rank_of[i - 1], rank_of[static_cast<std::size_t>(r.below(static_cast<std::int64_t>(i)))]);
  }
  class_counts_.resize(static_cast<std::size_t>(n));
  first_sample_.assign(1, 0);
  for (std::int64_t i = 0; i < n; ++i) {
    const double rank = static_cast<double>(rank_of[static_cast<std::size_t>(i)] + 1);
    const auto count = std::max<std::int64_t>(
        1, std::llround(static_cast<double>(config_.max_images_per_identity) * std::pow(rank, -exponent)));
    class_counts_[static_cast<std::size_t>(i)] = count;
    first_sample_.push_back(first_sample_.back() + count);
  }

  const std::int64_t genuine = config_.pairs_per_stratum / 2;
  const std::int64_t per_band = images_per_band(config_.verification_identities, genuine);
  auto images = std::make_shared<VerificationImages>(renderer_, config_, per_band, per_band);
  pairs_ = make_pairs(config_, *images);
  verification_images_ = std::move(images);
}

std::int64_t SynthFace::label(std::int64_t index) const {
  if (index < 0 || index >= size()) {
    throw InvalidFile("SynthFace: index " + std::to_string(index) + " is outside [0, " + std::to_string(size()) + ")");
  }
  return std::upper_bound(first_sample_.begin(), first_sample_.end(), index) - first_sample_.begin() - 1;
}

std::int64_t SynthFace::sample_within_identity(std::int64_t index) const {
  return index - first_sample_[static_cast<std::size_t>(label(index))];
}

ImageSample SynthFace::load(std::int64_t index) const {
  const std::int64_t identity = label(index);
  const std::int64_t k = index - first_sample_[static_cast<std::size_t>(identity)];
  // The quality mixture: a low component U[0, 0.5) with weight low_quality_fraction, a high one U[0.5, 1].
  CounterRandom r(hash_key({config_.seed, std::uint64_t(Stream::training_quality), std::uint64_t(identity),
                            std::uint64_t(k)}));
  const bool low = r.chance(config_.low_quality_fraction);
  const double q = low ? r.uniform(0.0, 0.5) : r.uniform(0.5, 1.0);
  return render(identity, k, q);
}

ImageSample SynthFace::render(std::int64_t identity, std::int64_t sample, double quality) const {
  if (identity < 0 || identity >= config_.identities) {
    throw InvalidParameter("SynthFace: identity " + std::to_string(identity) + " is outside [0, " +
                           std::to_string(config_.identities) + ")");
  }
  if (!(quality >= 0.0 && quality <= 1.0)) {
    throw InvalidParameter("SynthFace: quality " + format_value(quality) + " is outside [0, 1]");
  }
  ImageSample image = blank_sample(config_.image_size, identity, quality);
  renderer_->render(identity, sample, quality, image.pixels.data());
  return image;
}

namespace {

// The images after each training identity's own: the same renderer, so pose, expression and degradation are new
// draws of the same identity.
class HeldOutImages : public SampleSource {
 public:
  HeldOutImages(std::shared_ptr<const SynthFaceRenderer> renderer, SynthFaceConfig config,
                std::vector<std::int64_t> class_counts, std::int64_t per_identity)
      : renderer_(std::move(renderer)),
        config_(std::move(config)),
        counts_(std::move(class_counts)),
        per_identity_(per_identity) {}

  std::int64_t size() const override { return config_.identities * per_identity_; }
  std::int64_t num_classes() const override { return config_.identities; }
  std::int64_t label(std::int64_t index) const override {
    if (index < 0 || index >= size()) {
      throw InvalidFile("SynthFace held-out images: index " + std::to_string(index) + " is outside [0, " +
                        std::to_string(size()) + ")");
    }
    return index / per_identity_;
  }
  // The training counts: what the closed-set buckets are cut by.
  std::vector<std::int64_t> class_counts() const override { return counts_; }
  ImageSample load(std::int64_t index) const override {
    const std::int64_t identity = label(index);
    const std::int64_t j = index % per_identity_;
    const double q = (static_cast<double>(j) + 0.5) / static_cast<double>(per_identity_);
    ImageSample sample = blank_sample(config_.image_size, identity, q);
    renderer_->render(identity, counts_[static_cast<std::size_t>(identity)] + j, q, sample.pixels.data());
    return sample;
  }
  ColorOrder color_order() const override { return ColorOrder::rgb; }
  std::string describe() const override {
    return "SynthFace held-out images: " + std::to_string(config_.identities) + " training identities × " +
           std::to_string(per_identity_) + " unseen images (seed " + std::to_string(config_.seed) + ")";
  }

 private:
  std::shared_ptr<const SynthFaceRenderer> renderer_;
  SynthFaceConfig config_;
  std::vector<std::int64_t> counts_;
  std::int64_t per_identity_;
};

}  // namespace

std::shared_ptr<SampleSource> SynthFace::held_out_images(std::int64_t per_identity) const {
  if (per_identity < 1) throw InvalidParameter("SynthFace: held-out images per identity must be at least 1");
  return std::make_shared<HeldOutImages>(renderer_, config_, class_counts_, per_identity);
}

std::string SynthFace::describe() const {
  return "SynthFace: " + std::to_string(config_.identities) + " identities, " + std::to_string(size()) +
         " images (" + std::to_string(config_.max_images_per_identity) + " down to " +
         std::to_string(*std::min_element(class_counts_.begin(), class_counts_.end())) + " per identity), " +
         std::to_string(config_.image_size) + " px, seed " + std::to_string(config_.seed) + ", low-quality fraction " +
         format_value(config_.low_quality_fraction);
}

}  // namespace marginlab::data
