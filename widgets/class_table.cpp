#include "widgets/class_table.h"

#include <QAbstractTableModel>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace marginlab::widgets {

namespace {
constexpr double kDegreesPerRadian = 180.0 / 3.14159265358979323846;
}

// The table's model: plain per-class vectors and a row permutation. Sorting sorts the permutation by the raw
// numbers; unknown values (NaN) go last in either order, ties by class id.
class ClassTableModel : public QAbstractTableModel {
 public:
  enum class Column { id, n, kappa, r, psi, margin_rad, margin_deg, mean_theta };
  struct Data {
    std::vector<std::int64_t> count;
    std::vector<double> kappa, r, psi, margin;
    std::vector<float> mean_theta;  // radians, NaN when unseen
    bool operator==(const Data&) const = default;
  };

  explicit ClassTableModel(QObject* parent) : QAbstractTableModel(parent) { columns_ = columnsFor(false); }

  bool hasKappa() const { return hasKappa_; }

  void setTableData(Data data, bool hasKappa) {
    const auto columns = columnsFor(hasKappa);
    const std::size_t rows = data.count.size();
    if (columns != columns_ || rows != perm_.size()) {
      beginResetModel();
      columns_ = columns;
      hasKappa_ = hasKappa;
      d_ = std::move(data);
      if (sortColumn_ >= static_cast<int>(columns_.size())) sortColumn_ = 0;
      perm_.resize(rows);
      resort();
      endResetModel();
      return;
    }
    if (data == d_) return;  // KappaFace's statistics change at refreshes only: nothing to do between them
    d_ = std::move(data);
    relayout();
    if (rows > 0) Q_EMIT dataChanged(index(0, 0), index(static_cast<int>(rows) - 1, columnCount() - 1));
  }

  qint64 classAtRow(int row) const {
    return row >= 0 && row < static_cast<int>(perm_.size()) ? perm_[row] : -1;
  }
  int rowOf(qint64 cls) const {
    return cls >= 0 && cls < static_cast<qint64>(inverse_.size()) ? inverse_[cls] : -1;
  }
  Column columnAt(int section) const { return columns_[section]; }

  // The raw value of a class in a column: qint64 for ids and counts, double otherwise, invalid when unknown.
  QVariant value(std::size_t c, Column column) const {
    auto at = [c](const std::vector<double>& v) { return c < v.size() && std::isfinite(v[c]) ? QVariant(v[c]) : QVariant(); };
    switch (column) {
      case Column::id: return QVariant::fromValue<qint64>(static_cast<qint64>(c));
      case Column::n: return QVariant::fromValue<qint64>(d_.count[c]);
      case Column::kappa: return at(d_.kappa);
      case Column::r: return at(d_.r);
      case Column::psi: return at(d_.psi);
      case Column::margin_rad: return at(d_.margin);
      case Column::margin_deg: {
        const QVariant rad = at(d_.margin);
        return rad.isValid() ? QVariant(rad.toDouble() * kDegreesPerRadian) : QVariant();
      }
      case Column::mean_theta:
        return c < d_.mean_theta.size() && std::isfinite(d_.mean_theta[c])
                   ? QVariant(static_cast<double>(d_.mean_theta[c]) * kDegreesPerRadian)
                   : QVariant();
    }
    return {};
  }

  int rowCount(const QModelIndex& parent = {}) const override {
    return parent.isValid() ? 0 : static_cast<int>(perm_.size());
  }
  int columnCount(const QModelIndex& parent = {}) const override {
    return parent.isValid() ? 0 : static_cast<int>(columns_.size());
  }

