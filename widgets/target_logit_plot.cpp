#include "widgets/target_logit_plot.h"

#include <qcustomplot.h>

#include "widgets/plot_style.h"

namespace marginlab::widgets {

TargetLogitPlot::TargetLogitPlot(QWidget* parent)
    : PlotWidget(tr("Target logit of each head against θ"), parent) {
  plot()->xAxis->setLabel(tr("angle to the class centre θ (degrees)"));
  plot()->yAxis->setLabel(tr("target logit / s"));
  plot()->xAxis->setRange(0, 180);
  plot()->yAxis->setRange(-2.0, 1.05);
  QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
  ticker->setTickStep(30.0);
  plot()->xAxis->setTicker(ticker);
  plot()->legend->setVisible(true);
  plot()->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignLeft);
  applyPlotStyle(plot(), palette());
}

void TargetLogitPlot::setCurves(const std::vector<LogitCurve>& curves) {
  curves_ = curves;
  refresh();
}

void TargetLogitPlot::redraw() {
  plot()->clearGraphs();
  int index = 0;
  for (const auto& curve : curves_) {
    auto* graph = plot()->addGraph();
    graph->setName(curve.name);
    QPen pen(seriesColor(index++));
    pen.setWidthF(2.0);
    if (curve.dashed) pen.setStyle(Qt::DashLine);
    graph->setPen(pen);
    graph->setData(QVector<double>(curve.theta_degrees.begin(), curve.theta_degrees.end()),
                   QVector<double>(curve.target_logit.begin(), curve.target_logit.end()), /*alreadySorted=*/true);
  }
}

DataTable TargetLogitPlot::shownData() const {
  DataTable table{{QStringLiteral("series"), QStringLiteral("theta_degrees"), QStringLiteral("target_logit_over_s")}, {}};
  for (const auto& curve : curves_) {
    for (std::size_t i = 0; i < curve.theta_degrees.size(); ++i) {
      table.rows.push_back({curve.name, curve.theta_degrees[i], curve.target_logit[i]});
    }
  }
  return table;
}

}  // namespace marginlab::widgets
