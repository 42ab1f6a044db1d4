#include "app/data_preview.h"

#include <QCoreApplication>
#include <QPointer>
#include <QThreadPool>

#include <algorithm>
#include <cmath>
#include <exception>
#include <random>

#include "engine/data/augment.h"
#include "engine/data/sample_source.h"
#include "engine/train/data_setup.h"

namespace marginlab::app {
namespace {

QImage toImage(const data::ImageSample& sample, data::ColorOrder order) {
  QImage image(sample.pixels.data(), sample.width, sample.height, sample.width * 3, QImage::Format_RGB888);
  QImage copy = image.copy();  // detaches from the sample's buffer
  return order == data::ColorOrder::bgr ? copy.rgbSwapped() : copy;
}

QString qualityText(float quality) {
  return std::isnan(quality) ? QString() : QObject::tr("q %1").arg(static_cast<double>(quality), 0, 'f', 2);
}

// The first `count` images of a class, found by scanning labels (cheap: no decoding).
std::vector<std::int64_t> indicesOfClass(const data::SampleSource& source, std::int64_t classId, int count) {
  std::vector<std::int64_t> indices;
  for (std::int64_t i = 0; i < source.size() && static_cast<int>(indices.size()) < count; ++i) {
    if (source.label(i) == classId) indices.push_back(i);
  }
  return indices;
}

// Classes spread over the size range: the largest, the smallest and evenly between, so the long tail shows.
std::vector<std::int64_t> spreadClasses(const std::vector<std::int64_t>& counts, int wanted) {
  std::vector<std::int64_t> order(counts.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::int64_t>(i);
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return counts[a] > counts[b]; });
  std::vector<std::int64_t> picked;
  const int n = std::min<int>(wanted, static_cast<int>(order.size()));
  for (int k = 0; k < n; ++k) {
    const auto position = n == 1 ? 0 : static_cast<std::size_t>(std::llround(k * (order.size() - 1.0) / (n - 1)));
    picked.push_back(order[position]);
  }
  return picked;
}

}  // namespace

DataPreview::DataPreview(QObject* parent) : QObject(parent) {}

void DataPreview::preview(const train::Experiment& experiment, int classes, int perClass) {
  const quint64 generation = ++generation_;
  QPointer<DataPreview> self(this);
  QThreadPool::globalInstance()->start([self, experiment, classes, perClass, generation] {
    QList<widgets::SampleTile> tiles;
    QString description;
    std::vector<qint64> classCounts;
    std::shared_ptr<const data::SampleSource> source;
    QString error;
    try {
      source = train::open_training_data(experiment.data, experiment.name).train;
      description = QString::fromStdString(source->describe());
      const auto counts = source->class_counts();
      classCounts.assign(counts.begin(), counts.end());
      const auto order = source->color_order();
      const std::vector<std::pair<QString, data::AugmentConfig>> augmentations{
          {QObject::tr("flip"), {1, 0, 0, 0}},
          {QObject::tr("crop"), {0, 1, 0, 0}},
          {QObject::tr("low resolution"), {0, 0, 1, 0}},
          {QObject::tr("photometric"), {0, 0, 0, 1}}};
      const double used[] = {experiment.data.flip, experiment.data.crop, experiment.data.low_resolution,
                             experiment.data.photometric};
      std::mt19937_64 rng(experiment.train.seed);
      for (const auto classId : spreadClasses(counts, classes)) {
        const auto indices = indicesOfClass(*source, classId, perClass);
        for (const auto index : indices) {
          const auto sample = source->load(index);
          const QString caption = QObject::tr("#%1 %2").arg(classId).arg(qualityText(sample.quality));
          tiles.push_back({toImage(sample, order), caption,
                           QObject::tr("class %1 (%2 images), image %3").arg(classId).arg(counts[classId]).arg(index)});
        }
        if (indices.empty()) continue;
        for (std::size_t a = 0; a < augmentations.size(); ++a) {
          if (used[a] <= 0) continue;
          auto sample = source->load(indices.front());
          data::augment(sample, augmentations[a].second, rng, order);
          tiles.push_back({toImage(sample, order), QObject::tr("#%1 %2").arg(classId).arg(augmentations[a].first),
                           QObject::tr("%1 (the experiment applies it with probability %2)")
                               .arg(augmentations[a].first)
                               .arg(used[a])});
        }
      }
    } catch (const std::exception& e) {
      error = QString::fromUtf8(e.what());
    }
    QMetaObject::invokeMethod(qApp, [self, generation, tiles, description, classCounts, source, error] {
      if (!self || generation != self->generation_) return;
      if (!error.isEmpty()) {
        Q_EMIT self->failed(error);
        return;
      }
      self->source_ = source;
      Q_EMIT self->tilesReady(tiles, description, classCounts);
    });
  });
}

void DataPreview::classSamples(qint64 classId, int count) {
  if (!source_) return;
  QPointer<DataPreview> self(this);
  auto source = source_;
  QThreadPool::globalInstance()->start([self, source, classId, count] {
    QList<QImage> images;
    QStringList captions;
    QString error;
    try {
      for (const auto index : indicesOfClass(*source, classId, count)) {
        const auto sample = source->load(index);
        images << toImage(sample, source->color_order());
        captions << qualityText(sample.quality);
      }
    } catch (const std::exception& e) {
      error = QString::fromUtf8(e.what());
    }
    QMetaObject::invokeMethod(qApp, [self, classId, images, captions, error] {
      if (!self) return;
      if (!error.isEmpty()) {
        Q_EMIT self->failed(error);
        return;
      }
      Q_EMIT self->classSamplesReady(classId, images, captions);
    });
  });
}

}  // namespace marginlab::app
