#include "widgets/class_details.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPixmap>
#include <QScrollArea>
#include <QVBoxLayout>

#include <cmath>

namespace marginlab::widgets {

namespace {
constexpr double kDegreesPerRadian = 180.0 / 3.14159265358979323846;
const char* const kKappaFields[] = {"kappa", "psi", "margin"};
}  // namespace

ClassDetails::ClassDetails(QWidget* parent)
    : QWidget(parent),
      heading_(new QLabel(this)),
      message_(new QLabel(this)),
      fieldsBox_(new QWidget(this)),
      fields_(new QFormLayout(fieldsBox_)),
      imagesArea_(new QScrollArea(this)),
      imagesBox_(new QWidget),
      imagesLayout_(new QHBoxLayout(imagesBox_)),
      noImages_(new QLabel(imagesBox_)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(6, 6, 6, 6);
  QFont bold = heading_->font();
  bold.setBold(true);
  bold.setPointSizeF(bold.pointSizeF() * 1.15);
  heading_->setFont(bold);
  heading_->setObjectName(QStringLiteral("heading"));
  message_->setWordWrap(true);
  message_->setAlignment(Qt::AlignCenter);
  message_->setObjectName(QStringLiteral("message"));
  layout->addWidget(heading_);
  layout->addWidget(message_);

  fields_->setContentsMargins(0, 0, 0, 0);
  fields_->setLabelAlignment(Qt::AlignRight);
  fields_->setHorizontalSpacing(12);
  addField(QStringLiteral("n"), tr("images"));
  addField(QStringLiteral("rank"), tr("size rank"));
  addField(QStringLiteral("kappa"), tr("concentration κ"));
  addField(QStringLiteral("psi"), tr("margin weight ψ"));
  addField(QStringLiteral("margin"), tr("margin m₀·ψ"));
  addField(QStringLiteral("mean_theta"), tr("mean θ to own centre"));
  layout->addWidget(fieldsBox_);

  imagesLayout_->setContentsMargins(0, 0, 0, 0);
  imagesLayout_->setSpacing(6);
  noImages_->setText(tr("No sample images"));
  noImages_->setEnabled(false);
  imagesLayout_->addWidget(noImages_);
  imagesLayout_->addStretch(1);
  imagesArea_->setWidget(imagesBox_);
  imagesArea_->setWidgetResizable(true);
  imagesArea_->setFrameShape(QFrame::NoFrame);
  imagesArea_->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  imagesArea_->setMinimumHeight(kThumbnail + 2 * fontMetrics().height() + 24);
  layout->addWidget(imagesArea_);
  layout->addStretch(1);
  clear();
}

QLabel* ClassDetails::addField(const QString& key, const QString& label) {
  auto* value = new QLabel(fieldsBox_);
  value->setObjectName(QStringLiteral("value_") + key);
  value->setTextInteractionFlags(Qt::TextSelectableByMouse);
  fields_->addRow(label, value);
  return value;
}

void ClassDetails::setKappaRowsVisible(bool visible) {
  for (const char* key : kKappaFields) {
    auto* value = fieldsBox_->findChild<QLabel*>(QStringLiteral("value_") + QLatin1String(key));
    fields_->setRowVisible(value, visible);
  }
}

QString ClassDetails::fieldText(const QString& field) const {
  if (field == QLatin1String("class")) return classId_ >= 0 ? QString::number(classId_) : QString();
  auto* value = fieldsBox_->findChild<QLabel*>(QStringLiteral("value_") + field);
  if (!value || fieldsBox_->isHidden()) return {};
  for (const char* key : kKappaFields)
    if (field == QLatin1String(key) && !fields_->isRowVisible(value)) return {};
  return value->text();
}

QString ClassDetails::message() const { return message_->isHidden() ? QString() : message_->text(); }

void ClassDetails::clear() {
  classId_ = -1;
  heading_->setText(tr("Class details"));
  message_->setText(tr("No class selected: click a point of the κ plot or a row of the class table"));
  message_->show();
  fieldsBox_->hide();
  imagesArea_->hide();
  clearImages();
}

void ClassDetails::setClass(qint64 classId, const train::Snapshot& snapshot) {
  if (classId < 0) {
    clear();
    return;
  }
  if (classId != classId_) clearImages();
  classId_ = classId;
  heading_->setText(tr("Class %1").arg(classId));
  const auto& counts = !snapshot.class_count.empty() ? snapshot.class_count : snapshot.kappa.count;
  const auto classes = static_cast<qint64>(counts.size());
  if (classId >= classes) {
    message_->setText(classes == 0 ? tr("No class sizes yet: waiting for the first snapshot")
                                   : tr("Class %1 is not in this run (classes 0 to %2)").arg(classId).arg(classes - 1));
    message_->show();
    fieldsBox_->hide();
    imagesArea_->hide();
    return;
  }
  message_->hide();
  fieldsBox_->show();
  imagesArea_->show();
  auto set = [this](const char* key, const QString& text) {
    fieldsBox_->findChild<QLabel*>(QStringLiteral("value_") + QLatin1String(key))->setText(text);
  };
  const std::int64_t n = counts[classId];
  qint64 larger = 0, tied = 0;
  for (std::int64_t other : counts) {
    larger += other > n;
    tied += other == n;
  }
  set("n", QString::number(n));
  QString rank = tr("%1 of %2 (1 = largest)").arg(larger + 1).arg(classes);
  if (tied > 1) rank += tr(" · %1 classes have this size").arg(tied);
  set("rank", rank);

  const auto& k = snapshot.kappa;
  const bool hasKappa = classId < static_cast<qint64>(k.kappa.size());
  setKappaRowsVisible(hasKappa);
  if (hasKappa) {
    auto at = [classId](const std::vector<double>& v) {
      return classId < static_cast<qint64>(v.size()) ? v[classId] : std::nan("");
    };
    const double kappa = at(k.kappa), psi = at(k.psi), margin = at(k.margin);
    set("kappa", std::isfinite(kappa) ? (n < 2 ? tr("%1 (one image: not estimable)").arg(kappa, 0, 'g', 4)
                                               : QString::number(kappa, 'f', 1))
                                      : tr("unknown"));
    set("psi", std::isfinite(psi) ? QString::number(psi, 'f', 3) : tr("unknown"));
    set("margin", std::isfinite(margin)
                      ? tr("%1 rad (%2°)").arg(margin, 0, 'f', 3).arg(margin * kDegreesPerRadian, 0, 'f', 1)
                      : tr("unknown"));
  }
  const bool seen = classId < static_cast<qint64>(snapshot.class_mean_theta.size()) &&
                    std::isfinite(snapshot.class_mean_theta[classId]);
  set("mean_theta", seen ? tr("%1°").arg(snapshot.class_mean_theta[classId] * kDegreesPerRadian, 0, 'f', 1)
                         : tr("not among the recent samples"));
}

void ClassDetails::clearImages() {
  while (imagesLayout_->count() > 0) {
    QLayoutItem* item = imagesLayout_->takeAt(0);
    if (item->widget() && item->widget() != noImages_) delete item->widget();
    delete item;
  }
  imagesLayout_->addWidget(noImages_);
  imagesLayout_->addStretch(1);
  noImages_->show();
  imageCount_ = 0;
}

void ClassDetails::setSampleImages(const QList<QImage>& images, const QStringList& captions) {
  clearImages();
  const int count = std::min<int>(images.size(), kMaxImages);
  if (count == 0) return;
  imagesLayout_->removeWidget(noImages_);
  noImages_->hide();
  // Drop the trailing stretch, add the tiles, put the stretch back.
  delete imagesLayout_->takeAt(imagesLayout_->count() - 1);
  for (int i = 0; i < count; ++i) {
    auto* tile = new QWidget(imagesBox_);
    auto* column = new QVBoxLayout(tile);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(2);
    auto* picture = new QLabel(tile);
    picture->setObjectName(QStringLiteral("sample_image"));
    picture->setFixedSize(kThumbnail, kThumbnail);
    picture->setAlignment(Qt::AlignCenter);
    if (!images[i].isNull())
      picture->setPixmap(QPixmap::fromImage(
          images[i].scaled(kThumbnail, kThumbnail, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
    else
      picture->setText(tr("unreadable"));
    const QString caption = i < captions.size() ? captions[i] : QString();
    auto* text = new QLabel(tile);
    text->setObjectName(QStringLiteral("sample_caption"));
    text->setFixedWidth(kThumbnail);
    text->setAlignment(Qt::AlignHCenter | Qt::AlignTop);
    text->setText(text->fontMetrics().elidedText(caption, Qt::ElideRight, kThumbnail));
    text->setToolTip(caption);
    column->addWidget(picture);
    column->addWidget(text);
    column->addStretch(1);
    imagesLayout_->addWidget(tile);
  }
  imagesLayout_->addStretch(1);
  imageCount_ = count;
}

}  // namespace marginlab::widgets
