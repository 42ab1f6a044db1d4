#include "widgets/target_logit_plot.h"

#include <qcustomplot.h>

#include <QVBoxLayout>

namespace marginlab::widgets {
namespace {

// Distinguishable in light and dark palettes and for common colour-vision deficiencies (Okabe–Ito).
const QColor kPalette[] = {QColor(0, 114, 178), QColor(230, 159, 0), QColor(0, 158, 115), QColor(204, 121, 167),
                           QColor(86, 180, 233), QColor(213, 94, 0), QColor(240, 228, 66), QColor(110, 110, 110)};

}  // namespace

TargetLogitPlot::TargetLogitPlot(QWidget* parent) : QWidget(parent), plot_(new QCustomPlot(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(plot_);
  plot_->xAxis->setLabel(tr("angle to the class centre θ (degrees)"));
  plot_->yAxis->setLabel(tr("target logit / s"));
  plot_->xAxis->setRange(0, 180);
  plot_->yAxis->setRange(-2.0, 1.05);
  QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
  ticker->setTickStep(30.0);
  plot_->xAxis->setTicker(ticker);
  plot_->legend->setVisible(true);
  plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
  plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
}

void TargetLogitPlot::setCurves(const std::vector<LogitCurve>& curves) {
  plot_->clearGraphs();
  int index = 0;
  for (const auto& curve : curves) {
    auto* graph = plot_->addGraph();
    graph->setName(curve.name);
    QPen pen(kPalette[index++ % std::size(kPalette)]);
    pen.setWidthF(2.0);
    if (curve.dashed) pen.setStyle(Qt::DashLine);
    graph->setPen(pen);
    graph->setData(QVector<double>(curve.theta_degrees.begin(), curve.theta_degrees.end()),
                   QVector<double>(curve.target_logit.begin(), curve.target_logit.end()), /*alreadySorted=*/true);
  }
  plot_->replot();
}

}  // namespace marginlab::widgets
