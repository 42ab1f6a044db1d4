#include "engine/formats/safetensors.h"

#include <nlohmann/json.hpp>

#include <cstring>

#include "core/errors.h"
#include "engine/formats/mapped_file.h"

namespace marginlab::formats {
namespace {

// The safetensors library's own bound on the header.
constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;

std::int64_t non_negative(const nlohmann::json& value, const std::string& where) {
  if (!value.is_number_unsigned()) throw InvalidFile(where + " is " + value.dump() + ", expected an int >= 0");
  const auto number = value.get<std::uint64_t>();
  if (number > static_cast<std::uint64_t>(INT64_MAX)) throw InvalidFile(where + " is too large");
  return static_cast<std::int64_t>(number);
}

}  // namespace

SafetensorsFile read_safetensors(const std::string& path) {
  const auto mapped = MappedFile::open(path);
  return parse_safetensors(mapped->bytes(), mapped, path);
}

SafetensorsFile parse_safetensors(std::span<const std::uint8_t> bytes, std::shared_ptr<const void> owner,
                                  const std::string& origin) {
  if (bytes.size() < 8) {
    throw InvalidFile(origin + ": " + std::to_string(bytes.size()) +
                      " bytes, too short for a safetensors file (8-byte header length, then the header)");
  }
  std::uint64_t header_bytes = 0;
  std::memcpy(&header_bytes, bytes.data(), sizeof header_bytes);
  if (header_bytes > kMaxHeaderBytes || header_bytes > bytes.size() - 8) {
    throw InvalidFile(origin + ": a safetensors header of " + std::to_string(header_bytes) + " bytes in a file of " +
                      std::to_string(bytes.size()) + " (not a safetensors file, or truncated)");
  }
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(bytes.begin() + 8, bytes.begin() + 8 + static_cast<std::ptrdiff_t>(header_bytes));
  } catch (const nlohmann::json::exception& error) {
    throw InvalidFile(origin + ": the safetensors header is not JSON (" + error.what() + ")");
  }
  if (!header.is_object()) throw InvalidFile(origin + ": the safetensors header is not a JSON object");
  const auto data = bytes.subspan(8 + header_bytes);

  SafetensorsFile file;
  for (const auto& [name, entry] : header.items()) {
    const std::string where = origin + ": tensor '" + name + "'";
    if (name == "__metadata__") {
      if (!entry.is_object()) throw InvalidFile(origin + ": __metadata__ is not an object");
      for (const auto& [key, value] : entry.items()) {
        if (!value.is_string()) throw InvalidFile(origin + ": __metadata__." + key + " is not a string");
        file.metadata[key] = value.get<std::string>();
      }
      continue;
    }
    if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") || !entry.contains("data_offsets")) {
      throw InvalidFile(where + " lacks dtype, shape or data_offsets");
    }
    const auto& dtype = entry["dtype"];
    const auto type = dtype.is_string() ? element_type_of_safetensors(dtype.get<std::string>()) : std::nullopt;
    if (!type)
      throw InvalidFile(where + " has dtype " + dtype.dump() + ", not one of F64 F32 F16 BF16 I64 I32 I16 I8 U8 BOOL");
    const auto& shape = entry["shape"];
    const auto& offsets = entry["data_offsets"];
    if (!shape.is_array() || shape.size() > 32) throw InvalidFile(where + ": shape is not a list of sizes");
    if (!offsets.is_array() || offsets.size() != 2) throw InvalidFile(where + ": data_offsets is not [begin, end]");

    StoredTensor tensor;
    tensor.type = *type;
    std::uint64_t elements = 1;
    bool overflow = false;
    for (const auto& size : shape) {
      tensor.sizes.push_back(non_negative(size, where + ": a size"));
      overflow =
          overflow || __builtin_mul_overflow(elements, static_cast<std::uint64_t>(tensor.sizes.back()), &elements);
    }
    // Row-major, as safetensors stores every tensor.
    tensor.strides.assign(tensor.sizes.size(), 1);
    for (std::size_t i = tensor.sizes.size(); i-- > 1;) {
      tensor.strides[i - 1] = tensor.strides[i] * std::max<std::int64_t>(tensor.sizes[i], 1);
    }
    const auto begin = static_cast<std::uint64_t>(non_negative(offsets[0], where + ": data_offsets[0]"));
    const auto end = static_cast<std::uint64_t>(non_negative(offsets[1], where + ": data_offsets[1]"));
    std::uint64_t needed = 0;
    overflow = overflow || __builtin_mul_overflow(elements, element_size(*type), &needed);
    if (begin > end || end > data.size()) {
      throw InvalidFile(where + ": data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) +
                        "] lie outside the " + std::to_string(data.size()) + " bytes of data (truncated file?)");
    }
    if (overflow || end - begin != needed) {
      throw InvalidFile(where + ": " + std::to_string(end - begin) + " bytes for " + tensor.description() +
                        ", which needs " + (overflow ? "more than 2^64" : std::to_string(needed)));
    }
    tensor.storage = data.subspan(begin, end - begin);
    tensor.owner = owner;
    file.tensors.emplace_back(name, std::move(tensor));
  }
  return file;
}

}  // namespace marginlab::formats
