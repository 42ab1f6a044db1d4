#include "engine/train/trainer.h"

#include "core/eval/closed_set.h"

#include <fmt/format.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <stdexcept>

#include "core/errors.h"
#include "core/run/run_directory.h"
#include "core/run/run_requests.h"
#include "core/run/run_status.h"
#include "core/run/snapshot_file.h"
#include "engine/distributed/communicator.h"
#include "engine/distributed/launch_env.h"
#include "engine/import/starting_point.h"
#include "engine/runtime/threads.h"
#include "engine/train/checkpoint_file.h"
#include "engine/train/data_setup.h"
#include "engine/train/evaluation_sets.h"
#include "engine/train/memory_check.h"
#include "engine/train/optimizer.h"
#include "engine/train/session.h"
#include "engine/train/telemetry_builder.h"

namespace marginlab::train {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Trainer::Impl {
  std::shared_ptr<distributed::Communicator> comm;
  bool rank0;  // writes the run directory, publishes telemetry, evaluates, decides the controls
  Experiment experiment;
  RunDirectory directory;
  std::string origin;  // for messages: the experiment file in the run directory
  TrainingData data;
  std::vector<data::VerificationSet> evaluation_sets;  // eval.sets, opened once
  std::shared_ptr<const data::SampleSource> closed_set;  // "synthface-closed": held-out images of the training ids
  std::unique_ptr<data::Loader> loader;
  std::unique_ptr<TrainingSession> session;
  LiveParameters live;
  RunControl control;
  TelemetryChannel channel;
  std::unique_ptr<RunRecorder> recorder;  // rank 0's
  std::shared_ptr<spdlog::logger> log;
  // Rank 0's side of the run directory as an interface: who follows reads status.json and snapshot.cbor, who steers
  // writes into requests/.
  std::unique_ptr<StatusHeartbeat> status;
  std::unique_ptr<SnapshotWriter> snapshot_writer;
  std::unique_ptr<RequestInbox> inbox;
  Clock::time_point next_inbox_check = Clock::now();
  std::map<std::uint64_t, std::string> requesters;  // request version → "alice@laptop", for the events
  // Scheduled changes (head.schedule, optimizer.schedule) are applied once per step boundary: through this step.
  std::int64_t schedule_applied_through = -1;

  std::int64_t batches_per_epoch = 0;
  std::int64_t total_steps = 0;
  std::int64_t start_step = 0;
  std::string started_from;  // model.init_from, described
  // Position: steps taken, and the next batch to take.
  std::int64_t step = 0;
  std::int64_t epoch = 0;
  std::int64_t batch_index = 0;
  bool loader_positioned = false;

  std::unique_ptr<TelemetryBuilder> telemetry_builder;

  Clock::time_point started = Clock::now();
  Clock::time_point last_step_end = Clock::now();