  QVariant data(const QModelIndex& index, int role) const override {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const Column column = columns_[index.column()];
    const std::size_t c = perm_[index.row()];
    switch (role) {
      case ClassTable::kValueRole:
        return value(c, column);
      case Qt::DisplayRole: {
        const QVariant v = value(c, column);
        if (!v.isValid()) return QString();
        switch (column) {
          case Column::id:
          case Column::n: return QString::number(v.toLongLong());
          case Column::kappa: return QString::number(v.toDouble(), 'f', 1);
          case Column::r: return QString::number(v.toDouble(), 'f', 4);
          case Column::psi:
          case Column::margin_rad: return QString::number(v.toDouble(), 'f', 3);
          case Column::margin_deg:
          case Column::mean_theta: return QString::number(v.toDouble(), 'f', 1);
        }
        return {};
      }
      case Qt::TextAlignmentRole:
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
      default:
        return {};
    }
  }

  QVariant headerData(int section, Qt::Orientation orientation, int role) const override {
    if (orientation != Qt::Horizontal || section < 0 || section >= columnCount()) return {};
    const Column column = columns_[section];
    if (role == Qt::DisplayRole) return title(column);
    if (role == Qt::ToolTipRole) return tip(column);
    return {};
  }

  static QString title(Column column) {
    switch (column) {
      case Column::id: return ClassTable::tr("class");
      case Column::n: return ClassTable::tr("images n");
      case Column::kappa: return ClassTable::tr("κ");
      case Column::r: return ClassTable::tr("r");
      case Column::psi: return ClassTable::tr("ψ");
      case Column::margin_rad: return ClassTable::tr("margin (rad)");
      case Column::margin_deg: return ClassTable::tr("margin (°)");
      case Column::mean_theta: return ClassTable::tr("mean θ (°)");
    }
    return {};
  }
  static QString tip(Column column) {
    switch (column) {
      case Column::id: return ClassTable::tr("Class index (label) in the training set");
      case Column::n: return ClassTable::tr("Images of the class in the training set");
      case Column::kappa: return ClassTable::tr("Estimated von Mises–Fisher concentration κ of the class's features");
      case Column::r: return ClassTable::tr("Mean resultant length r of the class's unit features (κ is estimated from it)");
      case Column::psi: return ClassTable::tr("KappaFace's margin weight ψ, mixing concentration and population weights");
      case Column::margin_rad:
      case Column::margin_deg: return ClassTable::tr("Angular margin m₀·ψ the class gets");
      case Column::mean_theta:
        return ClassTable::tr("Mean angle to the own class centre over the recent sample window; blank when the class "
                              "was not among those samples");
    }
    return {};
  }

  void sort(int column, Qt::SortOrder order) override {
    if (column < 0 || column >= columnCount()) return;
    sortColumn_ = column;
    order_ = order;
    relayout();
  }

 private:
  static std::vector<Column> columnsFor(bool hasKappa) {
    if (!hasKappa) return {Column::id, Column::n, Column::mean_theta};
    return {Column::id,  Column::n,          Column::kappa,      Column::r,
            Column::psi, Column::margin_rad, Column::margin_deg, Column::mean_theta};
  }

  // Re-sorts while keeping every persistent index (selection, current row) on its class.
  void relayout() {
    Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const QModelIndexList before = persistentIndexList();
    std::vector<std::pair<qint64, int>> classes;
    classes.reserve(before.size());
    for (const QModelIndex& i : before) classes.emplace_back(classAtRow(i.row()), i.column());
    resort();
    QModelIndexList after;
    after.reserve(before.size());
    for (const auto& [cls, column] : classes) after << index(rowOf(cls), column);
    changePersistentIndexList(before, after);
    Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
  }

  void resort() {
    const std::size_t rows = d_.count.size();
    perm_.resize(rows);
    std::iota(perm_.begin(), perm_.end(), 0);
    if (!columns_.empty() && rows > 0) {
      const Column column = columns_[sortColumn_];
      std::vector<double> key(rows);
      for (std::size_t c = 0; c < rows; ++c) {
        const QVariant v = value(c, column);
        key[c] = v.isValid() ? v.toDouble() : std::nan("");
      }
      const bool ascending = order_ == Qt::AscendingOrder;
      std::stable_sort(perm_.begin(), perm_.end(), [&](std::int32_t a, std::int32_t b) {
        const double ka = key[a], kb = key[b];
        const bool na = std::isnan(ka), nb = std::isnan(kb);
        if (na || nb) return !na && nb;  // unknown last
        return ascending ? ka < kb : ka > kb;
      });
    }
    inverse_.assign(rows, 0);
    for (std::size_t row = 0; row < rows; ++row) inverse_[perm_[row]] = static_cast<std::int32_t>(row);
  }

