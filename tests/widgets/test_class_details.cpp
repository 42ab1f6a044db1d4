#include <QLabel>
#include <QPainter>
#include <QtTest>

#include <cmath>

#include "tests/widgets/class_snapshot_fixture.h"
#include "widgets/class_details.h"

using namespace marginlab;
using namespace marginlab::widgets;

namespace {

// A face-ish test image: a coloured disc with the index written in it.
QImage sampleImage(int index) {
  QImage image(112, 112, QImage::Format_RGB32);
  image.fill(QColor(60 + 20 * index, 90, 140));
  QPainter painter(&image);
  painter.setBrush(QColor(230, 190, 160));
  painter.drawEllipse(QPoint(56, 60), 34, 42);
  painter.drawText(image.rect(), Qt::AlignCenter, QString::number(index));
  return image;
}

}  // namespace

class TestClassDetails : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void startsWithNoClass() {
    ClassDetails details;
    QCOMPARE(details.classId(), -1);
    QVERIFY(details.message().contains(QStringLiteral("No class selected")));
    QCOMPARE(details.fieldText(QStringLiteral("n")), QString());
  }

  void showsTheClassNumbersAndSizeRank() {
    const train::Snapshot s = testing::makeClassSnapshot();
    // A class that was among the recent samples, and the number of classes strictly larger than it.
    qint64 id = 0;
    while (std::isnan(s.class_mean_theta[id])) ++id;
    qint64 larger = 0;
    for (auto n : s.class_count) larger += n > s.class_count[id];
    ClassDetails details;
    details.setClass(id, s);
    QCOMPARE(details.message(), QString());
    QCOMPARE(details.fieldText(QStringLiteral("class")), QString::number(id));
    QCOMPARE(details.fieldText(QStringLiteral("n")), QString::number(s.class_count[id]));
    QVERIFY(details.fieldText(QStringLiteral("rank")).startsWith(QStringLiteral("%1 of 500").arg(larger + 1)));
    QCOMPARE(details.fieldText(QStringLiteral("kappa")), QString::number(s.kappa.kappa[id], 'f', 1));
    QCOMPARE(details.fieldText(QStringLiteral("psi")), QString::number(s.kappa.psi[id], 'f', 3));
    QCOMPARE(details.fieldText(QStringLiteral("margin")),
             QStringLiteral("%1 rad (%2°)")
                 .arg(s.kappa.margin[id], 0, 'f', 3)
                 .arg(s.kappa.margin[id] * 180.0 / M_PI, 0, 'f', 1));
    QCOMPARE(details.fieldText(QStringLiteral("mean_theta")),
             QStringLiteral("%1°").arg(s.class_mean_theta[id] * 180.0 / M_PI, 0, 'f', 1));

    // The largest class ranks first.
    const auto biggest = std::max_element(s.class_count.begin(), s.class_count.end()) - s.class_count.begin();
    details.setClass(biggest, s);
    QVERIFY(details.fieldText(QStringLiteral("rank")).startsWith(QStringLiteral("1 of 500")));
  }

  void otherHeadsHaveNoKappaRows() {
    testing::ClassSnapshotOptions arc;
    arc.head_kind = "arcface";
    const train::Snapshot s = testing::makeClassSnapshot(arc);
    ClassDetails details;
    details.setClass(5, s);
    QCOMPARE(details.fieldText(QStringLiteral("n")), QString::number(s.class_count[5]));
    QCOMPARE(details.fieldText(QStringLiteral("kappa")), QString());
    QCOMPARE(details.fieldText(QStringLiteral("margin")), QString());
    // Back to KappaFace: the rows return.
    details.setClass(5, testing::makeClassSnapshot());
    QVERIFY(!details.fieldText(QStringLiteral("kappa")).isEmpty());
  }

  void unknownClassesSaySo() {
    ClassDetails details;
    details.setClass(900, testing::makeClassSnapshot());
    QVERIFY(details.message().contains(QStringLiteral("not in this run")));
    QCOMPARE(details.fieldText(QStringLiteral("n")), QString());
    details.setClass(-1, testing::makeClassSnapshot());
    QCOMPARE(details.classId(), -1);
  }

  void sampleImagesBelongToTheirClass() {
    const train::Snapshot s = testing::makeClassSnapshot();
    ClassDetails details;
    details.resize(560, 330);
    details.setClass(12, s);
    QList<QImage> images;
    for (int i = 0; i < 5; ++i) images << sampleImage(i);
    details.setSampleImages(images, {QStringLiteral("q=0.81 · flip"), QStringLiteral("q=0.42"),
                                     QStringLiteral("q=0.13 · blur, crop, jpeg 30"), QStringLiteral("q=0.66")});
    QCOMPARE(details.sampleImageCount(), 5);
    QCOMPARE(details.findChildren<QLabel*>(QStringLiteral("sample_image")).size(), 5);
    const auto captions = details.findChildren<QLabel*>(QStringLiteral("sample_caption"));
    QCOMPARE(captions.size(), 5);
    QCOMPARE(captions[1]->text(), QStringLiteral("q=0.42"));
    QCOMPARE(captions[4]->text(), QString());  // no caption given
    QCOMPARE(captions[2]->toolTip(), QStringLiteral("q=0.13 · blur, crop, jpeg 30"));
    details.show();
    QVERIFY(QTest::qWaitForWindowExposed(&details));
    testing::saveLook(details, QStringLiteral("class_details"));

    details.setClass(12, s);  // a newer snapshot of the same class keeps the images
    QCOMPARE(details.sampleImageCount(), 5);
    details.setClass(13, s);  // another class drops them
    QCOMPARE(details.sampleImageCount(), 0);
    QCOMPARE(details.findChildren<QLabel*>(QStringLiteral("sample_image")).size(), 0);

    QList<QImage> many;
    for (int i = 0; i < 50; ++i) many << sampleImage(i % 8);
    details.setSampleImages(many, {});
    QCOMPARE(details.sampleImageCount(), ClassDetails::kMaxImages);
    details.clear();
    QCOMPARE(details.sampleImageCount(), 0);
  }
};

QTEST_MAIN(TestClassDetails)
#include "test_class_details.moc"
