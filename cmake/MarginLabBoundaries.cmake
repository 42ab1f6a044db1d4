# The architecture's boundaries, enforced by the compiler rather than by a grep.
#
# marginlab_forbid_torch(target): every source of `target` is compiled with cmake/forbid_torch.h force-included,
# which poisons the identifiers c10 and torch, so that an include of any LibTorch header fails to compile. Qt is kept
# out of the engine and core the simple way: its headers are not on their include path.
function(marginlab_forbid_torch target)
  target_compile_options(${target} PRIVATE -include ${PROJECT_SOURCE_DIR}/cmake/forbid_torch.h)
endfunction()
