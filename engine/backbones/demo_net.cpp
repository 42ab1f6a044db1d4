#include "engine/backbones/demo_net.h"

namespace marginlab::backbones {

IResNetLayout demo_net_layout() {
  // At 64×64 the full-resolution stem and the first block's conv1 already cost a third of the multiply-adds; each
  // later stage halves the side and doubles the width, so each costs about the same (~7M). Deeper stages would be
  // cheap to add but slow every demo step down on two cores for little gain on SynthFace.
  // From 32×32 up, so that the embedding is still read from a 2×2 map rather than from a single position.
  return {.blocks = {1, 1, 1, 1}, .widths = {16, 32, 64, 128}, .stem_width = 16, .min_input_size = 32};
}

}  // namespace marginlab::backbones
