#pragma once

namespace marginlab {

// LibTorch starts with one intra-op thread here. Sets `requested` threads, or when requested ≤ 0 all cores but
// `reserved` (the GUI keeps one for itself); OpenBLAS's matrix products then run on the calling thread (threads.cpp
// says why). Returns the number set.
int configure_threads(int requested, int reserved = 0);

}  // namespace marginlab