  Impl(std::shared_ptr<distributed::Communicator> c, Experiment e, RunDirectory dir, bool resuming)
      : comm(std::move(c)),
        rank0(comm->rank() == 0),
        experiment(std::move(e)),
        directory(std::move(dir)),
        origin(directory.experiment_file().string()) {
    if (rank0) {
      log = std::make_shared<spdlog::logger>(
          "run", std::make_shared<spdlog::sinks::basic_file_sink_mt>(directory.log_file().string()));
    } else {
      log = std::make_shared<spdlog::logger>("run", std::make_shared<spdlog::sinks::null_sink_mt>());
    }
    log->flush_on(spdlog::level::info);
    // train.threads = 0 (all cores) shares the machine's cores among the ranks on it.
    configure_threads(experiment.train.threads == 0 && comm->world_size() > 1
                          ? distributed::threads_per_rank(distributed::read_launch_env())
                          : experiment.train.threads);
    data = open_training_data(experiment.data, origin);
    const auto device = resolve_device(experiment.train.device);
    if (rank0) {
      evaluation_sets = open_evaluation_sets(experiment, data);
      closed_set = closed_set_images(experiment, data);
    }
    if (experiment.train.batch_size % comm->world_size() != 0) {
      throw InvalidParameter(
          fmt::format("{}: train.batch_size = {} is the global batch and must be a multiple of the "
                      "{} ranks (each takes an equal share)",
                      origin, experiment.train.batch_size, comm->world_size()));
    }
    auto config = loader_config(experiment, true);
    config.rank = comm->rank();
    config.world_size = comm->world_size();
    loader = std::make_unique<data::Loader>(data.train, config);
    batches_per_epoch = loader->batches_per_epoch();
    if (batches_per_epoch == 0) {
      throw InvalidParameter(fmt::format("{}: train.batch_size = {} is larger than the {} training images", origin,
                                         experiment.train.batch_size, data.train->size()));
    }
    // Before anything large is made: a GPU is one rank's, the machine's RAM is shared by the ranks on it.
    const int ranks_here =
        comm->world_size() > 1 && !device.is_cuda() ? distributed::read_launch_env().local_world_size : 1;
    check_memory(experiment, data.train->num_classes(), data.train->size(), comm->world_size(), ranks_here, device,
                 origin);
    total_steps = experiment.train.epochs * batches_per_epoch;
    if (experiment.train.max_steps > 0) total_steps = std::min(total_steps, experiment.train.max_steps);

    if (experiment.report.at_start && comm->world_size() > 1) {
      throw InvalidParameter(origin +
                             ": report.at_start looks at the starting model in one process; set it false "
                             "for a run of " +
                             std::to_string(comm->world_size()) + " ranks");
    }
    // The seed fixes the initial weights; a resumed run overwrites them and restores the generator state instead.
    torch::manual_seed(experiment.train.seed);
    DataShape shape{data.train->num_classes(), data.train->class_counts(), data.train->size()};
    session = std::make_unique<TrainingSession>(experiment, shape, device, comm);
    if (resuming) {
      load_checkpoint();
    } else if (!experiment.model.init_from.empty()) {
      start_from_weights();
    }
    std::vector<std::string> set_names;
    for (const auto& set : evaluation_sets) set_names.push_back(set.name);
    if (rank0) {
      // Read before the recorder drops the events after the checkpoint: a request answered then must not be obeyed
      // twice (its change is in the experiment's schedule already).
      const auto answered = newest_answered_request();
      recorder = std::make_unique<RunRecorder>(directory, start_step, set_names);
      open_run_interface(device, answered);
    }
    schedule_applied_through = start_step - 1;
    telemetry_builder = std::make_unique<TelemetryBuilder>(experiment, data.train->class_counts());
    const auto& held = session->classes_held();
    log->info("{} {} on {}: {} ({} images, {} classes), {} steps of batch {} ({} per epoch){}",
              resuming ? "resuming" : "starting", directory.path().string(), device.str(), data.train->describe(),
              data.train->size(), data.train->num_classes(), total_steps, experiment.train.batch_size,
              batches_per_epoch,
              comm->world_size() > 1 ? fmt::format("; {} ranks, rank 0 holds classes [{}, {})", comm->world_size(),
                                                   held.first, held.first + held.count)
                                     : std::string());
  }

  // How often rank 0 looks into requests/ at step boundaries: a listing of a small folder, cheap even over NFS at
  // this rate, and well within the second a controller waits for.
  static constexpr auto kInboxInterval = std::chrono::milliseconds(100);
  static constexpr auto kHeartbeatInterval = std::chrono::seconds(2);
  static constexpr auto kSnapshotInterval = std::chrono::milliseconds(500);

  std::uint64_t newest_answered_request() const {
    std::uint64_t answered = 0;
    std::ifstream events(directory.events_file());
    for (std::string line; std::getline(events, line);) {
      const auto parsed = nlohmann::json::parse(line, nullptr, false);
      if (parsed.is_object()) answered = std::max(answered, parsed.value("version", std::uint64_t{0}));
    }
    return answered;
  }

  // `answered`: the newest request version the run's events answer; those after it (written while it was starting or
  // resuming) are its own.
  void open_run_interface(const torch::Device& device, std::uint64_t answered) {
    RunStatus initial = status_of_this_process(RunState::running);
    initial.activity = "starting";
    initial.step = start_step;
    initial.total_steps = total_steps;
    initial.device = device.str();
    const auto owner = initial.uid;
    status = std::make_unique<StatusHeartbeat>(directory.path(), std::move(initial), kHeartbeatInterval);
    snapshot_writer = std::make_unique<SnapshotWriter>(snapshot_file(directory.path()), kSnapshotInterval);
    inbox = std::make_unique<RequestInbox>(directory.path(), owner, answered);
  }

