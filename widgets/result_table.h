#pragma once
// What the evaluation and benchmark tables share: cells that sort by the number they stand for (kept under
// kValueRole, NaN for none, so that "96.89" never sorts above "100.00", blanks sort below every number, and the CSV
// export writes the number rather than its text), the FAR labels of their headers, and their look and behaviour.
#include <QAbstractItemView>
#include <QHeaderView>
#include <QString>
#include <QTableWidget>
#include <QTableWidgetItem>
#include <QVariant>

#include <cmath>

namespace marginlab::widgets {

inline constexpr int kValueRole = Qt::UserRole;

// Numbers sort by value (cells without one below every number), text cells by text.
class NumberSortedItem : public QTableWidgetItem {
 public:
  using QTableWidgetItem::QTableWidgetItem;
  bool operator<(const QTableWidgetItem& other) const override {
    const QVariant a = data(kValueRole), b = other.data(kValueRole);
    if (!a.isValid() || !b.isValid()) return QTableWidgetItem::operator<(other);
    const double x = a.toDouble(), y = b.toDouble();
    if (std::isnan(x) || std::isnan(y)) return std::isnan(x) && !std::isnan(y);
    return x < y;
  }
};

// A right-aligned cell showing `text`, or `missing` where `value` is not finite.
inline NumberSortedItem* numberCell(double value, const QString& text, const QString& missing) {
  auto* item = new NumberSortedItem(std::isfinite(value) ? text : missing);
  item->setData(kValueRole, value);
  item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
  return item;
}

// A FAR target as the column headers write it: 1e-4.
inline QString farLabel(double far) {
  return QStringLiteral("1e%1").arg(static_cast<int>(std::lround(std::log10(far))));
}

// Read-only rows selected whole, alternating colours, no row numbers, sortable by any column but in their natural
// order until a header is clicked.
inline void setUpResultTable(QTableWidget* table) {
  table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table->setSelectionBehavior(QAbstractItemView::SelectRows);
  table->setAlternatingRowColors(true);
  table->verticalHeader()->setVisible(false);
  table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 8);
  table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
  table->setSortingEnabled(true);
}

}  // namespace marginlab::widgets
