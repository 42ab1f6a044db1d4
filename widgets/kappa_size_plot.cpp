#include "widgets/kappa_size_plot.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "widgets/plot_style.h"
#include "widgets/snapshot_plot_support.h"

namespace marginlab::widgets {

KappaSizePlot::KappaSizePlot(QWidget* parent) : PlotWidget(tr("Per-class κ̂ against class size"), parent) {
  QCustomPlot* p = plot();
  p->xAxis->setLabel(tr("class size (images per class, log scale)"));
  p->yAxis->setLabel(tr("estimated concentration κ (vMF)"));
  p->xAxis->setScaleType(QCPAxis::stLogarithmic);
  p->xAxis->setTicker(logTicker125());
  p->xAxis->setRange(1, 1000);
  p->yAxis->setRange(0, 1);

  for (int level = 0; level < kLevels; ++level) {
    QCPGraph* graph = p->addGraph();
    graph->setLineStyle(QCPGraph::lsNone);
    graph->setSelectable(QCP::stNone);
    levelGraphs_ << graph;
  }
  highlight_ = p->addGraph();
  highlight_->setLineStyle(QCPGraph::lsNone);
  highlight_->setSelectable(QCP::stNone);

  // The label hangs off an invisible tracer at the selected point, offset in pixels.
  selectionAnchor_ = new QCPItemTracer(p);
  selectionAnchor_->setStyle(QCPItemTracer::tsNone);
  selectionAnchor_->position->setType(QCPItemPosition::ptPlotCoords);
  selectionLabel_ = new QCPItemText(p);
  selectionLabel_->position->setParentAnchor(selectionAnchor_->position);
  selectionLabel_->setPadding(QMargins(5, 3, 5, 3));
  selectionLabel_->setTextAlignment(Qt::AlignLeft);
  selectionLabel_->setVisible(false);

  noteItem_ = new QCPItemText(p);
  noteItem_->position->setType(QCPItemPosition::ptAxisRectRatio);
  noteItem_->position->setCoords(0.99, 0.98);
  noteItem_->setPositionAlignment(Qt::AlignRight | Qt::AlignBottom);
  noteItem_->setVisible(false);

  colorScale_ = addColorScale(p, sequentialGradient(kLevels, palette()));
  colorScale_->setLabel(tr("margin m₀·ψ (rad)"));
  setEmptyText(kappaUnavailableText({}));
}

void KappaSizePlot::plotClicked(QPointF pixel) {
  const qint64 id = classAtPixel(pixel);
  if (id < 0) return;
  setSelectedClass(id);
  Q_EMIT classClicked(id);
}

void KappaSizePlot::setSnapshot(const train::Snapshot& snapshot) {
  points_.clear();
  omitted_ = 0;
  QString empty = kappaUnavailableText(snapshot);
  const auto& k = snapshot.kappa;
  if (empty.isEmpty()) {
    const std::vector<std::int64_t>& counts = k.count.empty() ? snapshot.class_count : k.count;
    const std::size_t classes = std::min({counts.size(), k.kappa.size(), k.margin.size()});
    points_.reserve(classes);
    for (std::size_t c = 0; c < classes; ++c) {
      // One image gives r̂ = 1 and a meaningless κ̂ (the head leaves those out of its standardisation too).
      if (counts[c] < 2 || !std::isfinite(k.kappa[c]) || !std::isfinite(k.margin[c])) {
        ++omitted_;
        continue;
      }
      points_.push_back({static_cast<qint64>(c), static_cast<double>(counts[c]), k.kappa[c], k.margin[c]});
    }
    if (points_.empty()) empty = tr("No class has the two images κ̂ needs");
  }
  setEmptyText(empty);
  refresh();
}

void KappaSizePlot::clear() {
  points_.clear();
  omitted_ = 0;
  setEmptyText(kappaUnavailableText({}));
  refresh();
}

void KappaSizePlot::setSelectedClass(qint64 classId) {
  selected_ = classId;
  refresh();
}

const KappaSizePlot::Point* KappaSizePlot::findPoint(qint64 classId) const {
  auto it = std::lower_bound(points_.begin(), points_.end(), classId,
                             [](const Point& p, qint64 id) { return p.id < id; });
  return it != points_.end() && it->id == classId ? &*it : nullptr;
}

qint64 KappaSizePlot::classAtPixel(QPointF pixel) const {
  constexpr double kPickRadius = 10.0;
  double best = kPickRadius * kPickRadius;
  qint64 id = -1;
  const QCPAxis* x = plot()->xAxis;
  const QCPAxis* y = plot()->yAxis;
  for (const Point& point : points_) {
    const double dx = x->coordToPixel(point.n) - pixel.x();
    const double dy = y->coordToPixel(point.kappa) - pixel.y();
    const double d2 = dx * dx + dy * dy;
    if (d2 <= best) {
      best = d2;
      id = point.id;
    }
  }
  return id;
}

DataTable KappaSizePlot::shownData() const {
  DataTable table{{QStringLiteral("class"), QStringLiteral("n (images)"), QStringLiteral("kappa"),
                   QStringLiteral("margin (rad)")},
                  {}};
  table.rows.reserve(points_.size());
  for (const Point& p : points_) table.rows.push_back({p.id, static_cast<qint64>(p.n), p.kappa, p.margin});
  return table;
}

void KappaSizePlot::redraw() {
  QCustomPlot* p = plot();
  const QPalette pal = palette();
  const QColor text = pal.color(QPalette::Text);
  styleColorScale(colorScale_, pal);
  // Without points the colour bar would only take room from the message: out of the layout it goes.
  QCPLayoutGrid* grid = p->plotLayout();
  if (points_.empty() && grid->hasElement(0, 1)) {
    grid->take(colorScale_);
    grid->simplify();
    colorScale_->setVisible(false);
  } else if (!points_.empty() && !grid->hasElement(0, 1)) {
    grid->addElement(0, 1, colorScale_);
    colorScale_->setVisible(true);
  }

  double mLo = std::numeric_limits<double>::infinity(), mHi = -mLo;
  double nLo = mLo, nHi = -mLo, kLo = mLo, kHi = -mLo;
  for (const Point& point : points_) {
    mLo = std::min(mLo, point.margin);
    mHi = std::max(mHi, point.margin);
    nLo = std::min(nLo, point.n);
    nHi = std::max(nHi, point.n);
    kLo = std::min(kLo, point.kappa);
    kHi = std::max(kHi, point.kappa);
  }
  if (!(mHi > mLo)) {  // all margins equal (or no points): a small range around the value keeps the bar honest
    const double centre = std::isfinite(mLo) ? mLo : 0.0;
    mLo = centre - 0.01;
    mHi = centre + 0.01;
  }
  const QCPRange marginRange(mLo, mHi);
  QCPColorGradient gradient = sequentialGradient(kLevels, palette());
  colorScale_->setGradient(gradient);
  colorScale_->setDataRange(marginRange);

  QVector<QVector<double>> keys(kLevels), values(kLevels);
  for (const Point& point : points_) {
    const int level = std::clamp(static_cast<int>((point.margin - mLo) / (mHi - mLo) * kLevels), 0, kLevels - 1);
    keys[level] << point.n;
    values[level] << point.kappa;
  }
  // Few points get a faint outline in the text colour so that the gradient's dark end shows on a dark background
  // and its light end on a light one; many points would drown in outlines.
  const bool many = points_.size() > 5000;
  const double size = many ? 3.5 : 6.5;
  for (int level = 0; level < kLevels; ++level) {
    const QColor color = gradient.color(mLo + (level + 0.5) / kLevels * (mHi - mLo), marginRange);
    QCPGraph* graph = levelGraphs_[level];
    const QPen outline = many ? QPen(color) : QPen(faded(text, 110), 0.8);
    graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, outline, QBrush(color), size));
    graph->setPen(Qt::NoPen);
    graph->setData(keys[level], values[level]);
  }

  const Point* selected = findPoint(selected_);
  highlight_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(text, 2.0), Qt::NoBrush, 15));
  highlight_->setPen(Qt::NoPen);
  if (selected) highlight_->setData({selected->n}, {selected->kappa});
  else highlight_->data()->clear();

  if (!points_.empty()) {
    const double pad = std::max(0.06 * (kHi - kLo), 1e-3 * std::max(1.0, std::abs(kHi)));
    fitAxes({nLo / 1.3, nHi * 1.3}, {kLo - pad, kHi + pad});
  }

  selectionLabel_->setVisible(selected != nullptr);
  if (selected) {
    selectionLabel_->setText(tr("class %1\nn = %2 images · κ = %3\nmargin = %4 rad (%5°)")
                                  .arg(selected->id)
                                  .arg(static_cast<qint64>(selected->n))
                                  .arg(selected->kappa, 0, 'f', 1)
                                  .arg(selected->margin, 0, 'f', 3)
                                  .arg(selected->margin * (180.0 / 3.14159265358979323846), 0, 'f', 1));
    selectionLabel_->setColor(text);
    selectionLabel_->setBrush(QBrush(faded(pal.color(QPalette::Base), 225)));
    selectionLabel_->setPen(QPen(faded(text, 110)));
    selectionAnchor_->position->setCoords(selected->n, selected->kappa);
    // Keep the label inside the plot: to the left of points in the right half, below points in the top half.
    const double fx = p->xAxis->range().contains(selected->n)
                          ? (std::log(selected->n) - std::log(p->xAxis->range().lower)) /
                                (std::log(p->xAxis->range().upper) - std::log(p->xAxis->range().lower))
                          : 0.5;
    const double fy = (selected->kappa - p->yAxis->range().lower) / p->yAxis->range().size();
    Qt::Alignment align = (fx > 0.5 ? Qt::AlignRight : Qt::AlignLeft) | (fy > 0.5 ? Qt::AlignTop : Qt::AlignBottom);
    selectionLabel_->setPositionAlignment(align);
    selectionLabel_->position->setCoords(fx > 0.5 ? -10 : 10, fy > 0.5 ? 10 : -10);
  }

  noteItem_->setVisible(omitted_ > 0 && !points_.empty());
  noteItem_->setColor(faded(text, 170));
  noteItem_->setText(tr("not shown: classes with fewer than 2 images (κ not estimable): %1").arg(omitted_));
}

}  // namespace marginlab::widgets