  // Rank 0, at a step boundary: requests written into the run directory join the in-process mailboxes, in version
  // order; those that cannot be obeyed are answered at once.
  void receive_requests() {
    if (!inbox || Clock::now() < next_inbox_check) return;
    next_inbox_check = Clock::now() + kInboxInterval;
    for (auto& received : inbox->take()) {
      const auto& request = received.request;
      const std::string who = request.user.empty() ? "?" : request.user + "@" + request.host;
      RunEvent answer;
      answer.version = received.version;
      answer.name = to_string(request.action);
      if (!received.refusal.empty()) {
        answer.kind = RunEvent::Kind::request_rejected;
        answer.text = fmt::format("request {} ({}) refused: {}", received.version, received.file, received.refusal);
        emit(answer);
        continue;
      }
      switch (request.action) {
        case RequestAction::set: {
          std::vector<ParamUpdate> updates;
          std::string unknown;
          for (const auto& [key, value] : request.params) {
            const auto name = live_parameter_name(key);
            if (name.empty()) unknown += (unknown.empty() ? "" : ", ") + key;
            updates.push_back({name, value});
          }
          if (!unknown.empty()) {
            answer.kind = RunEvent::Kind::request_rejected;
            answer.text = fmt::format(
                "request {} by {} refused: {} {} not a live parameter (head.params.<name>, "
                "optimizer.lr)",
                received.version, who, unknown, unknown.find(',') == std::string::npos ? "is" : "are");
            emit(answer);
            continue;
          }
          requesters[received.version] = who;
          live.post_as(received.version, updates);
          continue;  // answered per parameter when applied (or refused) at this boundary
        }
        case RequestAction::pause:
          control.pause();
          break;
        case RequestAction::resume:
          control.resume();
          break;
        case RequestAction::stop:
          control.stop();
          break;
        case RequestAction::checkpoint:
          control.checkpoint_now();
          break;
      }
      answer.kind = RunEvent::Kind::control;
      answer.text = fmt::format("{} (request {} by {}) at step {}", answer.name, received.version, who, step);
      emit(answer);
    }
  }

  void emit(RunEvent::Kind kind, std::string text) {
    RunEvent event;
    event.kind = kind;
    event.text = std::move(text);
    emit(std::move(event));
  }

  void emit(RunEvent event) {
    if (!rank0) return;
    event.step = step;
    log->info("step {}: {}", step, event.text);
    recorder->record(event);
    channel.push_event(event);
  }

  // What rank 0 tells every rank at a step boundary. A stop asked of any rank is everyone's.
  struct Orders {
    bool stop = false;
    bool checkpoint = false;
    bool paused = false;
    std::vector<ParamUpdate> changes;
  };

  Orders exchange_orders() {
    Orders orders;
    std::string changes;
    if (rank0) receive_requests();
    // One allreduce a step: stop (any rank), then rank 0's checkpoint, paused and whether it has live changes,
    // whose text follows only then.
    std::int64_t flags[4] = {control.stop_requested() ? 1 : 0, 0, 0, 0};
    if (rank0) {
      flags[1] = control.take_checkpoint_request() ? 1 : 0;
      flags[2] = control.paused() && !control.stop_requested() ? 1 : 0;
      if (!flags[2]) {
        if (auto pending = live.take()) {
          nlohmann::json text = nlohmann::json::array();
          for (const auto& u : *pending) text.push_back({u.name, u.value, u.version});
          changes = text.dump();
          flags[3] = 1;
        }
      }
    }
    auto header = torch::tensor({flags[0], flags[1], flags[2], flags[3]}, torch::kInt64).to(session->device());
    comm->allreduce_max(header);
    header = header.to(torch::kCPU).contiguous();
    const auto* h = header.data_ptr<std::int64_t>();
    orders.stop = h[0] != 0;
    orders.checkpoint = h[1] != 0;
    orders.paused = h[2] != 0;
    if (!orders.paused && !orders.stop && h[3] != 0) {
      changes = comm->broadcast_text(changes, 0, session->device());
      for (const auto& u : nlohmann::json::parse(changes)) {
        orders.changes.push_back({u[0].get<std::string>(), u[1].get<double>(), u[2].get<std::uint64_t>()});
      }
    }
    return orders;
  }

