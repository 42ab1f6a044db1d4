#include "engine/data/face_alignment.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/errors.h"

namespace marginlab::data {

ImageSample align_face(const ImageSample& loose, const benchmarks::AffineMatrix& m, int side) {
  const cv::Mat from(loose.height, loose.width, CV_8UC3, const_cast<std::uint8_t*>(loose.pixels.data()));
  const cv::Mat matrix = (cv::Mat_<double>(2, 3) << m[0], m[1], m[2], m[3], m[4], m[5]);
  ImageSample aligned;
  aligned.height = side;
  aligned.width = side;
  aligned.label = loose.label;
  aligned.quality = loose.quality;
  aligned.pixels.resize(static_cast<std::size_t>(side) * side * 3);
  cv::Mat to(side, side, CV_8UC3, aligned.pixels.data());
  cv::warpAffine(from, to, matrix, cv::Size(side, side), cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar::all(0));
  return aligned;
}

namespace {

void write_bgr(const cv::Mat& bgr, const std::filesystem::path& file, const std::string& what) {
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
  bool written = false;
  try {
    written = cv::imwrite(file.string(), bgr, {cv::IMWRITE_JPEG_QUALITY, 95});
  } catch (const cv::Exception& error) {
    throw InvalidFile(file.string() + ": cannot write the " + what + " (" + error.what() + ")");
  }
  if (!written) throw InvalidFile(file.string() + ": cannot write the " + what + " (use .png or .jpg)");
}

cv::Mat as_bgr(const ImageSample& image, ColorOrder order) {
  const cv::Mat pixels(image.height, image.width, CV_8UC3, const_cast<std::uint8_t*>(image.pixels.data()));
  if (order == ColorOrder::bgr) return pixels;
  cv::Mat bgr;
  cv::cvtColor(pixels, bgr, cv::COLOR_RGB2BGR);
  return bgr;
}

}  // namespace

void write_image(const ImageSample& image, ColorOrder order, const std::filesystem::path& file) {
  write_bgr(as_bgr(image, order), file, "image");
}

void write_contact_sheet(const std::vector<std::optional<ImageSample>>& faces, const std::vector<std::string>& captions,
                         ColorOrder order, int columns, int tile, const std::filesystem::path& file) {
  if (faces.empty() || columns < 1 || tile < 8 || captions.size() != faces.size()) {
    throw InvalidParameter(file.string() +
                           ": a contact sheet needs faces, a caption each, at least one column and "
                           "tiles of 8 px");
  }
  constexpr int kGap = 4, kCaption = 16;
  const int rows = static_cast<int>((faces.size() + columns - 1) / columns);
  const int shown_columns = std::min<int>(columns, static_cast<int>(faces.size()));
  cv::Mat sheet(rows * (tile + kCaption + kGap) + kGap, shown_columns * (tile + kGap) + kGap, CV_8UC3,
                cv::Scalar::all(255));
  for (std::size_t i = 0; i < faces.size(); ++i) {
    const int x = kGap + static_cast<int>(i % columns) * (tile + kGap);
    const int y = kGap + static_cast<int>(i / columns) * (tile + kCaption + kGap);
    cv::putText(sheet, captions[i], {x + 2, y + tile + kCaption - 4}, cv::FONT_HERSHEY_SIMPLEX, 0.38,
                cv::Scalar::all(40), 1, cv::LINE_AA);
    cv::Mat target = sheet(cv::Rect(x, y, tile, tile));
    if (!faces[i]) {
      target.setTo(cv::Scalar::all(160));
      cv::line(target, {0, 0}, {tile - 1, tile - 1}, cv::Scalar(0, 0, 220), 2);
      cv::line(target, {tile - 1, 0}, {0, tile - 1}, cv::Scalar(0, 0, 220), 2);
      continue;
    }
    const auto& face = *faces[i];
    cv::resize(as_bgr(face, order), target, target.size(), 0, 0, face.width > tile ? cv::INTER_AREA : cv::INTER_LINEAR);
  }
  write_bgr(sheet, file, "contact sheet");
}

}  // namespace marginlab::data
