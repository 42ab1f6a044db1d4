#pragma once
// Bridge: runs the engine's heads over a sweep of target angles and hands the widgets plain curves.
// No torch in this header (moc reads the app's headers).
#include <vector>

#include "widgets/target_logit_plot.h"

namespace marginlab::app {

// NormFace, CosFace, ArcFace and AdaFace at ẑ = −1, 0, +1, each at its published defaults, from the real heads.
std::vector<widgets::LogitCurve> default_margin_curves(int points = 361);

}  // namespace marginlab::app
