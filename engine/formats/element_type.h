#pragma once
// The element types of the tensors other tools store (torch.save storages, safetensors), without LibTorch: the
// readers name them and size them; the engine maps them to torch dtypes.
#include <cstddef>
#include <optional>
#include <string_view>

namespace marginlab::formats {

enum class ElementType { float64, float32, float16, bfloat16, int64, int32, int16, int8, uint8, boolean };

std::size_t element_size(ElementType type);
// PyTorch's name: "float32", "bfloat16", "bool", ...
std::string_view element_type_name(ElementType type);
// The type of a torch storage class ("FloatStorage", "HalfStorage", ...); nothing for any other name.
std::optional<ElementType> element_type_of_storage(std::string_view storage_class);
// The type of a safetensors dtype ("F32", "BF16", "I64", "BOOL", ...); nothing for any other name.
std::optional<ElementType> element_type_of_safetensors(std::string_view dtype);

}  // namespace marginlab::formats
