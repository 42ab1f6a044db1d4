// libFuzzer target for the benchmark meta files (`marginlab-cli ijb/tinyface/align`): IJB's tid_mid, 5pts, pair
// and 1:N files, embedding tables and landmark files, and the pooling and scoring that follow a successful read.
// The first byte picks the reader; for the IJB images the rest is split at NUL bytes into tid_mid, 5pts and pairs.
// Any outcome but a result or InvalidFile / InvalidParameter is a bug.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/benchmarks/embedding_table.h"
#include "core/benchmarks/five_point.h"
#include "core/benchmarks/ijb_meta.h"
#include "core/benchmarks/ijb_protocol.h"
#include "core/errors.h"

namespace {

namespace fs = std::filesystem;
using namespace marginlab::benchmarks;

const fs::path& scratch() {
  static const fs::path folder = [] {
    auto path = fs::temp_directory_path() / ("marginlab_fuzz_meta_" + std::to_string(::getpid()));
    fs::create_directories(path / "IJBC" / "meta");
    return path;
  }();
  return folder;
}

void write(const fs::path& file, std::string_view bytes) {
  std::ofstream(file, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::vector<std::string_view> split_at_nul(std::string_view text, std::size_t parts) {
  std::vector<std::string_view> pieces;
  while (pieces.size() + 1 < parts) {
    const auto nul = text.find('\0');
    if (nul == std::string_view::npos) break;
    pieces.push_back(text.substr(0, nul));
    text.remove_prefix(nul + 1);
  }
  pieces.push_back(text);
  pieces.resize(parts);
  return pieces;
}

void images_pooled_and_scored(std::string_view input) {
  const IjbLayout layout{IjbTarget::ijbc, scratch() / "IJBC"};
  const auto pieces = split_at_nul(input, 3);
  write(layout.face_tid_mid(), pieces[0]);
  write(layout.name_5pts_score(), pieces[1]);
  write(layout.template_pair_label(), pieces[2]);
  const auto images = read_ijb_images(layout);
  if (images.landmarks.size() != images.size() || images.faceness.size() != images.size()) __builtin_trap();
  IjbFeatures features{2, std::vector<float>(images.size() * 2, 1.f), std::vector<float>(images.size() * 2, 0.5f)};
  const auto templates = pool_ijb_templates(images, ijb_image_vectors(features, images.faceness, kInsightfaceIjbMode), 2);
  const auto pairs = read_ijb_pairs(layout.template_pair_label());
  const auto result = verify_ijb(IjbTarget::ijbc, images, templates, pairs, layout.template_pair_label(),
                                 kInsightfaceIjbMode, 16);
  if (result.pairs != static_cast<std::int64_t>(pairs.size())) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto file = scratch() / "input.txt";
  try {
    switch (data[0] % 5) {
      case 0:
        write(file, input);
        read_ijb_pairs(file);
        break;
      case 1:
        write(file, input);
        read_ijb_search_list(file);
        break;
      case 2: {
        write(file, input);
        const auto table = read_embedding_table(file);
        if (table.values.size() != table.names.size() * static_cast<std::size_t>(table.dim)) __builtin_trap();
        break;
      }
      case 3:
        write(file, input);
        for (const auto& entry : read_landmark_file(file)) {
          try {
            estimate_similarity(entry.points);
          } catch (const marginlab::InvalidParameter&) {
          }
        }
        break;
      default:
        images_pooled_and_scored(input);
    }
  } catch (const marginlab::InvalidFile&) {
  } catch (const marginlab::InvalidParameter&) {
  }
  return 0;
}
