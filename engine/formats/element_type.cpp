#include "engine/formats/element_type.h"

#include <array>

namespace marginlab::formats {
namespace {

struct Names {
  ElementType type;
  std::size_t size;
  std::string_view torch;
  std::string_view storage;
  std::string_view safetensors;
};

constexpr std::array kNames{
    Names{ElementType::float64, 8, "float64", "DoubleStorage", "F64"},
    Names{ElementType::float32, 4, "float32", "FloatStorage", "F32"},
    Names{ElementType::float16, 2, "float16", "HalfStorage", "F16"},
    Names{ElementType::bfloat16, 2, "bfloat16", "BFloat16Storage", "BF16"},
    Names{ElementType::int64, 8, "int64", "LongStorage", "I64"},
    Names{ElementType::int32, 4, "int32", "IntStorage", "I32"},
    Names{ElementType::int16, 2, "int16", "ShortStorage", "I16"},
    Names{ElementType::int8, 1, "int8", "CharStorage", "I8"},
    Names{ElementType::uint8, 1, "uint8", "ByteStorage", "U8"},
    Names{ElementType::boolean, 1, "bool", "BoolStorage", "BOOL"},
};

const Names& names_of(ElementType type) {
  for (const auto& names : kNames) {
    if (names.type == type) return names;
  }
  return kNames[1];
}

}  // namespace

std::size_t element_size(ElementType type) { return names_of(type).size; }

std::string_view element_type_name(ElementType type) { return names_of(type).torch; }

std::optional<ElementType> element_type_of_storage(std::string_view storage_class) {
  for (const auto& names : kNames) {
    if (names.storage == storage_class) return names.type;
  }
  return std::nullopt;
}

std::optional<ElementType> element_type_of_safetensors(std::string_view dtype) {
  for (const auto& names : kNames) {
    if (names.safetensors == dtype) return names.type;
  }
  return std::nullopt;
}

}  // namespace marginlab::formats
