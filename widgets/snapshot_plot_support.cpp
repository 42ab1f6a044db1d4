#include "widgets/snapshot_plot_support.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

#include "core/telemetry/telemetry.h"

namespace marginlab::widgets {
namespace {

class LogTicker125 : public QCPAxisTicker {
 protected:
  QVector<double> createTickVector(double, const QCPRange& range) override {
    QVector<double> ticks;
    const double lo = std::max(range.lower, 1e-300), hi = range.upper;
    if (!(hi > lo)) return ticks;
    const bool sparse = std::log10(hi / lo) > 3.0;
    for (int e = static_cast<int>(std::floor(std::log10(lo))) - 1; e <= static_cast<int>(std::ceil(std::log10(hi)));
         ++e) {
      const double decade = std::pow(10.0, e);
      for (double m : {1.0, 2.0, 5.0}) {
        if (sparse && m != 1.0) continue;
        const double t = m * decade;
        if (t >= lo / 1.0001 && t <= hi * 1.0001) ticks << t;
      }
    }
    return ticks;
  }
  QVector<double> createSubTickVector(int, const QVector<double>& ticks) override {
    QVector<double> sub;
    if (ticks.isEmpty()) return sub;
    const int first = static_cast<int>(std::floor(std::log10(ticks.first()))) - 1;
    const int last = static_cast<int>(std::ceil(std::log10(ticks.last()))) + 1;
    for (int e = first; e <= last; ++e)
      for (int m = 1; m <= 9; ++m) {
        const double t = m * std::pow(10.0, e);
        if (t >= ticks.first() / 10 && t <= ticks.last() * 10 && !ticks.contains(t)) sub << t;
      }
    return sub;
  }
  QString getTickLabel(double tick, const QLocale& locale, QChar, int) override {
    return tick >= 1.0 ? locale.toString(tick, 'f', 0) : locale.toString(tick, 'g', 3);
  }
};

}  // namespace

QSharedPointer<QCPAxisTicker> logTicker125() { return QSharedPointer<QCPAxisTicker>(new LogTicker125); }

QCPColorGradient sequentialGradient(int levels, const QPalette& palette) {
  QCPColorGradient gradient;
  gradient.clearColorStops();
  if (palette.color(QPalette::Base).lightnessF() < 0.5) {
    // viridis from 0.3 to 1.0
    gradient.setColorStopAt(0.0, QColor(0x31, 0x68, 0x8e));
    gradient.setColorStopAt(0.25, QColor(0x23, 0x8a, 0x8d));
    gradient.setColorStopAt(0.5, QColor(0x2a, 0xb0, 0x7f));
    gradient.setColorStopAt(0.75, QColor(0x86, 0xd5, 0x49));
    gradient.setColorStopAt(1.0, QColor(0xfd, 0xe7, 0x25));
  } else {
    // viridis from 0.1 to 0.9
    gradient.setColorStopAt(0.0, QColor(0x48, 0x28, 0x78));
    gradient.setColorStopAt(0.25, QColor(0x35, 0x5f, 0x8d));
    gradient.setColorStopAt(0.5, QColor(0x21, 0x91, 0x8c));
    gradient.setColorStopAt(0.75, QColor(0x44, 0xbf, 0x70));
    gradient.setColorStopAt(1.0, QColor(0xbd, 0xdf, 0x26));
  }
  gradient.setColorInterpolation(QCPColorGradient::ciRGB);
  gradient.setLevelCount(levels);
  return gradient;
}

void styleColorScale(QCPColorScale* scale, const QPalette& palette) {
  const QColor text = palette.color(QPalette::Text);
  QCPAxis* axis = scale->axis();
  axis->setBasePen(QPen(text, 1));
  axis->setTickPen(QPen(text, 1));
  axis->setSubTickPen(QPen(text, 1));
  axis->setTickLabelColor(text);
  axis->setLabelColor(text);
}

QCPColorScale* addColorScale(QCustomPlot* plot, const QCPColorGradient& gradient) {
  auto* scale = new QCPColorScale(plot);
  plot->plotLayout()->addElement(0, 1, scale);
  scale->setType(QCPAxis::atRight);
  scale->setBarWidth(12);
  scale->setGradient(gradient);
  scale->setRangeDrag(false);
  scale->setRangeZoom(false);
  auto* margins = new QCPMarginGroup(plot);
  plot->axisRect()->setMarginGroup(QCP::msTop | QCP::msBottom, margins);
  scale->setMarginGroup(QCP::msTop | QCP::msBottom, margins);
  return scale;
}

int histogramBin(double value, double lo, double width, int bins) {
  return std::clamp(static_cast<int>(std::floor((value - lo) / width)), 0, bins - 1);
}

QString kappaUnavailableText(const train::Snapshot& snapshot) {
  if (!snapshot.kappa.kappa.empty()) return {};
  if (snapshot.kappa.kept && snapshot.kappa.refreshes == 0)
    return QObject::tr("No κ yet: KappaFace computes it at the first refresh");
  if (snapshot.head_kind.empty()) return QObject::tr("Waiting for the first snapshot of the run");
  return QObject::tr("Per-class κ is KappaFace's: this run trains %1").arg(QString::fromStdString(snapshot.head_kind));
}

}  // namespace marginlab::widgets
