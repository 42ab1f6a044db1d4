#include "engine/formats/stored_tensor.h"

#include "engine/formats/pickle.h"

namespace marginlab::formats {

std::int64_t StoredTensor::numel() const {
  std::int64_t count = 1;
  for (const auto size : sizes) count *= size;
  return count;
}

std::string StoredTensor::description() const {
  return std::string(element_type_name(type)) + " " + pickle::shape_text(sizes);
}

}  // namespace marginlab::formats