  // Every rank applies rank 0's changes to its session, in order: the same state takes or refuses a value alike.
  // Rank 0 records each applied change in the run's experiment (head.schedule, optimizer.schedule), so that training
  // the run's experiment.json again replays the tuning.
  void apply_live_parameters(const std::vector<ParamUpdate>& updates) {
    bool recorded = false;
    for (const auto& update : updates) {
      RunEvent event;
      event.name = update.name;
      event.value = update.value;
      event.version = update.version;
      const auto who = requesters.find(update.version);
      const std::string by = who != requesters.end() ? fmt::format("request {} by {}", update.version, who->second)
                                                     : fmt::format("version {}", update.version);
      try {
        session->apply(update);
        event.kind = RunEvent::Kind::param_applied;
        event.text = fmt::format("{} = {:g} ({}) applied at step {}", update.name, update.value, by, step);
        if (rank0) {
          record_change(update.name == kLearningRate ? experiment.optimizer.schedule : experiment.head.schedule, step,
                        update.name, update.value);
          recorded = true;
        }
      } catch (const InvalidParameter& error) {
        event.kind = RunEvent::Kind::param_rejected;
        event.text = fmt::format("{} refused: {}", by, error.what());
      }
      emit(event);
    }
    if (recorded) save_experiment(experiment, directory.experiment_file().string());
  }

  // Every rank, once per step boundary: the experiment's scheduled changes for the step just taken (or, at step 0,
  // before the first one).
  void apply_scheduled_changes() {
    if (schedule_applied_through >= step) return;
    schedule_applied_through = step;
    for (const auto* schedule : {&experiment.head.schedule, &experiment.optimizer.schedule}) {
      const auto* change = change_at(*schedule, step);
      if (!change) continue;
      for (const auto& [name, value] : change->params) {
        // Checked with the experiment; a value the head refuses now (e.g. against another parameter) ends the run:
        // a replay must not silently differ from its record.
        session->apply({name, value});
        emit({RunEvent::Kind::param_applied, 0,
              fmt::format("{} = {:g} applied at step {} ({})", name, value, step,
                          schedule == &experiment.head.schedule ? "head.schedule" : "optimizer.schedule"),
              name, value, 0});
      }
    }
  }

  double learning_rate() const {
    const double epoch_progress = static_cast<double>(step) / static_cast<double>(batches_per_epoch);
    const double run_epochs = static_cast<double>(total_steps) / static_cast<double>(batches_per_epoch);
    return session->base_lr() * lr_factor(experiment.schedule, epoch_progress, run_epochs, session->base_lr());
  }

  // model.init_from: every rank reads the same file, so the replicas start alike without a broadcast.
  void start_from_weights() {
    backbones::BackboneSpec spec = session->backbone()->spec();
    const auto start = importing::read_starting_point(experiment.model.init_from, spec);
    if (experiment.model.init_classifier && !start.kernel) {
      throw InvalidParameter(origin + ": model.init_classifier = true, but " + experiment.model.init_from +
                             " has no classifier");
    }
    session->start_from(*start.backbone, experiment.model.init_classifier ? &*start.kernel : nullptr);
    started_from = start.description + (experiment.model.init_classifier ? ", with its classifier" : "");
  }

  void take_step(const data::Batch& batch) {
    const double lr = learning_rate();
    session->freeze_backbone(step < experiment.optimizer.freeze_backbone_steps);
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
    // The global batch: every rank's share.
    const auto samples = static_cast<double>(batch.labels.size(0)) * comm->world_size();
    record.samples_per_second = seconds > 0 ? samples / seconds : 0.0;
    last_step_end = now;
    record.loss_scale = session->loss_scale();
    record.skipped = outcome.skipped;
    telemetry_builder->add_step(record, outcome, *session);
    if (outcome.skipped)
      emit(RunEvent::Kind::step_skipped, fmt::format("step {} skipped: {}", step, outcome.skip_reason));
  }

  void flush_step_records() {
    auto records = telemetry_builder->take_steps();
    if (!rank0) return;
    for (const auto& record : records) {
      recorder->record(record);
      channel.push_step(record);
    }
    recorder->flush();
  }

