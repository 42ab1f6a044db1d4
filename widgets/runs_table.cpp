#include "widgets/runs_table.h"

#include <QAction>
#include <QHeaderView>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>

namespace marginlab::widgets {
namespace {

// A number that sorts as a number and reads as a percentage.
class NumberItem : public QTableWidgetItem {
 public:
  NumberItem(double value, const QString& text) : QTableWidgetItem(text), value_(value) {
    setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
  }
  bool operator<(const QTableWidgetItem& other) const override {
    const auto* number = dynamic_cast<const NumberItem*>(&other);
    if (!number) return QTableWidgetItem::operator<(other);
    // Missing values last in ascending order.
    if (!std::isfinite(value_)) return false;
    if (!std::isfinite(number->value_)) return true;
    return value_ < number->value_;
  }

 private:
  double value_;
};

QString percent(double value) {
  return std::isfinite(value) ? QString::number(100 * value, 'f', 2) : QStringLiteral("—");
}

constexpr int kFixedColumns = 5;  // overlay, run, state, head, backbone

}  // namespace

RunsTable::RunsTable(QWidget* parent) : QWidget(parent), table_(new QTableWidget(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(table_);
  table_->setObjectName(QStringLiteral("runs"));
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSortingEnabled(true);
  table_->verticalHeader()->hide();
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->setToolTip(tr("Tick a run to overlay its training curves; double-click it to show it in every plot"));
  connect(table_, &QTableWidget::itemChanged, this, [this](QTableWidgetItem* item) {
    if (filling_ || item->column() != 0) return;
    Q_EMIT overlayToggled(item->data(Qt::UserRole).toString(), item->checkState() == Qt::Checked);
  });
  connect(table_, &QTableWidget::cellDoubleClicked, this,
          [this](int row, int) { Q_EMIT showRequested(table_->item(row, 0)->data(Qt::UserRole).toString()); });
  table_->setContextMenuPolicy(Qt::ActionsContextMenu);
  auto* remove = new QAction(tr("Close this run (its files stay)"), table_);
  connect(remove, &QAction::triggered, this, [this] {
    const int row = table_->currentRow();
    if (row >= 0) Q_EMIT removeRequested(table_->item(row, 0)->data(Qt::UserRole).toString());
  });
  table_->addAction(remove);
}

void RunsTable::setRuns(const std::vector<RunRow>& runs, const std::vector<std::string>& differingKeys) {
  filling_ = true;
  table_->setSortingEnabled(false);
  // One last/best pair per (set, stratum) any run reports, in first-seen order.
  std::vector<std::pair<std::string, std::string>> strata;
  for (const auto& run : runs) {
    for (const auto& s : run.verification.strata) {
      const std::pair<std::string, std::string> key{s.set, s.stratum};
      if (std::find(strata.begin(), strata.end(), key) == strata.end()) strata.push_back(key);
    }
  }
  QStringList headers{tr("overlay"), tr("run"), tr("state"), tr("head"), tr("backbone")};
  for (const auto& key : differingKeys) headers << QString::fromStdString(key);
  for (const auto& [set, stratum] : strata) {
    const QString name = QString::fromStdString(set + " " + stratum);
    headers << tr("%1 last %").arg(name) << tr("%1 best %").arg(name);
  }
  headers << tr("norm–quality ρ");
  table_->clear();
  table_->setColumnCount(static_cast<int>(headers.size()));
  table_->setHorizontalHeaderLabels(headers);
  table_->setRowCount(static_cast<int>(runs.size()));
  for (int r = 0; r < static_cast<int>(runs.size()); ++r) {
    const RunRow& run = runs[r];
    auto* overlay = new QTableWidgetItem;
    overlay->setData(Qt::UserRole, run.directory);
    overlay->setFlags(run.shown ? Qt::ItemIsEnabled : Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
    if (!run.shown) overlay->setCheckState(run.overlaid ? Qt::Checked : Qt::Unchecked);
    overlay->setToolTip(run.shown ? tr("The run the plots show") : tr("Overlay this run's training curves"));
    table_->setItem(r, 0, overlay);
    auto* name = new QTableWidgetItem(run.name);
    name->setToolTip(run.directory);
    if (run.shown) {
      QFont bold = name->font();
      bold.setBold(true);
      name->setFont(bold);
    }
    table_->setItem(r, 1, name);
    table_->setItem(r, 2, new QTableWidgetItem(run.state));
    table_->setItem(r, 3, new QTableWidgetItem(run.head));
    table_->setItem(r, 4, new QTableWidgetItem(run.backbone));
    int column = kFixedColumns;
    for (const auto& key : differingKeys) {
      const auto it = run.values.find(key);
      table_->setItem(
          r, column++,
          new QTableWidgetItem(it == run.values.end() ? QStringLiteral("—") : QString::fromStdString(it->second)));
    }
    for (const auto& [set, stratum] : strata) {
      const train::StratumSummary* found = nullptr;
      for (const auto& s : run.verification.strata) {
        if (s.set == set && s.stratum == stratum) found = &s;
      }
      const double last = found ? found->last : NAN, best = found ? found->best : NAN;
      auto* lastItem = new NumberItem(100 * last, percent(last));
      auto* bestItem = new NumberItem(100 * best, percent(best));
      if (found) {
        lastItem->setToolTip(tr("at step %1").arg(found->last_step));
        bestItem->setToolTip(tr("at step %1").arg(found->best_step));
      }
      table_->setItem(r, column++, lastItem);
      table_->setItem(r, column++, bestItem);
    }
    const double rho = run.verification.norm_quality_spearman;
    table_->setItem(r, column,
                    new NumberItem(rho, std::isfinite(rho) ? QString::number(rho, 'f', 3) : QStringLiteral("—")));
  }
  table_->setSortingEnabled(true);
  filling_ = false;
}

DataTable RunsTable::shownData() const {
  DataTable data;
  for (int c = 1; c < table_->columnCount(); ++c) data.columns << table_->horizontalHeaderItem(c)->text();
  for (int r = 0; r < table_->rowCount(); ++r) {
    QVariantList row;
    for (int c = 1; c < table_->columnCount(); ++c) row << table_->item(r, c)->text();
    data.rows.push_back(row);
  }
  return data;
}

}  // namespace marginlab::widgets
