#include "widgets/benchmark_table.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "core/eval/roc.h"
#include "widgets/result_table.h"

namespace marginlab::widgets {
namespace {

enum Column {
  kSource,
  kBenchmark,
  kProtocol,
  kStep,
  kFirstTar,
  kFirstRank = kFirstTar + 6,
  kColumnCount = kFirstRank + 3
};
constexpr std::array<int, 3> kRanks{1, 5, 20};

using Item = NumberSortedItem;

// Published rows have a few numbers each: the others stay blank rather than a dash in every cell.
Item* numberItem(double value, int decimals) { return numberCell(value, QString::number(value, 'f', decimals), {}); }

}  // namespace

BenchmarkTable::BenchmarkTable(QWidget* parent)
    : QWidget(parent), table_(new QTableWidget(this)), notes_(new QLabel(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(4);
  layout->addWidget(table_, 1);
  layout->addWidget(notes_);
  notes_->setWordWrap(true);
  notes_->setContentsMargins(4, 0, 4, 4);
  notes_->setTextInteractionFlags(Qt::TextSelectableByMouse);

  QStringList headers{tr("run / published"), tr("benchmark"), tr("protocol"), tr("step")};
  for (double far : eval::kIjbFarTargets) headers << tr("TAR (%)\n@%1").arg(farLabel(far));
  for (int rank : kRanks) headers << tr("rank-%1\n(%)").arg(rank);
  table_->setColumnCount(kColumnCount);
  table_->setHorizontalHeaderLabels(headers);
  for (int c = kFirstTar; c < kFirstRank; ++c) {
    table_->horizontalHeaderItem(c)->setToolTip(
        tr("IJB 1:1: true accept rate at the false accept rate nearest %1 on the thinned ROC, as eval_ijbc.py reads "
           "it (the papers' tables)")
            .arg(farLabel(eval::kIjbFarTargets[static_cast<std::size_t>(c - kFirstTar)])));
  }
  for (int c = kFirstRank; c < kColumnCount; ++c) {
    table_->horizontalHeaderItem(c)->setToolTip(
        tr("Identification: share of searches with a mate among the first %1 (IJB 1:N, TinyFace)")
            .arg(kRanks[static_cast<std::size_t>(c - kFirstRank)]));
  }
  setUpResultTable(table_);
  setRuns({});
}

void BenchmarkTable::setRuns(const std::vector<benchmarks::RunBenchmarks>& runs) {
  const auto rows = benchmarks::benchmark_rows(runs);
  table_->setSortingEnabled(false);  // filling a sorting table moves rows under our feet
  table_->setRowCount(0);
  QColor muted = palette().color(QPalette::PlaceholderText);
  bool anyRun = false, anyPublished = false;
  for (const auto& row : rows) {
    const int r = table_->rowCount();
    table_->insertRow(r);
    const QString note = QString::fromStdString(row.note);
    std::vector<QTableWidgetItem*> items{new Item(QString::fromStdString(row.source)),
                                         new Item(QString::fromStdString(row.benchmark)),
                                         new Item(QString::fromStdString(row.protocol)),
                                         numberItem(row.step >= 0 ? static_cast<double>(row.step) : NAN, 0)};
    for (double tar : row.tar) items.push_back(numberItem(tar, 2));
    for (double rank : row.rank) items.push_back(numberItem(rank, 2));
    for (std::size_t c = 0; c < items.size(); ++c) {
      items[c]->setToolTip(QString::fromStdString(row.source) + QStringLiteral("\n") + note);
      if (row.published) {
        QFont italic = items[c]->font();
        italic.setItalic(true);
        items[c]->setFont(italic);
        items[c]->setForeground(muted);
      }
      table_->setItem(r, static_cast<int>(c), items[c]);
    }
    (row.published ? anyPublished : anyRun) = true;
  }
  table_->setSortingEnabled(true);
  // Fitted to the contents, but the names column kept narrow enough that the numbers stay in view (the tooltip has
  // the whole name); the user may widen it.
  table_->resizeColumnsToContents();
  table_->setColumnWidth(kSource,
                         std::min(table_->columnWidth(kSource), table_->fontMetrics().averageCharWidth() * 30));
  if (!anyRun) {
    notes_->setText(
        tr("No benchmark results in the open runs. Compute them with marginlab-cli ijb --root DIR "
           "--target IJBC --checkpoint RUN, or marginlab-cli tinyface --root DIR --checkpoint RUN "
           "(docs/benchmarks.md); they appear here as the run records them."));
  } else {
    notes_->setText(anyPublished
                        ? tr("In italics: published numbers of the same backbone depth (and training set, where the "
                             "run's data names one); hover a row for its source and protocol.")
                        : tr("No published numbers for these backbones: the papers report IResNet-50 and -100."));
  }
}

DataTable BenchmarkTable::shownData() const {
  DataTable data;
  for (int c = 0; c < table_->columnCount(); ++c) {
    data.columns << table_->horizontalHeaderItem(c)->text().replace(QLatin1Char('\n'), QLatin1Char(' '));
  }
  data.columns << QStringLiteral("published");
  for (int r = 0; r < table_->rowCount(); ++r) {
    QVariantList cells;
    for (int c = 0; c < table_->columnCount(); ++c) {
      const auto* item = table_->item(r, c);
      const QVariant value = item->data(kValueRole);
      if (!value.isValid()) {
        cells << item->text();
      } else {
        cells << (std::isfinite(value.toDouble()) ? value : QVariant(QString()));
      }
    }
    cells << table_->item(r, 0)->font().italic();
    data.rows.push_back(cells);
  }
  return data;
}

}  // namespace marginlab::widgets
