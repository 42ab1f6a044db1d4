#pragma once
// Table cells that sort by the number they stand for, and the FAR labels of their headers: the evaluation and benchmark
// tables keep each cell's value (NaN: none) under kValueRole, so that "96.89" sorts above "100.00" never, a blank below
// every number, and the CSV export writes the number rather than its text.
#include <QString>
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

// A FAR target as the column headers write it: 1e-4.
inline QString farLabel(double far) {
  return QStringLiteral("1e%1").arg(static_cast<int>(std::lround(std::log10(far))));
}

}  // namespace marginlab::widgets