  Data d_;
  bool hasKappa_ = false;
  std::vector<Column> columns_;
  std::vector<std::int32_t> perm_;     // row → class
  std::vector<std::int32_t> inverse_;  // class → row
  int sortColumn_ = 0;
  Qt::SortOrder order_ = Qt::AscendingOrder;
};

ClassTable::ClassTable(QWidget* parent)
    : QWidget(parent), caption_(new QLabel(this)), view_(new QTableView(this)), model_(new ClassTableModel(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(2);
  caption_->setWordWrap(true);
  caption_->setContentsMargins(4, 2, 4, 2);
  layout->addWidget(caption_);
  layout->addWidget(view_, 1);
  view_->setModel(model_);
  view_->setSelectionBehavior(QAbstractItemView::SelectRows);
  view_->setSelectionMode(QAbstractItemView::SingleSelection);
  view_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  view_->setAlternatingRowColors(true);
  view_->setWordWrap(false);
  view_->verticalHeader()->setVisible(false);
  view_->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
  view_->verticalHeader()->setDefaultSectionSize(view_->fontMetrics().height() + 6);
  view_->horizontalHeader()->setStretchLastSection(true);
  view_->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
  view_->setSortingEnabled(true);
  view_->sortByColumn(0, Qt::AscendingOrder);
  connect(view_->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ClassTable::onSelectionChanged);
  connect(model_, &QAbstractItemModel::modelReset, this, [this] {
    // Column widths from the header text and a typical number, never from scanning 85,000 rows.
    const QFontMetrics metrics = view_->fontMetrics();
    for (int section = 0; section < model_->columnCount(); ++section) {
      const int header = metrics.horizontalAdvance(model_->headerData(section, Qt::Horizontal, Qt::DisplayRole).toString());
      view_->setColumnWidth(section, std::max(header, metrics.horizontalAdvance(QStringLiteral("000000"))) + 22);
    }
  });
  clear();
}

ClassTable::~ClassTable() = default;

QAbstractItemModel* ClassTable::model() const { return model_; }

void ClassTable::setSnapshot(const train::Snapshot& snapshot) {
  auto copy = std::make_unique<train::Snapshot>();
  copy->head_kind = snapshot.head_kind;
  copy->class_count = snapshot.class_count;
  copy->class_mean_theta = snapshot.class_mean_theta;
  copy->kappa = snapshot.kappa;
  if (!isVisible()) {
    pending_ = std::move(copy);
    return;
  }
  apply(std::move(copy));
}

void ClassTable::clear() {
  pending_.reset();
  apply(std::make_unique<train::Snapshot>());
}

void ClassTable::updateNow() {
  if (pending_) apply(std::move(pending_));
}

void ClassTable::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  updateNow();
}

