#include "engine/train/trainer.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>

#include "core/errors.h"
#include "engine/runtime/threads.h"
#include "engine/train/checkpoint_file.h"
#include "engine/train/data_setup.h"
#include "engine/train/evaluation_sets.h"
#include "engine/train/optimizer.h"
#include "core/run/run_directory.h"
#include "engine/train/session.h"
#include "engine/train/telemetry_builder.h"

namespace marginlab::train {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Trainer::Impl {
  Experiment experiment;
  RunDirectory directory;
  std::string origin;  // for messages: the experiment file in the run directory
  TrainingData data;
  std::vector<data::VerificationSet> evaluation_sets;  // eval.sets, opened once
  std::unique_ptr<data::Loader> loader;
  std::unique_ptr<TrainingSession> session;
  LiveParameters live;
  RunControl control;
  TelemetryChannel channel;
  std::unique_ptr<RunRecorder> recorder;
  std::shared_ptr<spdlog::logger> log;

  std::int64_t batches_per_epoch = 0;
  std::int64_t total_steps = 0;
  std::int64_t start_step = 0;
  // Position: steps taken, and the next batch to take.
  std::int64_t step = 0;
  std::int64_t epoch = 0;
  std::int64_t batch_index = 0;
  bool loader_positioned = false;

  std::unique_ptr<TelemetryBuilder> telemetry_builder;

  Clock::time_point started = Clock::now();
  Clock::time_point last_step_end = Clock::now();

  Impl(Experiment e, RunDirectory dir, bool resuming)
      : experiment(std::move(e)), directory(std::move(dir)), origin(directory.experiment_file().string()) {
    log = std::make_shared<spdlog::logger>(
        "run", std::make_shared<spdlog::sinks::basic_file_sink_mt>(directory.log_file().string()));
    log->flush_on(spdlog::level::info);
    configure_threads(experiment.train.threads);
    data = open_training_data(experiment.data, origin);
    evaluation_sets = open_evaluation_sets(experiment, data);
    const auto device = resolve_device(experiment.train.device);
    loader = std::make_unique<data::Loader>(data.train, loader_config(experiment, true));
    batches_per_epoch = loader->batches_per_epoch();
    if (batches_per_epoch == 0) {
      throw InvalidParameter(fmt::format("{}: train.batch_size = {} is larger than the {} training images", origin,
                                         experiment.train.batch_size, data.train->size()));
    }
    total_steps = experiment.train.epochs * batches_per_epoch;
    if (experiment.train.max_steps > 0) total_steps = std::min(total_steps, experiment.train.max_steps);

    // The seed fixes the initial weights; a resumed run overwrites them and restores the generator state instead.
    torch::manual_seed(experiment.train.seed);
    DataShape shape{data.train->num_classes(), data.train->class_counts(), data.train->size()};
    session = std::make_unique<TrainingSession>(experiment, shape, device);
    if (resuming) load_checkpoint();
    std::vector<std::string> set_names;
    for (const auto& set : evaluation_sets) set_names.push_back(set.name);
    recorder = std::make_unique<RunRecorder>(directory, start_step, set_names);
    telemetry_builder = std::make_unique<TelemetryBuilder>(experiment, data.train->class_counts());
    log->info("{} {} on {}: {} ({} images, {} classes), {} steps of batch {} ({} per epoch)",
              resuming ? "resuming" : "starting", directory.path().string(), device.str(), data.train->describe(),
              data.train->size(), data.train->num_classes(), total_steps, experiment.train.batch_size,
              batches_per_epoch);
  }

  void emit(RunEvent event) {
    event.step = step;
    log->info("step {}: {}", step, event.text);
    recorder->record(event);
    channel.push_event(event);
  }

  void apply_live_parameters() {
    auto pending = live.take();
    if (!pending) return;
    for (const auto& update : pending->updates) {
      RunEvent event;
      event.name = update.name;
      event.value = update.value;
      event.version = pending->version;
      try {
        session->apply(update);
        event.kind = RunEvent::Kind::param_applied;
        event.text = fmt::format("{} = {:g} (version {}) applied at step {}", update.name, update.value,
                                 pending->version, step);
      } catch (const InvalidParameter& error) {
        event.kind = RunEvent::Kind::param_rejected;
        event.text = fmt::format("version {} refused: {}", pending->version, error.what());
      }
      emit(event);
    }
  }

  double learning_rate() const {
    const double epoch_progress = static_cast<double>(step) / static_cast<double>(batches_per_epoch);
    const double run_epochs = static_cast<double>(total_steps) / static_cast<double>(batches_per_epoch);
    return session->base_lr() * lr_factor(experiment.schedule, epoch_progress, run_epochs, session->base_lr());
  }