  // Every rank: the per-class state is gathered from the ranks holding the classes.
  void report(bool save_snapshot) {
    flush_step_records();
    auto class_statistics = session->class_statistics();
    if (!rank0) return;
    auto snapshot = telemetry_builder->snapshot(*session, std::move(class_statistics), step, epoch);
    if (save_snapshot) recorder->record(*snapshot);
    snapshot_writer->publish(snapshot);
    channel.publish(std::move(snapshot));
  }

  // Every rank: the classifier is gathered in global class order, and rank 0 writes one checkpoint that resumes at
  // any world size.
  void save_checkpoint() {
    torch::serialize::OutputArchive archive, model;
    session->save(model);
    if (!rank0) return;
    archive.write("session", model);
    const nlohmann::json position{
        {"step", step}, {"epoch", epoch}, {"batch_index", batch_index}, {"applied_version", live.latest_version()}};
    archive.write("position", c10::IValue(position.dump()));
    archive.write("cpu_rng", at::detail::getDefaultCPUGenerator().get_state());
    write_checkpoint_atomically(archive, directory.checkpoint_file());
    emit(RunEvent::Kind::checkpoint,
         fmt::format("checkpoint at step {} ({})", step, directory.checkpoint_file().string()));
  }

  void load_checkpoint() {
    const auto file = directory.checkpoint_file();
    torch::serialize::InputArchive archive, model;
    try {
      archive.load_from(file.string());
      c10::IValue position_text;
      archive.read("position", position_text);
      const auto position = nlohmann::json::parse(position_text.toStringRef());
      if (position.value("imported", false)) {
        throw InvalidFile(directory.path().string() +
                          ": an imported model, not a run to resume; start a run from "
                          "it with model.init_from = " +
                          directory.path().string());
      }
      archive.read("session", model);
      session->load(model);
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
    } catch (const InvalidParameter& error) {
      throw InvalidFile(file.string() + ": " + error.what());
    }
    start_step = step;
  }

