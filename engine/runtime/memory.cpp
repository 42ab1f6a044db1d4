#include "engine/runtime/memory.h"

#if defined(__GLIBC__)
#include <malloc.h>

#include <climits>
#endif

namespace marginlab {

void reuse_freed_memory() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_MAX, 0);               // large blocks come from the heap, where freed memory is reused...
  mallopt(M_TRIM_THRESHOLD, INT_MAX);   // ...and up to 2 GiB of free heap top stays with the process
#endif
}

}  // namespace marginlab
