// The study view's table and plots on a made-up two-key study (2 × 2 settings, two seeds, one run stopped early):
// the table's cells and its CSV, the curves' mean and min–max band over seeds, the metric against a key with its
// interval, the heatmap's cells, the parallel coordinates' lines, and every plot's figure export.
#include <qcustomplot.h>

#include <QComboBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include "widgets/parallel_coordinates_plot.h"
#include "widgets/plot_export.h"
#include "widgets/plot_style.h"
#include "widgets/study_curves_plot.h"
#include "widgets/study_heatmap_plot.h"
#include "widgets/study_key_plot.h"
#include "widgets/study_runs_table.h"

using namespace marginlab;
using nlohmann::json;

namespace {

study::StudyConfig config() {
  const auto document = json::parse(R"({"name": "two-keys", "base": {},
    "axes": [{"key": "head.params.m", "values": [0.3, 0.5]},
             {"key": "head.kind", "values": ["arcface", "cosface"], "labels": ["ArcFace", "CosFace"]}],
    "seeds": [1, 2], "metric": {"set": "synthface", "stratum": "low-low", "measure": "accuracy"}})");
  return study::study_from_json(document, "test", [](const json& base) { return study::ResolvedBase{base, "test"}; });
}

eval::SetEvaluation evaluation(double low_low, double rho) {
  eval::SetEvaluation e;
  e.set = "synthface";
  e.strata.resize(2);
  e.strata[0].stratum = "all";
  e.strata[0].metrics.accuracy = low_low + 0.1;
  e.strata[1].stratum = "low-low";
  e.strata[1].metrics.accuracy = low_low;
  e.norm_quality_spearman = rho;
  return e;
}

// Setting s (m = 0.3|0.5 × ArcFace|CosFace), seeds 1 and 2: final low-low accuracy 0.6 + 0.1·s ± 0.02, evaluated at
// steps 10 and 20; run r08 (setting 3, seed 2) stopped early at step 10.
study::StudyResults results() {
  study::StudyResults r;
  const std::vector<std::vector<json>> values{{0.3, "arcface"}, {0.3, "cosface"}, {0.5, "arcface"}, {0.5, "cosface"}};
  for (int s = 0; s < 4; ++s) {
    study::SettingSummary summary;
    summary.setting = s;
    summary.values = values[static_cast<std::size_t>(s)];
    summary.label = "setting " + std::to_string(s);
    r.settings.push_back(summary);
    for (int seed = 1; seed <= 2; ++seed) {
      study::RunResult run;
      run.id = "r0" + std::to_string(2 * s + seed);
      run.setting = s;
      run.seed = static_cast<std::uint64_t>(seed);
      const double final_value = 0.6 + 0.1 * s + (seed == 1 ? -0.02 : 0.02);
      const bool stopped = run.id == "r08";
      run.outcome = stopped ? study::RunOutcome::stopped : study::RunOutcome::finished;
      run.message = stopped ? "stopped at step 10: worse than the median" : "";
      run.step = stopped ? 12 : 20;
      run.total_steps = 20;
      run.metric_by_step = {{10, final_value - 0.1}};
      if (!stopped) run.metric_by_step[20] = final_value;
      run.metric = run.metric_by_step.rbegin()->second;
      run.metric_step = run.metric_by_step.rbegin()->first;
      run.last_by_set["synthface"] = evaluation(run.metric, 0.3 + 0.01 * s);
      run.loss_steps = {1, 2, 3};
      run.loss = {3.0 - seed, 2.0 - seed, 1.0};
      r.runs.push_back(run);
    }
  }
  return r;
}

// The data row whose first cells are `first` and `second`.
const QVariantList* row(const widgets::DataTable& table, const QVariant& first, const QVariant& second) {
  for (const auto& r : table.rows) {
    if (r.value(0) == first && r.value(1) == second) return &r;
  }
  return nullptr;
}

}  // namespace