  // Every configured set, appended to `results`; each also goes to the run directory, the telemetry and the event
  // log. A set that cannot be evaluated (e.g. too many unreadable images) is reported and the run goes on: hours of
  // training are not lost to a validation file.
  // The other ranks wait at a barrier while rank 0 evaluates.
  void evaluate(std::vector<Evaluation>& results) {
    if (!rank0) {
      comm->barrier();
      last_step_end = Clock::now();
      return;
    }
    const auto embed = [this](const torch::Tensor& images) { return session->embed(images); };
    for (const auto& set : evaluation_sets) {
      Evaluation result;
      try {
        static_cast<eval::SetEvaluation&>(result) = eval::evaluate_set(set, embed, evaluation_options(experiment));
      } catch (const std::exception& error) {
        emit(RunEvent::Kind::evaluation, fmt::format("verification on {} failed: {}", set.name, error.what()));
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
      emit(RunEvent::Kind::evaluation, text);
      results.push_back(std::move(result));
    }
    if (closed_set) evaluate_closed_set(embed, results);
    comm->barrier();
    // The next step's samples/s must not include the evaluation's time.
    last_step_end = Clock::now();
  }

  // Closed-set accuracy by class size: the held-out images classified by the head's class centres, which a
  // distributed run shards over its ranks (rank 0 holds only its own classes there).
  void evaluate_closed_set(const eval::EmbedFunction& embed, std::vector<Evaluation>& results) {
    if (comm->world_size() > 1) {
      emit(RunEvent::Kind::evaluation, fmt::format("{}: not evaluated in a distributed run (the class centres are "
                                                   "sharded over the ranks)",
                                                   eval::kClosedSetName));
      return;
    }
    Evaluation result;
    try {
      static_cast<eval::SetEvaluation&>(result) = eval::evaluate_closed_set(
          closed_set, session->head()->normalized_kernel(), embed, evaluation_options(experiment));
    } catch (const std::exception& error) {
      emit(RunEvent::Kind::evaluation, fmt::format("{} failed: {}", eval::kClosedSetName, error.what()));
      return;
    }
    result.step = step;
    recorder->record(result);
    channel.push_evaluation(result);
    std::string text = fmt::format("closed-set accuracy by class size ({}):", eval::kClosedSetName);
    for (const auto& s : result.strata) text += fmt::format(" {} {:.2f}%", s.stratum, 100 * s.metrics.accuracy);
    emit(RunEvent::Kind::evaluation, text);
    results.push_back(std::move(result));
  }

  // At a step boundary, every rank: rank 0's controls, applied by all. Returns false when the run should end. While
  // paused, rank 0 repeats its orders every second so that the other ranks' collectives do not time out.
  bool obey_control() {
    while (true) {
      auto orders = exchange_orders();
      if (orders.checkpoint) {
        flush_step_records();
        save_checkpoint();
      }
      if (orders.stop) return false;
      if (!orders.paused) {
        if (status) status->set(RunState::running, "training");
        apply_scheduled_changes();
        apply_live_parameters(orders.changes);
        return true;
      }
      if (status) status->set(RunState::paused, "paused");
      // Short enough to see a resume request in requests/ within a quarter of a second.
      if (rank0) control.wait_while_paused(std::chrono::milliseconds(250));
    }
  }

  void end_epoch() {
    session->end_epoch();
    std::string text = fmt::format("epoch {} done", epoch + 1);
    // Unreadable images are skipped, never silently: the count and the first culprit go into the log.
    if (const auto skipped = loader->skipped_samples(); skipped > 0) {
      text +=
          fmt::format("; {} unreadable images skipped so far (first: {})", skipped, loader->skipped_examples().front());
    }
    emit(RunEvent::Kind::epoch_end, text);
    ++epoch;
    batch_index = 0;
    loader_positioned = false;
  }

  RunSummary run() {
    RunSummary summary;
    summary.run_directory = directory.path();
    summary.total_steps = total_steps;
    started = last_step_end = Clock::now();
    emit(RunEvent::Kind::info, start_step > 0 ? fmt::format("resumed at step {} of {}", step, total_steps)
                                              : fmt::format("started: {} steps", total_steps));
    if (!started_from.empty() && start_step == 0) emit(RunEvent::Kind::info, "starting from " + started_from);
    if (experiment.report.at_start && start_step == 0) report_start(summary.evaluations);
    const auto& r = experiment.report;
    while (step < total_steps) {
      // An epoch ends before the boundary after its last step, so that each step has one boundary, where live and
      // scheduled changes land alike (a replayed run must see KappaFace's epoch-end refresh on the same side).
      if (batch_index == batches_per_epoch) end_epoch();
      if (!obey_control()) break;
      if (!loader_positioned) {
        loader->start(epoch, batch_index);
        loader_positioned = true;
      }
      auto batch = loader->next();
      if (!batch)
        throw std::logic_error(
            fmt::format("the loader ended epoch {} before its {} batches", epoch + 1, batches_per_epoch));
      take_step(*batch);
      if (status) status->step_taken(step);
      // Before this step's record is written, so that its metrics.csv row carries the validation accuracy.
      const bool last_step = step == total_steps;
      if ((last_step && experiment.eval.at_end) ||
          (!last_step && experiment.eval.every_steps > 0 && step % experiment.eval.every_steps == 0)) {
        if (status) status->set(RunState::running, "evaluating");
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
    // A run of no steps after report.at_start has reported its one picture already.
    if (step > start_step || !experiment.report.at_start) report(r.save_every_steps > 0);
    save_checkpoint();  // always: a stopped run resumes from here, a finished one exports from here
    summary.steps = step;
    summary.skipped_steps = session->skipped_steps();
    summary.last_loss = telemetry_builder->last_loss();
    const std::string ending = summary.stopped
                                   ? fmt::format("stopped at step {} of {}", step, total_steps)
                                   : fmt::format("finished: {} steps, {} skipped", step, summary.skipped_steps);
    emit(RunEvent::Kind::info, ending);
    if (recorder) recorder->flush();
    if (snapshot_writer) snapshot_writer->flush();
    if (status) status->finish(summary.stopped ? RunState::stopped : RunState::finished, ending);
    return summary;
  }

  // report.at_start: the first batches through the starting model without learning, as the step-0 snapshot, and an
  // evaluation. The loader starts the first epoch again afterwards and the head's running state is put back, so the
  // training that follows is the one it would have been.
  void report_start(std::vector<Evaluation>& evaluations) {
    if (status) status->set(RunState::running, "looking at the starting model");
    loader->start(0, 0);
    std::int64_t seen = 0;
    for (std::int64_t i = 0; i < batches_per_epoch && seen < experiment.report.samples; ++i) {
      const auto batch = loader->next();
      if (!batch) break;
      telemetry_builder->add_observation(session->look(*batch));
      seen += batch->labels.size(0);
    }
    loader_positioned = false;
    emit(RunEvent::Kind::info, fmt::format("the starting model on {} images of the training data", seen));
    report(/*save_snapshot=*/true);
    evaluate(evaluations);
  }

  // A run that throws says so in its status before the exception leaves, so its followers see why it ended.
  RunSummary run_reporting_failure() {
    try {
      return run();
    } catch (const std::exception& error) {
      if (status) status->finish(RunState::failed, error.what());
      throw;
    }
  }
};

namespace {

std::shared_ptr<distributed::Communicator> or_single(std::shared_ptr<distributed::Communicator> comm) {
  return comm ? std::move(comm) : distributed::single_process();
}

}  // namespace

Trainer::Trainer(const Experiment& experiment, std::shared_ptr<distributed::Communicator> comm, const fs::path& into) {
  comm = or_single(std::move(comm));
  // The device the ranks' small messages travel on (NCCL's are on the GPU); one process sends none.
  const auto device = comm->world_size() > 1 ? resolve_device(experiment.train.device) : torch::Device(torch::kCPU);
  if (comm->rank() != 0) {
    // Rank 0 names the directory; an empty name means it could not start (it reports why).
    const auto path = comm->broadcast_text({}, 0, device);
    if (path.empty()) throw DistributedError("rank 0 could not create the run directory");
    impl_ = std::make_unique<Impl>(comm, experiment, RunDirectory::of_rank0(path), false);
    return;
  }
  std::optional<RunDirectory> directory;
  try {
    directory = into.empty() ? RunDirectory::create(experiment.runs_dir, experiment.name) : RunDirectory::adopt(into);
    save_experiment(experiment, directory->experiment_file().string());
  } catch (...) {
    comm->broadcast_text({}, 0, device);
    throw;
  }
  const auto path = directory->path();
  comm->broadcast_text(path.string(), 0, device);
  try {
    impl_ = std::make_unique<Impl>(comm, experiment, std::move(*directory), false);
  } catch (const std::exception& error) {
    if (into.empty()) {
      // A run that cannot start leaves nothing behind.
      std::error_code ignored;
      fs::remove_all(path, ignored);
    } else {
      // The directory is its maker's (the workbench follows it): it learns why from the status.
      RunStatus failed = status_of_this_process(RunState::failed);
      failed.message = error.what();
      try {
        write_run_status(path, failed);
      } catch (const InvalidFile&) {
      }
    }
    throw;
  }
}

Trainer::Trainer(const fs::path& run_directory, const Experiment* experiment,
                 std::shared_ptr<distributed::Communicator> comm) {
  comm = or_single(std::move(comm));
  // Every rank reads the checkpoint; only rank 0 writes the changed experiment back, once the checkpoint has been
  // taken: a refused change leaves the run's file as it was.
  auto directory = RunDirectory::open_for_resume(run_directory);
  const auto file = directory.experiment_file();
  Experiment resolved = experiment ? *experiment : load_experiment(file.string());
  impl_ = std::make_unique<Impl>(comm, std::move(resolved), std::move(directory), true);
  if (experiment && comm->rank() == 0) save_experiment(impl_->experiment, file.string());
}

Trainer::~Trainer() = default;

RunSummary Trainer::run() { return impl_->run_reporting_failure(); }
LiveParameters& Trainer::live_parameters() { return impl_->live; }
RunControl& Trainer::control() { return impl_->control; }
TelemetryChannel& Trainer::telemetry() { return impl_->channel; }
const Experiment& Trainer::experiment() const { return impl_->experiment; }
const fs::path& Trainer::run_directory() const { return impl_->directory.path(); }
std::int64_t Trainer::total_steps() const { return impl_->total_steps; }
std::int64_t Trainer::start_step() const { return impl_->start_step; }
std::string Trainer::device_name() const { return impl_->session->device().str(); }

}  // namespace marginlab::train
