#pragma once
// The exporters' own failure, beside the engine's input errors (core/errors.h): the model itself cannot leave
// MarginLab as asked.
#include <stdexcept>

namespace marginlab::exporting {

// A layer the format has no form for, or an exported file whose outputs disagree with LibTorch's. The message names
// the layer, file or value; nothing is left behind when it is thrown.
class ExportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace marginlab::exporting
