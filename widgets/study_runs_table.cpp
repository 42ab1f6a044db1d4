#include "widgets/study_runs_table.h"

#include <QHeaderView>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>
#include <set>

#include "core/eval/closed_set.h"
#include "widgets/result_table.h"

namespace marginlab::widgets {
namespace {

QString text(const std::string& s) { return QString::fromStdString(s); }

// The measure of `metric` on each (set, stratum) the runs were evaluated on, "all" first within a set.
std::vector<study::Metric> evaluated_columns(const study::StudyConfig& config, const study::StudyResults& results) {
  std::vector<study::Metric> columns;
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& run : results.runs) {
    for (const auto& [set, evaluation] : run.last_by_set) {
      for (const auto& s : evaluation.strata) {
        if (!seen.insert({set, s.stratum}).second) continue;
        study::Metric m = config.metric;
        m.set = set;
        m.stratum = s.stratum;
        // The closed set has only accuracies (by class size), and ρ is a set's, not a stratum's.
        if (m.measure == "norm_quality_spearman" || set == eval::kClosedSetName) m.measure = "accuracy";
        columns.push_back(m);
      }
    }
  }
  return columns;
}

}  // namespace

StudyRunsTable::StudyRunsTable(QWidget* parent) : QWidget(parent), table_(new QTableWidget(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(table_);
  table_->setObjectName(QStringLiteral("studyRuns"));
  setUpResultTable(table_);
}

void StudyRunsTable::setStudy(const study::StudyConfig& config, const study::StudyResults& results) {
  const auto strata = evaluated_columns(config, results);
  std::set<std::string> sets;
  for (const auto& run : results.runs) {
    for (const auto& entry : run.last_by_set) sets.insert(entry.first);
  }
  QStringList headers{tr("run")};
  for (const auto& axis : config.axes) headers << text(axis.key);
  headers << tr("seed") << tr("outcome") << tr("step") << text(config.metric.describe());
  for (const auto& m : strata) headers << text(m.set + " " + m.stratum + " " + (m.far() ? "TAR" : m.measure));
  for (const auto& set : sets) {
    if (set != eval::kClosedSetName) headers << tr("%1 ρ").arg(text(set));
  }

  const bool sorting = table_->isSortingEnabled();
  table_->setSortingEnabled(false);
  table_->clear();
  table_->setColumnCount(static_cast<int>(headers.size()));
  table_->setHorizontalHeaderLabels(headers);
  table_->setRowCount(static_cast<int>(results.runs.size()));
  const auto& plan_values = results.settings;
  for (int row = 0; row < static_cast<int>(results.runs.size()); ++row) {
    const auto& run = results.runs[static_cast<std::size_t>(row)];
    int column = 0;
    const auto put = [&](QTableWidgetItem* item) { table_->setItem(row, column++, item); };
    put(new QTableWidgetItem(text(run.id)));
    const auto& values = plan_values[static_cast<std::size_t>(run.setting)].values;
    for (std::size_t a = 0; a < config.axes.size(); ++a) {
      const auto& value = values[a];
      const QString label = text(config.axes[a].label_of(value));
      put(value.is_number() && config.axes[a].labels.empty() ? numberCell(value.get<double>(), label, label)
                                                             : new QTableWidgetItem(label));
    }
    put(numberCell(static_cast<double>(run.seed), QString::number(run.seed), QString()));
    auto* outcome = new QTableWidgetItem(text(study::to_string(run.outcome)));
    if (!run.message.empty()) outcome->setToolTip(text(run.message));
    put(outcome);
    put(numberCell(
        static_cast<double>(run.step),
        run.total_steps > 0 ? QStringLiteral("%1/%2").arg(run.step).arg(run.total_steps) : QString::number(run.step),
        QString()));
    put(numberCell(run.metric, QString::number(run.metric, 'f', 4), QStringLiteral("–")));
    for (const auto& m : strata) {
      const auto it = run.last_by_set.find(m.set);
      const double v = it == run.last_by_set.end() ? study::kNoValue : study::metric_value(m, it->second);
      put(numberCell(v, QString::number(v, 'f', 4), QStringLiteral("–")));
    }
    for (const auto& set : sets) {
      if (set == eval::kClosedSetName) continue;
      const auto it = run.last_by_set.find(set);
      const double rho = it == run.last_by_set.end() ? study::kNoValue : it->second.norm_quality_spearman;
      put(numberCell(rho, QString::number(rho, 'f', 3), QStringLiteral("–")));
    }
  }
  table_->setSortingEnabled(sorting);
  table_->resizeColumnsToContents();
}

DataTable StudyRunsTable::shownData() const {
  DataTable data;
  for (int c = 0; c < table_->columnCount(); ++c) data.columns << table_->horizontalHeaderItem(c)->text();
  for (int r = 0; r < table_->rowCount(); ++r) {
    QVariantList row;
    for (int c = 0; c < table_->columnCount(); ++c) {
      const auto* item = table_->item(r, c);
      const QVariant value = item ? item->data(kValueRole) : QVariant();
      row << (value.isValid() ? value : QVariant(item ? item->text() : QString()));
    }
    data.rows.push_back(row);
  }
  return data;
}

}  // namespace marginlab::widgets
