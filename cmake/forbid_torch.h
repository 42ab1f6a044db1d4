// Force-included into every file of the torch-free targets (marginlab_core, marginlab_widgets; see
// cmake/MarginLabBoundaries.cmake). LibTorch's headers are all in namespaces c10 and torch: including one there now
// stops the build with "attempt to use poisoned c10" at the first line that names them. Move that code to the engine
// (LibTorch, no Qt) or have app/ hand the values over (architecture.md, "Targets and who may include whom").
#pragma GCC poison c10 torch