void ClassTable::apply(std::unique_ptr<train::Snapshot> s) {
  ClassTableModel::Data data;
  const bool hasKappa = !s->kappa.kappa.empty();
  data.count = !s->class_count.empty() ? std::move(s->class_count) : std::move(s->kappa.count);
  data.mean_theta = std::move(s->class_mean_theta);
  if (hasKappa) {
    data.kappa = std::move(s->kappa.kappa);
    data.r = std::move(s->kappa.r);
    data.psi = std::move(s->kappa.psi);
    data.margin = std::move(s->kappa.margin);
  }
  const std::size_t classes = data.count.size();
  const QString kind = QString::fromStdString(s->head_kind);
  if (s->head_kind.empty()) {
    caption_->setText(tr("Waiting for the first snapshot of the run"));
  } else if (hasKappa) {
    caption_->setText(tr("classes: %1 · KappaFace statistics of refresh %2 · click a header to sort")
                          .arg(classes)
                          .arg(s->kappa.refreshes));
  } else if (s->kappa.kept) {
    caption_->setText(tr("classes: %1 · no κ yet: KappaFace computes it at the first refresh").arg(classes));
  } else {
    caption_->setText(tr("classes: %1 · %2 has no per-class κ: sizes and mean θ only").arg(classes).arg(kind));
  }
  model_->setTableData(std::move(data), hasKappa);
  restoreSelection();
}

// After a reset the selection model forgets the row: select the class again, silently.
void ClassTable::restoreSelection() {
  const int row = model_->rowOf(selected_);
  const auto rows = view_->selectionModel()->selectedRows();
  if (row >= 0 && rows.size() == 1 && rows.first().row() == row) return;
  restoring_ = true;
  if (row >= 0) {
    view_->selectionModel()->setCurrentIndex(model_->index(row, 0),
                                             QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
  } else {
    view_->selectionModel()->clearSelection();
    selected_ = -1;
  }
  restoring_ = false;
}

void ClassTable::selectClass(qint64 classId) {
  updateNow();  // a hidden table's stored snapshot decides which rows exist
  const int row = model_->rowOf(classId);
  if (row < 0) {
    view_->selectionModel()->clearSelection();
    selected_ = -1;
    return;
  }
  const QModelIndex index = model_->index(row, 0);
  view_->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
  view_->scrollTo(index, QAbstractItemView::PositionAtCenter);
}

void ClassTable::onSelectionChanged() {
  if (restoring_) return;
  const auto rows = view_->selectionModel()->selectedRows();
  if (rows.size() != 1) return;  // cleared (a reset, or no rows): keep what was selected for the next update
  const qint64 id = model_->classAtRow(rows.first().row());
  if (id < 0 || id == selected_) return;
  selected_ = id;
  Q_EMIT classSelected(id);
}

qint64 ClassTable::classAtRow(int row) const { return model_->classAtRow(row); }
int ClassTable::rowOfClass(qint64 classId) const { return model_->rowOf(classId); }
int ClassTable::classCount() const { return model_->rowCount(); }
bool ClassTable::hasKappa() const { return model_->hasKappa(); }

DataTable ClassTable::shownData() const {
  DataTable table;
  const int columns = model_->columnCount();
  for (int section = 0; section < columns; ++section) {
    switch (model_->columnAt(section)) {
      case ClassTableModel::Column::id: table.columns << QStringLiteral("class"); break;
      case ClassTableModel::Column::n: table.columns << QStringLiteral("n (images)"); break;
      case ClassTableModel::Column::kappa: table.columns << QStringLiteral("kappa"); break;
      case ClassTableModel::Column::r: table.columns << QStringLiteral("r"); break;
      case ClassTableModel::Column::psi: table.columns << QStringLiteral("psi"); break;
      case ClassTableModel::Column::margin_rad: table.columns << QStringLiteral("margin (rad)"); break;
      case ClassTableModel::Column::margin_deg: table.columns << QStringLiteral("margin (degrees)"); break;
      case ClassTableModel::Column::mean_theta: table.columns << QStringLiteral("mean theta (degrees)"); break;
    }
  }
  const int rows = model_->rowCount();
  table.rows.reserve(rows);
  for (int row = 0; row < rows; ++row) {
    QVariantList cells;
    cells.reserve(columns);
    const std::size_t c = static_cast<std::size_t>(model_->classAtRow(row));
    for (int section = 0; section < columns; ++section) cells << model_->value(c, model_->columnAt(section));
    table.rows.push_back(std::move(cells));
  }
  return table;
}

}  // namespace marginlab::widgets