  void take_step(const data::Batch& batch) {
    const double lr = learning_rate();
    const auto outcome = session->step(batch, lr, /*with_diagnostics=*/true);
    ++step;
    ++batch_index;
    const auto now = Clock::now();
    StepRecord record;
    record.step = step;
    record.epoch = epoch;
    record.wall_seconds = std::chrono::duration<double>(now - started).count();
    record.lr = lr;
    const double seconds = std::chrono::duration<double>(now - last_step_end).count();
    record.samples_per_second = seconds > 0 ? static_cast<double>(batch.labels.size(0)) / seconds : 0.0;
    last_step_end = now;
    record.loss_scale = session->loss_scale();
    record.skipped = outcome.skipped;
    telemetry_builder->add_step(record, outcome, *session, batch.quality);
    if (outcome.skipped) emit({RunEvent::Kind::step_skipped, 0, fmt::format("step {} skipped: {}", step, outcome.skip_reason)});
  }

  void flush_step_records() {
    for (const auto& record : telemetry_builder->take_steps()) {
      recorder->record(record);
      channel.push_step(record);
    }
    recorder->flush();
  }

  void report(bool save_snapshot) {
    flush_step_records();
    auto snapshot = telemetry_builder->snapshot(*session, step, epoch);
    if (save_snapshot) recorder->record(*snapshot);
    channel.publish(std::move(snapshot));
  }

  void save_checkpoint() {
    torch::serialize::OutputArchive archive, model;
    session->save(model);
    archive.write("session", model);
    const nlohmann::json position{{"step", step}, {"epoch", epoch}, {"batch_index", batch_index},
                                  {"applied_version", live.latest_version()}};
    archive.write("position", c10::IValue(position.dump()));
    archive.write("cpu_rng", at::detail::getDefaultCPUGenerator().get_state());
    write_checkpoint_atomically(archive, directory.checkpoint_file());
    emit({RunEvent::Kind::checkpoint, 0, fmt::format("checkpoint at step {} ({})", step,
                                                     directory.checkpoint_file().string())});
  }

  void load_checkpoint() {
    const auto file = directory.checkpoint_file();
    torch::serialize::InputArchive archive, model;
    try {
      archive.load_from(file.string());
      archive.read("session", model);
      session->load(model);
      c10::IValue position_text;
      archive.read("position", position_text);
      const auto position = nlohmann::json::parse(position_text.toStringRef());
      step = position.at("step").get<std::int64_t>();
      epoch = position.at("epoch").get<std::int64_t>();
      batch_index = position.at("batch_index").get<std::int64_t>();
      torch::Tensor rng;
      archive.read("cpu_rng", rng);
      auto generator = at::detail::getDefaultCPUGenerator();  // a handle on the shared default generator
      std::lock_guard<std::mutex> lock(generator.mutex());
      generator.set_state(rng);
    } catch (const c10::Error& error) {
      throw InvalidFile(file.string() + ": cannot resume from this checkpoint (" + error.what_without_backtrace() +
                        ")");
    } catch (const nlohmann::json::exception& error) {
      throw InvalidFile(file.string() + ": damaged run position (" + error.what() + ")");
    }
    start_step = step;
  }

  // Every configured set, appended to `results`; each also goes to the run directory, the telemetry and the event
  // log. A set that cannot be evaluated (e.g. too many unreadable images) is reported and the run goes on: hours of
  // training are not lost to a validation file.
  void evaluate(std::vector<Evaluation>& results) {
    const auto embed = [this](const torch::Tensor& images) { return session->embed(images); };
    for (const auto& set : evaluation_sets) {
      Evaluation result;
      try {
        static_cast<eval::SetEvaluation&>(result) = eval::evaluate_set(set, embed, evaluation_options(experiment));
      } catch (const std::exception& error) {
        emit({RunEvent::Kind::evaluation, 0, fmt::format("verification on {} failed: {}", set.name, error.what())});
        continue;
      }
      result.step = step;
      recorder->record(result);
      channel.push_evaluation(result);
      std::string text = fmt::format("verification on {}:", result.set);
      for (const auto& s : result.strata) text += fmt::format(" {} {:.2f}%", s.stratum, 100 * s.metrics.accuracy);
      if (std::isfinite(result.norm_quality_spearman)) {
        text += fmt::format("; Spearman(norm, quality) {:.3f}", result.norm_quality_spearman);
      }
      if (result.pairs_dropped > 0) {
        text += fmt::format("; {} pairs dropped ({} unreadable images)", result.pairs_dropped, result.images_skipped);
      }
      emit({RunEvent::Kind::evaluation, 0, text});
      results.push_back(std::move(result));
    }
    // The next step's samples/s must not include the evaluation's time.
    last_step_end = Clock::now();
  }

