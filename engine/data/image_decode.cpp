#include "engine/data/image_decode.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/errors.h"

namespace marginlab::data {

ImageSample decode_image(std::span<const std::uint8_t> bytes, ColorOrder order, const std::string& origin) {
  if (bytes.empty()) throw UnreadableSample(origin + ": empty image payload");
  // imdecode reads the buffer without copying it; the Mat header needs a non-const pointer but nothing writes to it.
  const cv::Mat encoded(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<std::uint8_t*>(bytes.data()));
  cv::Mat decoded;
  try {
    decoded = cv::imdecode(encoded, cv::IMREAD_COLOR);
  } catch (const cv::Exception& error) {
    throw UnreadableSample(origin + ": cannot decode the image (" + error.what() + ")");
  }
  if (decoded.empty() || decoded.type() != CV_8UC3) {
    throw UnreadableSample(origin + ": not a decodable image (" + std::to_string(bytes.size()) +
                           " bytes; expected JPEG, PNG, BMP or WebP)");
  }
  if (order == ColorOrder::rgb) cv::cvtColor(decoded, decoded, cv::COLOR_BGR2RGB);
  ImageSample sample;
  sample.height = decoded.rows;
  sample.width = decoded.cols;
  sample.pixels.resize(static_cast<std::size_t>(decoded.rows) * decoded.cols * 3);
  const auto row_bytes = static_cast<std::size_t>(decoded.cols) * 3;
  for (int y = 0; y < decoded.rows; ++y) {  // imdecode's rows are contiguous, but do not rely on it
    std::copy_n(decoded.ptr<std::uint8_t>(y), row_bytes, sample.pixels.data() + y * row_bytes);
  }
  return sample;
}

void resize_square(ImageSample& image, int side) {
  if (image.height == side && image.width == side) return;
  const cv::Mat from(image.height, image.width, CV_8UC3, image.pixels.data());
  std::vector<std::uint8_t> pixels(static_cast<std::size_t>(side) * side * 3);
  cv::Mat to(side, side, CV_8UC3, pixels.data());
  const bool shrinking = image.height * image.width > side * side;
  cv::resize(from, to, to.size(), 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
  image.pixels = std::move(pixels);
  image.height = image.width = side;
}

std::vector<std::uint8_t> encode_jpeg(const ImageSample& image, ColorOrder order, int quality,
                                      const std::string& origin) {
  if (image.height <= 0 || image.width <= 0 ||
      image.pixels.size() != static_cast<std::size_t>(image.height) * image.width * 3) {
    throw InvalidFile(origin + ": cannot encode an image of " + std::to_string(image.width) + "x" +
                      std::to_string(image.height) + " with " + std::to_string(image.pixels.size()) + " bytes");
  }
  cv::Mat pixels(image.height, image.width, CV_8UC3, const_cast<std::uint8_t*>(image.pixels.data()));
  cv::Mat bgr;
  if (order == ColorOrder::rgb) {
    cv::cvtColor(pixels, bgr, cv::COLOR_RGB2BGR);  // imencode expects BGR
  } else {
    bgr = pixels;
  }
  std::vector<std::uint8_t> jpeg;
  if (!cv::imencode(".jpg", bgr, jpeg, {cv::IMWRITE_JPEG_QUALITY, quality})) {
    throw InvalidFile(origin + ": JPEG encoding failed");
  }
  return jpeg;
}

}  // namespace marginlab::data