class TestStudyPlots : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void runsTableShowsTheVariedKeysOutcomesAndEveryStratum() {
    widgets::StudyRunsTable table;
    table.setStudy(config(), results());
    const auto data = table.shownData();
    QCOMPARE(data.columns, (QStringList{"run", "head.params.m", "head.kind", "seed", "outcome", "step",
                                        "accuracy on synthface low-low", "synthface all accuracy",
                                        "synthface low-low accuracy", "synthface ρ"}));
    QCOMPARE(data.rows.size(), std::size_t{8});
    const auto& r08 = data.rows[7];
    QCOMPARE(r08[0].toString(), QStringLiteral("r08"));
    QCOMPARE(r08[1].toDouble(), 0.5);
    QCOMPARE(r08[2].toString(), QStringLiteral("CosFace"));
    QCOMPARE(r08[4].toString(), QStringLiteral("stopped early"));
    QVERIFY(table.table()->item(7, 4)->toolTip().contains(QStringLiteral("median")));
    QCOMPARE(r08[5].toDouble(), 12.0);
    QVERIFY(std::abs(r08[6].toDouble() - (0.92 - 0.1)) < 1e-12);  // its value at step 10
    QVERIFY(std::abs(r08[7].toDouble() - (0.92 - 0.1 + 0.1)) < 1e-12);
    QVERIFY(std::abs(r08[9].toDouble() - 0.33) < 1e-12);
    // Sorting by the metric puts the best run first.
    table.table()->sortItems(6, Qt::DescendingOrder);
    QCOMPARE(table.table()->item(0, 0)->text(), QStringLiteral("r07"));
  }

  void curvesTellManySettingsApartAndKeepTheirLegendOffThePlot() {
    // Ten settings (the KappaFace study has ten): past the palette's eight colours the lines turn dashed, and the
    // legend sits below the axes in as many columns as fit.
    auto many = results();
    for (int s = 4; s < 10; ++s) {
      auto summary = many.settings.front();
      summary.setting = s;
      summary.label = s == 9 ? "ArcFace, data.synthface.imbalance_ratio=40" : "setting " + std::to_string(s);
      many.settings.push_back(summary);
      auto run = many.runs.front();
      run.id = "r" + std::to_string(100 + s);
      run.setting = s;
      many.runs.push_back(run);
    }
    widgets::StudyCurvesPlot plot;
    QCustomPlot* custom = plot.plot();
    custom->resize(1400, 600);  // the plot itself: a hidden widget's layout does not pass a resize down
    plot.setStudy(config(), many);
    plot.redrawNow();
    std::vector<QPen> means;
    for (int g = 0; g < custom->graphCount(); ++g) {
      if (custom->legend->hasItemWithPlottable(custom->graph(g))) means.push_back(custom->graph(g)->pen());
    }
    QCOMPARE(means.size(), std::size_t{10});
    for (std::size_t i = 0; i < 8; ++i) {
      QCOMPARE(means[i].style(), Qt::SolidLine);
      for (std::size_t j = 0; j < i; ++j) QVERIFY(means[i].color() != means[j].color());
    }
    QCOMPARE(means[8].color(), means[0].color());
    QCOMPARE(means[8].style(), Qt::DashLine);
    QCOMPARE(means[9].style(), Qt::DashLine);
    QCOMPARE(custom->legend->layout(), custom->plotLayout()->elementAt(custom->plotLayout()->elementCount() - 1));
    QVERIFY(custom->axisRect()->insetLayout()->elementCount() == 0);
    // Run counts where settings differ in them; keys without their dotted path (the data keeps the full label).
    const auto entry = [&](int i) {
      return qobject_cast<QCPPlottableLegendItem*>(custom->legend->item(i))->plottable()->name();
    };
    QCOMPARE(entry(0), QStringLiteral("setting 0 (n = 2)"));
    QCOMPARE(entry(9), QStringLiteral("ArcFace, imbalance_ratio=40 (n = 1)"));
    QVERIFY(row(plot.shownData(), QStringLiteral("ArcFace, data.synthface.imbalance_ratio=40"), 10.0));
    const int wideRows = custom->legend->wrap();
    QVERIFY2(wideRows > 1 && wideRows < 10, qPrintable(QString::number(wideRows)));
    custom->resize(320, 600);
    plot.redrawNow();
    QCOMPARE(custom->legend->wrap(), 10);  // one column where the plot is narrow
    plot.layoutForWidth(1400);             // as the figure export does for a figure of that width
    QCOMPARE(custom->legend->wrap(), wideRows);
  }

  void longCategoryLabelsBreakInTwo() {
    // Five heads on a report figure's axis: the long ones in two lines, the short ones and few categories as they are.
    QCOMPARE(widgets::categoryTickLabel(QStringLiteral("KappaFace γ=0.7 T=0.4"), 5),
             QStringLiteral("KappaFace\nγ=0.7 T=0.4"));
    QCOMPARE(widgets::categoryTickLabel(QStringLiteral("KappaFace γ=0.7 T=0.4"), 3),
             QStringLiteral("KappaFace γ=0.7 T=0.4"));
    QCOMPARE(widgets::categoryTickLabel(QStringLiteral("ArcFace"), 5), QStringLiteral("ArcFace"));
    QCOMPARE(widgets::categoryTickLabel(QStringLiteral("data.synthface.imbalance_ratio"), 5),
             QStringLiteral("data.synthface.imbalance_ratio"));
  }

  void curvesAverageTheSeedsWithTheirSpread() {
    widgets::StudyCurvesPlot plot;
    plot.setStudy(config(), results());
    plot.redrawNow();
    QVERIFY(plot.emptyText().isEmpty());
    const auto data = plot.shownData();
    const auto* at20 = row(data, QStringLiteral("setting 0"), 20.0);
    QVERIFY(at20);
    QVERIFY(std::abs((*at20)[2].toDouble() - 0.6) < 1e-12);   // mean
    QVERIFY(std::abs((*at20)[3].toDouble() - 0.58) < 1e-12);  // low
    QVERIFY(std::abs((*at20)[4].toDouble() - 0.62) < 1e-12);  // high
    // The stopped run has no value at step 20: the setting's point there is its other seed's.
    const auto* stopped = row(data, QStringLiteral("setting 3"), 20.0);
    QVERIFY(stopped);
    QVERIFY(std::abs((*stopped)[2].toDouble() - 0.88) < 1e-12);
    // 4 settings: a faint line per run, a band (two graphs) and a mean each.
    QCOMPARE(plot.plot()->graphCount(), 8 + 4 * 3);
    plot.setSeries(widgets::StudyCurvesPlot::Series::loss);
    plot.redrawNow();
    const auto* loss = row(plot.shownData(), QStringLiteral("setting 1"), 1.0);
    QVERIFY(loss);
    QCOMPARE((*loss)[2].toDouble(), 1.5);  // (2 + 1) / 2
    QCOMPARE(plot.findChild<QComboBox*>(QStringLiteral("series"))->currentIndex(), 1);
  }

  void metricAgainstAKeyPoolsTheOtherKeys() {
    widgets::StudyKeyPlot plot;
    plot.setStudy(config(), results());
    plot.redrawNow();
    auto data = plot.shownData();
    // m = 0.3: settings 0 and 1, four finished runs: 0.58, 0.62, 0.68, 0.72.
    const auto* mean = row(data, QStringLiteral("0.3"), QString());
    QVERIFY(mean);
    QVERIFY(std::abs((*mean)[3].toDouble() - 0.65) < 1e-12);
    QCOMPARE((*mean)[5].toInt(), 4);
    const double sd = std::sqrt((0.07 * 0.07 * 2 + 0.03 * 0.03 * 2) / 3);
    QVERIFY(std::abs((*mean)[4].toDouble() - 3.182 * sd / 2) < 1e-9);
    // m = 0.5: the stopped run is left out.
    QCOMPARE((*row(data, QStringLiteral("0.5"), QString()))[5].toInt(), 3);
    // The other key is named by its labels, as categories.
    plot.setAxis(1);
    plot.redrawNow();
    data = plot.shownData();
    QVERIFY(row(data, QStringLiteral("CosFace"), QStringLiteral("r04")));
    QVERIFY(plot.title().contains(QStringLiteral("head.kind")));
  }

  void heatmapCellsAreTheMeansOfTheirRuns() {
    widgets::StudyHeatmapPlot plot;
    plot.setStudy(config(), results());
    plot.redrawNow();
    QVERIFY(plot.emptyText().isEmpty());
    const auto data = plot.shownData();
    QCOMPARE(data.rows.size(), std::size_t{4});
    const auto* cell = row(data, QStringLiteral("0.5"), QStringLiteral("CosFace"));
    QVERIFY(cell);
    QVERIFY(std::abs((*cell)[2].toDouble() - 0.88) < 1e-12);  // one finished run
    QCOMPARE((*cell)[3].toInt(), 1);
    QCOMPARE(plot.plot()->plottableCount(), 1);
    // Picking the other box's key swaps the two.
    plot.setAxes(1, 1);
    QCOMPARE(plot.shownData().rows.front()[0].toString(), QStringLiteral("ArcFace"));
  }

  void heatmapNeedsTwoKeys() {
    auto one = config();
    one.axes.pop_back();
    auto r = results();
    for (auto& s : r.settings) s.values.pop_back();
    widgets::StudyHeatmapPlot plot;
    plot.setStudy(one, r);
    plot.redrawNow();
    QVERIFY(plot.emptyText().contains(QStringLiteral("two")));
  }

  void parallelCoordinatesDrawEachFinishedRun() {
    widgets::ParallelCoordinatesPlot plot;
    plot.setStudy(config(), results());
    plot.redrawNow();
    const auto data = plot.shownData();
    QCOMPARE(data.columns, (QStringList{"run", "head.params.m", "head.kind", "accuracy on synthface low-low"}));
    QCOMPARE(data.rows.size(), std::size_t{7});
    QCOMPARE(plot.plot()->plottableCount(), 7);
  }

  void everyPlotExports() {
    QTemporaryDir dir;
    widgets::StudyCurvesPlot curves;
    widgets::StudyKeyPlot key;
    widgets::StudyHeatmapPlot heatmap;
    widgets::ParallelCoordinatesPlot parallel;
    curves.setStudy(config(), results());
    key.setStudy(config(), results());
    heatmap.setStudy(config(), results());
    parallel.setStudy(config(), results());
    QString error;
    const auto written = widgets::exportPlotsInto({&curves, &key, &heatmap, &parallel}, {}, dir.path(),
                                                  QStringLiteral("svg"), widgets::FigureSize{}, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(written.size(), 8);
    for (const auto& file : written) {
      // A drawn figure is kilobytes of SVG; a CSV holds its header and rows.
      QVERIFY2(QFileInfo(file).size() > (file.endsWith(QStringLiteral(".svg")) ? 2000 : 40), qPrintable(file));
    }
  }

  void emptyStudySaysSo() {
    auto nothing = results();
    for (auto& run : nothing.runs) {
      run = study::RunResult{run.id, run.setting, run.seed};
    }
    widgets::StudyCurvesPlot curves;
    curves.setStudy(config(), nothing);
    curves.redrawNow();
    QVERIFY(!curves.emptyText().isEmpty());
    widgets::StudyKeyPlot key;
    key.setStudy(config(), nothing);
    key.redrawNow();
    QVERIFY(key.emptyText().contains(QStringLiteral("No finished run")));
  }
};

QTEST_MAIN(TestStudyPlots)
#include "test_study_plots.moc"
