// Compiled only by the boundaries test, with the torch-free targets' flags: it must fail to compile.
#include <ATen/core/Tensor.h>
