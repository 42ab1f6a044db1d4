#include "app/margin_curves.h"

#include <torch/torch.h>

#include <QCoreApplication>

#include "engine/heads/adaface.h"
#include "engine/heads/arcface.h"
#include "engine/heads/cosface.h"
#include "engine/heads/normface.h"

namespace marginlab::app {
namespace {

struct MarginCurves {
  Q_DECLARE_TR_FUNCTIONS(MarginCurves)
};

// Every row is one angle: column 0 is the target (cos θ), column 1 an orthogonal non-target class.
struct Sweep {
  torch::Tensor cosine, labels, degrees;
};

Sweep make_sweep(int points) {
  auto degrees = torch::linspace(0.0, 180.0, points, torch::kFloat64);
  auto cosine = torch::stack({torch::cos(degrees * (M_PI / 180.0)), torch::zeros_like(degrees)}, 1);
  return {cosine, torch::zeros({points}, torch::kInt64), degrees};
}

widgets::LogitCurve run(heads::MarginHeadImpl& head, const Sweep& sweep, const torch::Tensor& norms, QString name) {
  head.to(torch::kFloat64);
  torch::NoGradGuard no_grad;
  auto out = head.forward_cosine(sweep.cosine, norms, sweep.labels);
  auto target = (out.logits.select(1, 0) / head.scale()).contiguous();
  auto degrees = sweep.degrees.contiguous();
  return {std::move(name),
          std::vector<double>(degrees.data_ptr<double>(), degrees.data_ptr<double>() + degrees.numel()),
          std::vector<double>(target.data_ptr<double>(), target.data_ptr<double>() + target.numel())};
}

}  // namespace

std::vector<widgets::LogitCurve> default_margin_curves(int points) {
  const auto sweep = make_sweep(points);
  auto ones = torch::ones({points}, torch::kFloat64);
  std::vector<widgets::LogitCurve> curves;

  heads::NormFaceHeadImpl normface(2, 2);
  curves.push_back(run(normface, sweep, ones, MarginCurves::tr("NormFace (no margin)")));
  heads::CosFaceHeadImpl cosface(2, 2);
  curves.push_back(run(cosface, sweep, ones, MarginCurves::tr("CosFace m = 0.4")));
  heads::ArcFaceHeadImpl arcface(2, 2);
  curves.push_back(run(arcface, sweep, ones, MarginCurves::tr("ArcFace m = 0.5")));

  // AdaFace at fixed statistics (t_alpha = 0 keeps them): norm a gives ẑ = h·(a − μ)/(σ + ε).
  heads::AdaFaceParams p;
  p.t_alpha = 0.0;
  const double mu = 50.0, sigma = 10.0;
  for (const double z : {-1.0, 0.0, 1.0}) {
    heads::AdaFaceHeadImpl adaface(2, 2, p);
    adaface.set_norm_statistics(mu, sigma);
    const double norm = mu + z * (sigma + p.eps) / p.h;
    const char* label = z < 0   ? QT_TRANSLATE_NOOP("MarginCurves", "AdaFace m = 0.4, ẑ = −1 (low quality)")
                        : z > 0 ? QT_TRANSLATE_NOOP("MarginCurves", "AdaFace m = 0.4, ẑ = +1 (high quality)")
                                : QT_TRANSLATE_NOOP("MarginCurves", "AdaFace m = 0.4, ẑ = 0 (equals CosFace)");
    auto curve = run(adaface, sweep, ones * norm, MarginCurves::tr(label));
    curve.dashed = true;
    curves.push_back(std::move(curve));
  }
  return curves;
}

}  // namespace marginlab::app
