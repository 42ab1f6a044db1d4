#include "widgets/evaluation_table.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

#include <array>
#include <cmath>
#include <limits>

#include "widgets/latest_evaluations.h"
#include "widgets/result_table.h"

namespace marginlab::widgets {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::array<double, 4> kFarTargets{1e-1, 1e-2, 1e-3, 1e-4};  // eval::kStandardFarTargets, the paper columns
constexpr int kSecondRole = Qt::UserRole + 1;  // accuracy: its std

enum Column { kSet, kStratum, kStep, kPairs, kAccuracy, kAuc, kEer, kFirstTar, kColumnCount = kFirstTar + 4 };

using Item = NumberSortedItem;

// The impostor pairs a FAR target needs to be expressible (ceil(1/FAR): one false accept within the target), as
// eval::impostors_needed_for_far computes it (not linked here: widgets read engine values, never call the engine).
std::int64_t impostorsNeeded(double far) { return static_cast<std::int64_t>(std::ceil(1.0 / far - 1e-9)); }

Item* numberItem(double value, const QString& text) { return numberCell(value, text, QStringLiteral("—")); }

}  // namespace

EvaluationTable::EvaluationTable(QWidget* parent)
    : QWidget(parent), table_(new QTableWidget(this)), notes_(new QLabel(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(4);
  layout->addWidget(table_, 1);
  layout->addWidget(notes_);
  notes_->setWordWrap(true);
  notes_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  notes_->setObjectName(QStringLiteral("notes"));

  QStringList headers{tr("set"), tr("stratum"), tr("step"), tr("pairs"), tr("accuracy (%)"), tr("AUC"),
                      tr("EER (%)")};
  for (double far : kFarTargets) headers << tr("TAR@FAR=%1 (%)").arg(farLabel(far));
  table_->setColumnCount(kColumnCount);
  table_->setHorizontalHeaderLabels(headers);
  table_->horizontalHeaderItem(kAccuracy)->setToolTip(tr("k-fold verification accuracy: mean ± std over the folds"));
  table_->horizontalHeaderItem(kEer)->setToolTip(tr("Equal error rate: where false accepts and false rejects are "
                                                    "equally frequent"));
  for (int c = kFirstTar; c < kColumnCount; ++c)
    table_->horizontalHeaderItem(c)->setToolTip(tr("True accept rate at a false accept rate of %1")
                                                    .arg(farLabel(kFarTargets[c - kFirstTar])));
  setUpResultTable(table_);
  notes_->setContentsMargins(4, 0, 4, 4);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  rebuild();
}

void EvaluationTable::setEvaluations(const std::vector<train::Evaluation>& evaluations) {
  keepNewestPerSet(evaluations_, evaluations);
  rebuild();
}

void EvaluationTable::clear() {
  evaluations_.clear();
  rebuild();
}

void EvaluationTable::rebuild() {
  table_->setSortingEnabled(false);  // filling a sorting table moves rows under our feet
  table_->setRowCount(0);
  QStringList notes;
  for (const auto& evaluation : evaluations_) {
    const QString set = QString::fromStdString(evaluation.set);
    for (const auto& stratum : evaluation.strata) {
      const auto& m = stratum.metrics;
      const int row = table_->rowCount();
      table_->insertRow(row);
      table_->setItem(row, kSet, new Item(set));
      table_->setItem(row, kStratum, new Item(QString::fromStdString(stratum.stratum)));
      table_->setItem(row, kStep, numberItem(static_cast<double>(evaluation.step), QString::number(evaluation.step)));
      auto* pairs = numberItem(static_cast<double>(m.pairs), QString::number(m.pairs));
      pairs->setToolTip(tr("%1 genuine, %2 impostor pairs").arg(m.genuine).arg(m.pairs - m.genuine));
      table_->setItem(row, kPairs, pairs);
      auto* accuracy = numberItem(100 * m.accuracy, tr("%1 ± %2").arg(100 * m.accuracy, 0, 'f', 2)
                                                        .arg(100 * m.accuracy_std, 0, 'f', 2));
      accuracy->setData(kSecondRole, 100 * m.accuracy_std);
      if (std::isfinite(m.threshold))
        accuracy->setToolTip(tr("mean best threshold over the folds: cosine %1").arg(m.threshold, 0, 'f', 4));
      table_->setItem(row, kAccuracy, accuracy);
      table_->setItem(row, kAuc, numberItem(m.auc, QString::number(m.auc, 'f', 4)));
      table_->setItem(row, kEer, numberItem(100 * m.eer, QString::number(100 * m.eer, 'f', 2)));
      const std::int64_t impostors = m.pairs - m.genuine;
      for (std::size_t t = 0; t < kFarTargets.size(); ++t) {
        const double far = kFarTargets[t];
        const eval::TarAtFar* found = nullptr;
        for (const auto& entry : m.tar_at_far)
          if (std::abs(entry.far_target - far) <= 1e-9 * far) found = &entry;
        const double tar = found && found->supported ? found->true_accept_rate : kNaN;
        auto* item = numberItem(100 * tar, QString::number(100 * tar, 'f', 2));
        if (!found) {
          item->setToolTip(tr("Not computed in this evaluation"));
        } else if (!found->supported) {
          item->setToolTip(tr("Unsupported: FAR %1 needs at least %2 impostor pairs (1/FAR); this stratum has %3")
                               .arg(farLabel(far)).arg(impostorsNeeded(far)).arg(impostors));
        } else if (!std::isfinite(tar)) {
          item->setToolTip(tr("No ROC: needs both genuine and impostor pairs"));
        } else {
          item->setToolTip(tr("TAR %1% at FAR %2 (accepting cosine ≥ %3)")
                               .arg(100 * tar, 0, 'f', 3).arg(found->false_accept_rate, 0, 'g', 3)
                               .arg(found->threshold, 0, 'f', 4));
        }
        table_->setItem(row, kFirstTar + static_cast<int>(t), item);
      }
    }

    QStringList parts;
    parts << tr("strata by %1").arg(QString::fromStdString(evaluation.strata_basis.empty() ? std::string("—")
                                                                                             : evaluation.strata_basis));
    parts << tr("flip test: %1").arg(QString::fromUtf8(eval::to_string(evaluation.flip_test).data()));
    if (std::isfinite(evaluation.norm_quality_spearman))
      parts << tr("Spearman ρ(norm, quality) = %1").arg(evaluation.norm_quality_spearman, 0, 'f', 3);
    if (evaluation.images_skipped > 0) {
      QString skipped = tr("%1 of %2 images unreadable").arg(evaluation.images_skipped).arg(evaluation.images);
      if (!evaluation.skipped_examples.empty())
        skipped += tr(" (e.g. %1)").arg(QString::fromStdString(evaluation.skipped_examples.front()));
      parts << skipped;
    }
    if (evaluation.pairs_dropped > 0) parts << tr("pairs dropped: %1").arg(evaluation.pairs_dropped);
    for (const auto& skipped : evaluation.skipped_strata)
      parts << tr("stratum %1 left out (pairs: %2, fewer than the folds)")
                   .arg(QString::fromStdString(skipped.stratum))
                   .arg(skipped.pairs);
    notes << QStringLiteral("<b>%1</b>: %2").arg(set.toHtmlEscaped(), parts.join(QStringLiteral("; ")).toHtmlEscaped());
  }
  notes_->setText(evaluations_.empty() ? tr("No validation results yet.") : notes.join(QStringLiteral("<br>")));
  table_->setSortingEnabled(true);  // re-sorts by the column the user chose, if any
}

DataTable EvaluationTable::shownData() const {
  DataTable data;
  data.columns << QStringLiteral("set") << QStringLiteral("stratum") << QStringLiteral("step") << QStringLiteral("pairs")
               << QStringLiteral("accuracy_percent") << QStringLiteral("accuracy_std_percent") << QStringLiteral("auc")
               << QStringLiteral("eer_percent");
  for (double far : kFarTargets) data.columns << QStringLiteral("tarAtFar_%1_percent").arg(farLabel(far));
  auto number = [](const QTableWidgetItem* item, int role) {
    const double value = item ? item->data(role).toDouble() : kNaN;
    return std::isfinite(value) ? QVariant(value) : QVariant();
  };
  for (int row = 0; row < table_->rowCount(); ++row) {
    QVariantList cells;
    cells << table_->item(row, kSet)->text() << table_->item(row, kStratum)->text()
          << QVariant::fromValue<qint64>(table_->item(row, kStep)->data(kValueRole).toLongLong())
          << QVariant::fromValue<qint64>(table_->item(row, kPairs)->data(kValueRole).toLongLong())
          << number(table_->item(row, kAccuracy), kValueRole) << number(table_->item(row, kAccuracy), kSecondRole)
          << number(table_->item(row, kAuc), kValueRole) << number(table_->item(row, kEer), kValueRole);
    for (int c = kFirstTar; c < kColumnCount; ++c) cells << number(table_->item(row, c), kValueRole);
    data.rows.push_back(cells);
  }
  return data;
}

}  // namespace marginlab::widgets
