#pragma once
// "demo": the network for CPU demos on SynthFace at 64×64. It is an IResNet in everything but size (same blocks, BN
// and PReLU placement, the same `features` BatchNorm on the embedding), so what AdaFace reads from the feature norm
// behaves as it does on the real IResNets, at about 1/170 of ir50's multiply-adds at 112×112.
#include "engine/backbones/iresnet.h"

namespace marginlab::backbones {

// Stages of one IBasicBlock each, widths 16-32-64-128 after a 16-channel stem; inputs from 32×32 (multiples of 16).
IResNetLayout demo_net_layout();

}  // namespace marginlab::backbones