  // Returns false when the run should end (stop requested).
  bool obey_control() {
    while (control.paused() && !control.stop_requested()) {
      if (control.take_checkpoint_request()) {
        flush_step_records();
        save_checkpoint();
      }
      control.wait_while_paused();
    }
    if (control.take_checkpoint_request()) {
      flush_step_records();
      save_checkpoint();
    }
    return !control.stop_requested();
  }

  RunSummary run() {
    RunSummary summary;
    summary.run_directory = directory.path();
    summary.total_steps = total_steps;
    started = last_step_end = Clock::now();
    emit({RunEvent::Kind::info, 0,
          start_step > 0 ? fmt::format("resumed at step {} of {}", step, total_steps)
                         : fmt::format("started: {} steps", total_steps)});
    const auto& r = experiment.report;
    while (step < total_steps) {
      if (!obey_control()) break;
      if (!loader_positioned) {
        loader->start(epoch, batch_index);
        loader_positioned = true;
      }
      auto batch = loader->next();
      if (!batch) {
        session->end_epoch();
        std::string text = fmt::format("epoch {} done", epoch + 1);
        // Unreadable images are skipped, never silently: the count and the first culprit go into the log.
        if (const auto skipped = loader->skipped_samples(); skipped > 0) {
          text += fmt::format("; {} unreadable images skipped so far (first: {})", skipped,
                              loader->skipped_examples().front());
        }
        emit({RunEvent::Kind::epoch_end, 0, text});
        ++epoch;
        batch_index = 0;
        loader_positioned = false;
        continue;
      }
      apply_live_parameters();
      take_step(*batch);
      // Before this step's record is written, so that its metrics.csv row carries the validation accuracy.
      const bool last_step = step == total_steps;
      if ((last_step && experiment.eval.at_end) ||
          (!last_step && experiment.eval.every_steps > 0 && step % experiment.eval.every_steps == 0)) {
        evaluate(summary.evaluations);
      }
      const bool report_due = step % r.every_steps == 0;
      if (report_due) report(r.save_every_steps > 0 && step % r.save_every_steps == 0);
      if (experiment.checkpoint.every_steps > 0 && step % experiment.checkpoint.every_steps == 0) {
        flush_step_records();
        save_checkpoint();
      }
    }
    summary.stopped = step < total_steps;
    report(r.save_every_steps > 0);
    save_checkpoint();  // always: a stopped run resumes from here, a finished one exports from here
    summary.steps = step;
    summary.skipped_steps = session->skipped_steps();
    summary.last_loss = telemetry_builder->last_loss();
    emit({RunEvent::Kind::info, 0,
          summary.stopped ? fmt::format("stopped at step {} of {}", step, total_steps)
                          : fmt::format("finished: {} steps, {} skipped", step, summary.skipped_steps)});
    recorder->flush();
    return summary;
  }
};

Trainer::Trainer(const Experiment& experiment) {
  auto directory = RunDirectory::create(experiment.runs_dir, experiment.name);
  const auto path = directory.path();
  try {
    save_experiment(experiment, directory.experiment_file().string());
    impl_ = std::make_unique<Impl>(experiment, std::move(directory), false);
  } catch (...) {
    // A run that cannot start leaves nothing behind.
    std::error_code ignored;
    fs::remove_all(path, ignored);
    throw;
  }
}

Trainer::Trainer(const fs::path& run_directory, const Experiment* experiment) {
  auto directory = RunDirectory::open_for_resume(run_directory);
  Experiment resolved = experiment ? *experiment : load_experiment(directory.experiment_file().string());
  if (experiment) save_experiment(resolved, directory.experiment_file().string());
  impl_ = std::make_unique<Impl>(std::move(resolved), std::move(directory), true);
}

Trainer::~Trainer() = default;

RunSummary Trainer::run() { return impl_->run(); }
LiveParameters& Trainer::live_parameters() { return impl_->live; }
RunControl& Trainer::control() { return impl_->control; }
TelemetryChannel& Trainer::telemetry() { return impl_->channel; }
const Experiment& Trainer::experiment() const { return impl_->experiment; }
const fs::path& Trainer::run_directory() const { return impl_->directory.path(); }
std::int64_t Trainer::total_steps() const { return impl_->total_steps; }
std::int64_t Trainer::start_step() const { return impl_->start_step; }
std::string Trainer::device_name() const { return impl_->session->device().str(); }

}  // namespace marginlab::train
