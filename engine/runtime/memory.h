#pragma once

namespace marginlab {

// Training allocates the same large tensors (B × C logits: 200 MB at 100k classes) every step. glibc hands blocks
// above 32 MB back to the OS on free and page-faults them in again on the next step, which made step times vary
// 3× between identical runs. This keeps freed memory in the process for reuse, as a caching allocator would.
// No effect outside glibc. Call once, early in main().
void reuse_freed_memory();

}  // namespace marginlab
