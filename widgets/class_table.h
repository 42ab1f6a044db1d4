#pragma once
// Every class of the run in one sortable table: id, size, and for KappaFace the per-class statistics (κ, mean
// resultant length r, ψ, margin in rad and degrees), plus the mean angle to the own centre over the sample window.
// Sorting is numeric and done on the raw vectors (a permutation, not a proxy model), and the selection follows its
// class through re-sorts and updates. Memory: one row per class of the latest snapshot (85,000 for MS1MV2: a few
// MB of plain vectors, no per-cell items); nothing is kept across snapshots.
#include <QStringList>
#include <QWidget>

#include <memory>

#include "core/telemetry/telemetry.h"
#include "widgets/plot_widget.h"

class QAbstractItemModel;
class QLabel;
class QTableView;

namespace marginlab::widgets {

class ClassTableModel;

class ClassTable : public QWidget {
  Q_OBJECT
 public:
  explicit ClassTable(QWidget* parent = nullptr);
  ~ClassTable() override;

  // Takes the snapshot's per-class vectors. A hidden table only stores them and sorts when it is shown (or on
  // updateNow()), so a tab nobody looks at costs a copy per snapshot.
  void setSnapshot(const train::Snapshot& snapshot);
  void clear();
  // Applies a stored snapshot now (tests, export).
  void updateNow();

  // Selects the class's row and scrolls to it; emits classSelected when the selected class changes. −1 or an
  // unknown class clears the selection.
  void selectClass(qint64 classId);
  qint64 selectedClass() const { return selected_; }
  // The class shown in a row of the current order, or −1.
  qint64 classAtRow(int row) const;
  int rowOfClass(qint64 classId) const;
  int classCount() const;
  // Whether the KappaFace columns are there.
  bool hasKappa() const;

  // Every row in the current sort order, raw numbers (blank where the value is unknown).
  DataTable shownData() const;

  QTableView* view() const { return view_; }
  QAbstractItemModel* model() const;
  // Raw numeric value of a cell (qint64 or double; invalid when unknown) under this role; Qt::DisplayRole is text.
  static constexpr int kValueRole = Qt::UserRole + 1;

 Q_SIGNALS:
  void classSelected(qint64 classId);

 protected:
  void showEvent(QShowEvent* event) override;

 private:
  void apply(std::unique_ptr<train::Snapshot> snapshot);
  void restoreSelection();
  void onSelectionChanged();

  QLabel* caption_;
  QTableView* view_;
  ClassTableModel* model_;
  std::unique_ptr<train::Snapshot> pending_;  // only the per-class fields are filled
  qint64 selected_ = -1;
  bool restoring_ = false;
};

}  // namespace marginlab::widgets
