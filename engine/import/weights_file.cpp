#include "engine/import/weights_file.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <regex>

#include "core/errors.h"
#include "engine/formats/mapped_file.h"
#include "engine/formats/safetensors.h"
#include "engine/formats/torch_file.h"

namespace marginlab::importing {
namespace {

namespace fs = std::filesystem;
namespace pickle = formats::pickle;
using Entries = std::vector<std::pair<pickle::Value, pickle::Value>>;

torch::Dtype dtype_of(formats::ElementType type) {
  switch (type) {
    case formats::ElementType::float64:
      return torch::kFloat64;
    case formats::ElementType::float32:
      return torch::kFloat32;
    case formats::ElementType::float16:
      return torch::kFloat16;
    case formats::ElementType::bfloat16:
      return torch::kBFloat16;
    case formats::ElementType::int64:
      return torch::kInt64;
    case formats::ElementType::int32:
      return torch::kInt32;
    case formats::ElementType::int16:
      return torch::kInt16;
    case formats::ElementType::int8:
      return torch::kInt8;
    case formats::ElementType::uint8:
      return torch::kUInt8;
    case formats::ElementType::boolean:
      return torch::kBool;
  }
  return torch::kFloat32;
}

// What one tensor may take once copied out: a view may repeat its storage's elements (overlapping rows, zero
// strides), but a file must not make the reader allocate without bound. 4096 times the storage (the test fixtures'
// overlapping views reach 400), and never more than half of this machine's memory.
void check_materialised_size(const formats::StoredTensor& stored, const std::string& where) {
  const double bytes = static_cast<double>(stored.numel()) * static_cast<double>(formats::element_size(stored.type));
  const double physical = static_cast<double>(::sysconf(_SC_PHYS_PAGES)) * static_cast<double>(::sysconf(_SC_PAGESIZE));
  const double limit =
      std::min(std::max(double{1 << 20}, 4096.0 * static_cast<double>(stored.storage.size())), physical / 2);
  if (bytes > limit) {
    throw InvalidFile(
        fmt::format("{}: {} would take {:.3g} GB from a storage of {} bytes (at most {:.3g} GB are read "
                    "per tensor)",
                    where, stored.description(), bytes / 1e9, stored.storage.size(), limit / 1e9));
  }
}

// A tensor of its own (contiguous, copied out of the file), floating types widened to float32 as MarginLab trains.
torch::Tensor to_torch(const formats::StoredTensor& stored, const std::string& where) {
  check_materialised_size(stored, where);
  const auto element = static_cast<std::int64_t>(formats::element_size(stored.type));
  const auto elements = static_cast<std::int64_t>(stored.storage.size()) / element;
  // The readers checked the view against the storage; from_blob only borrows the bytes until clone() copies them.
  auto* data = const_cast<std::uint8_t*>(stored.storage.data());
  const auto base = torch::from_blob(data, {elements}, torch::TensorOptions().dtype(dtype_of(stored.type)));
  auto tensor = base.as_strided(stored.sizes, stored.strides, stored.offset).clone(torch::MemoryFormat::Contiguous);
  return tensor.is_floating_point() ? tensor.to(torch::kFloat32) : tensor;
}

// A short account of a value for a note: numbers and short text as they are, containers by size.
std::string summary(const pickle::Value& value) {
  if (const auto* number = std::get_if<std::int64_t>(&value.content)) return std::to_string(*number);
  if (const auto* real = std::get_if<double>(&value.content)) return fmt::format("{:g}", *real);
  if (const auto* flag = std::get_if<bool>(&value.content)) return *flag ? "True" : "False";
  if (const auto text = pickle::as_string(value); text && std::holds_alternative<pickle::Str>(value.content)) {
    return text->size() <= 60 ? "'" + std::string(*text) + "'" : "'" + std::string(text->substr(0, 57)) + "...'";
  }
  if (const auto* list = std::get_if<pickle::List>(&value.content)) {
    return fmt::format("a list of {}", list->node->items.size());
  }
  if (const auto* dict = std::get_if<pickle::Dict>(&value.content)) {
    const auto size = dict->node->entries.size();
    return fmt::format("a dict of {} {}", size, size == 1 ? "entry" : "entries");
  }
  if (const auto* tensor = std::get_if<pickle::Tensor>(&value.content)) {
    return "a tensor " + pickle::shape_text(tensor->sizes);
  }
  return pickle::described(value);
}

// The key/value pairs of a dict, of a dict subclass (Lightning's AttributeDict) or of an object's __dict__
// (argparse.Namespace).
const Entries* mapping_of(const pickle::Value& value) {
  if (const auto* entries = pickle::dict_entries(value)) return entries;
  if (const auto* object = std::get_if<pickle::Object>(&value.content)) {
    if (object->node->state) return pickle::dict_entries(*object->node->state);
  }
  return nullptr;
}

std::optional<std::string> key_text(const pickle::Value& key) {
  if (const auto text = pickle::as_string(key)) return std::string(*text);
  return std::nullopt;
}

std::string key_list(const Entries& entries) {
  std::string keys;
  std::size_t shown = 0;
  for (const auto& [key, value] : entries) {
    if (shown++ == 8) {
      keys += ", ...";
      break;
    }
    keys += (keys.empty() ? "" : ", ") + key_text(key).value_or(pickle::type_name(key));
  }
  return keys;
}

// name → tensor of a state dict; throws when a value is not a tensor.
std::map<std::string, torch::Tensor> state_dict_tensors(const formats::TorchFile& file, const pickle::Value& dict,
                                                        const std::string& where) {
  const auto* entries = pickle::dict_entries(dict);
  if (!entries)
    throw InvalidFile(file.origin() + ": " + where + " is " + pickle::described(dict) + ", expected a dict");
  std::map<std::string, torch::Tensor> tensors;
  for (const auto& [key, value] : *entries) {
    const auto name = key_text(key);
    const auto* tensor = std::get_if<pickle::Tensor>(&value.content);
    if (!name || !tensor) {
      throw InvalidFile(file.origin() + ": " + where + " holds " + pickle::described(value) + " under " +
                        (name ? "'" + *name + "'" : pickle::described(key)) + ", expected names and tensors");
    }
    tensors[*name] = to_torch(file.tensor(*tensor), file.origin() + ": " + where + " '" + *name + "'");
  }
  return tensors;
}

bool is_state_dict(const pickle::Value& value) {
  const auto* entries = pickle::dict_entries(value);
  return entries && !entries->empty() && std::all_of(entries->begin(), entries->end(), [](const auto& entry) {
           return key_text(entry.first) && std::holds_alternative<pickle::Tensor>(entry.second.content);
         });
}

void note_top_level(WeightsFile& weights, const Entries& entries, std::initializer_list<std::string_view> read) {
  for (const auto& [key, value] : entries) {
    const auto name = key_text(key).value_or(pickle::type_name(key));
    if (std::find(read.begin(), read.end(), name) != read.end()) continue;
    const bool scalar = std::holds_alternative<std::int64_t>(value.content) ||
                        std::holds_alternative<double>(value.content) ||
                        std::holds_alternative<pickle::Str>(value.content);
    weights.notes.push_back(name + ": " + summary(value) + (scalar ? "" : " (not read)"));
  }
}

// ---- AdaFace (and any PyTorch Lightning) checkpoint ----

void read_lightning(WeightsFile& weights, const formats::TorchFile& file, const Entries& root) {
  weights.format = "PyTorch Lightning checkpoint";
  const auto tensors = state_dict_tensors(file, *pickle::find(file.root(), "state_dict"), "state_dict");
  for (const auto& [name, tensor] : tensors) {
    if (name == "head.kernel") {
      weights.kernel = tensor;
      weights.kernel_source = "state_dict head.kernel";
    } else if (name.starts_with("head.")) {
      weights.head_buffers[name.substr(5)] = tensor;
    } else {
      weights.tensors[name] = tensor;
    }
  }
  note_top_level(weights, root, {"state_dict", "hyper_parameters"});
  const auto* hparams = pickle::find(file.root(), "hyper_parameters");
  const Entries* values = hparams ? mapping_of(*hparams) : nullptr;
  if (!values) return;
  std::string described;
  bool adaface = false;
  bool swapped = false;
  for (const auto& [key, value] : *values) {
    const auto name = key_text(key);
    if (!name) continue;
    described += (described.empty() ? "" : ", ") + *name + "=" + summary(value);
    const auto* real = std::get_if<double>(&value.content);
    const auto* integer = std::get_if<std::int64_t>(&value.content);
    if ((*name == "m" || *name == "h" || *name == "s" || *name == "t_alpha") && (real || integer)) {
      weights.head_parameters[*name] = real ? *real : static_cast<double>(*integer);
    }
    if (*name == "head") {
      if (const auto text = pickle::as_string(value)) weights.head_kind = std::string(*text);
    }
    if (*name == "arch") {
      const auto text = pickle::as_string(value);
      adaface = adaface || (text && (text->starts_with("ir_") || text->starts_with("ir_se")));
    }
    if (*name == "swap_color_channel") {
      if (const auto* flag = std::get_if<bool>(&value.content)) swapped = *flag;
    }
  }
  weights.notes.push_back("hyper_parameters: " + described);
  if (adaface) {
    weights.format = "AdaFace Lightning checkpoint";
    // AdaFace's training data and inference.py feed BGR; swap_color_channel trained on RGB instead.
    weights.color_order = swapped ? "rgb" : "bgr";
    weights.color_order_source = swapped ? "AdaFace's swap_color_channel=True (trained on RGB)"
                                         : "AdaFace trains and infers on BGR (its inference.py)";
  }
}

// ---- arcface_torch Partial FC shards ----

void read_shards(WeightsFile& weights, const fs::path& folder) {
  const std::regex shard_name(R"(checkpoint_gpu_(\d+)\.pt)");
  std::map<int, fs::path> shards;
  for (const auto& entry : fs::directory_iterator(folder)) {
    std::smatch match;
    const auto name = entry.path().filename().string();
    if (std::regex_match(name, match, shard_name)) shards[std::stoi(match[1])] = entry.path();
  }
  const int world = shards.empty() ? 0 : shards.rbegin()->first + 1;
  for (int rank = 0; rank < world; ++rank) {
    if (!shards.count(rank)) {
      std::string found;
      for (const auto& [r, path] : shards) found += (found.empty() ? "" : ", ") + path.filename().string();
      throw InvalidFile(
          fmt::format("{}: checkpoint_gpu_{}.pt is missing from a set of {} Partial FC shards "
                      "(found {}): every rank holds its own range of classes",
                      folder.string(), rank, world, found));
    }
  }
  weights.format = fmt::format("arcface_torch Partial FC shards ({} ranks)", world);
  // First the shapes, from the pickles alone; then each rank's rows straight into their columns of the classifier,
  // so that a classifier of millions of classes is held once (plus one rank's rows), not three times.
  std::vector<formats::TorchFile> files;
  std::vector<pickle::Tensor> rows;
  for (const auto& [rank, path] : shards) {
    files.push_back(formats::TorchFile::open(path.string()));
    const auto& file = files.back();
    weights.files.push_back(path);
    const auto* backbone = pickle::find(file.root(), "state_dict_backbone");
    const auto* classifier = pickle::find(file.root(), "state_dict_softmax_fc");
    if (!backbone || !classifier) {
      throw InvalidFile(path.string() +
                        ": not an arcface_torch shard (no state_dict_backbone / state_dict_softmax_fc)");
    }
    if (rank == 0) {
      weights.tensors = state_dict_tensors(file, *backbone, "state_dict_backbone");
      note_top_level(weights, *pickle::dict_entries(file.root()), {"state_dict_backbone", "state_dict_softmax_fc"});
    }
    const auto* weight = pickle::find(*classifier, "weight");
    const auto* tensor = weight ? std::get_if<pickle::Tensor>(&weight->content) : nullptr;
    if (!tensor || tensor->sizes.size() != 2) {
      throw InvalidFile(path.string() + ": state_dict_softmax_fc has no 2-D weight (rows of this rank's classes)");
    }
    rows.push_back(*tensor);
  }
  // PartialFC_V2's split of C classes over W ranks: rank r holds C / W classes, one more when r < C % W.
  std::int64_t classes = 0;
  for (const auto& tensor : rows) classes += tensor.sizes[0];
  const std::int64_t dimension = rows[0].sizes[1];
  for (int rank = 0; rank < world; ++rank) {
    const std::int64_t expected = classes / world + (rank < classes % world ? 1 : 0);
    const auto& sizes = rows[rank].sizes;
    if (sizes[0] != expected || sizes[1] != dimension) {
      throw InvalidFile(fmt::format(
          "{}: holds {} classes of dimension {}, but with {} ({} classes of dimension {}) a set of {} shards totalling "
          "{} classes gives rank {} {} classes: the shards are not one run's",
          shards[rank].string(), sizes[0], sizes[1], shards[0].filename().string(), rows[0].sizes[0], dimension, world,
          classes, rank, expected));
    }
  }
  auto kernel = torch::empty({dimension, classes});
  std::int64_t first = 0;
  for (int rank = 0; rank < world; ++rank) {
    const auto where = files[rank].origin() + ": state_dict_softmax_fc 'weight'";
    const auto shard = to_torch(files[rank].tensor(rows[rank]), where);
    kernel.narrow(1, first, shard.size(0)).copy_(shard.t());
    first += shard.size(0);
  }
  weights.kernel = kernel;
  weights.kernel_source = fmt::format("state_dict_softmax_fc.weight of {} ranks, concatenated in class order", world);
  weights.color_order = "rgb";
  weights.color_order_source = "arcface_torch trains on RGB";
}

// ---- CVLface ----

// CVLface's model.yaml is flat (input_size, color_space, name, output_dim, ...): its top-level scalars.
std::map<std::string, std::string> flat_yaml(const fs::path& path) {
  std::map<std::string, std::string> values;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == ' ' || line[0] == '-' || line[0] == '#') continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    value.erase(value.find_last_not_of(" \t\r") + 1);
    if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"')) value = value.substr(1, value.size() - 2);
    values[line.substr(0, colon)] = value;
  }
  return values;
}

void read_safetensors(WeightsFile& weights, const fs::path& path) {
  const auto file = formats::read_safetensors(path.string());
  weights.files.push_back(path);
  weights.format = "safetensors";
  for (const auto& [name, tensor] : file.tensors)
    weights.tensors[name] = to_torch(tensor, path.string() + ": '" + name + "'");
  for (const auto& [key, value] : file.metadata) weights.notes.push_back("metadata " + key + ": " + value);
  auto config = path;
  config.replace_extension(".yaml");
  if (fs::is_regular_file(config)) {
    weights.files.push_back(config);
    weights.format = "CVLface safetensors";
    const auto values = flat_yaml(config);
    std::string described;
    for (const auto& [key, value] : values) described += (described.empty() ? "" : ", ") + key + "=" + value;
    weights.notes.push_back(config.filename().string() + ": " + described);
    if (const auto color = values.find("color_space"); color != values.end()) {
      if (color->second != "RGB" && color->second != "BGR") {
        throw InvalidFile(config.string() + ": color_space = '" + color->second + "', expected RGB or BGR");
      }
      weights.color_order = color->second == "RGB" ? "rgb" : "bgr";
      weights.color_order_source = config.filename().string() + " color_space";
    }
  }
}

void read_torch_file(WeightsFile& weights, const fs::path& path) {
  const auto file = formats::TorchFile::open(path.string());
  weights.files.push_back(path);
  const auto* root = pickle::dict_entries(file.root());
  if (root && pickle::find(file.root(), "state_dict_backbone")) {
    // One shard named: the whole set is read from its folder.
    weights.files.clear();
    return read_shards(weights, path.parent_path().empty() ? fs::path(".") : path.parent_path());
  }
  if (root && pickle::find(file.root(), "state_dict")) return read_lightning(weights, file, *root);
  if (is_state_dict(file.root())) {
    weights.format = "state dict";
    weights.tensors = state_dict_tensors(file, file.root(), "the state dict");
    return;
  }
  throw InvalidFile(path.string() + ": holds " + pickle::described(file.root()) +
                    (root ? " with keys " + key_list(*root) : std::string()) +
                    ", expected a state dict (names and tensors), a Lightning checkpoint (state_dict) or an "
                    "arcface_torch shard (state_dict_backbone)");
}

}  // namespace

WeightsFile read_weights_file(const fs::path& path) {
  WeightsFile weights;
  if (fs::is_directory(path)) {
    for (const auto& entry : fs::directory_iterator(path)) {
      if (std::regex_match(entry.path().filename().string(), std::regex(R"(checkpoint_gpu_\d+\.pt)"))) {
        read_shards(weights, path);
        return weights;
      }
    }
    for (const char* name : {"model.safetensors", "backbone.pth", "model.pt", "backbone.pt"}) {
      if (fs::is_regular_file(path / name)) return read_weights_file(path / name);
    }
    throw InvalidFile(path.string() +
                      ": a folder without weights (looked for checkpoint_gpu_<rank>.pt shards, "
                      "model.safetensors, backbone.pth, model.pt, backbone.pt)");
  }
  if (!fs::exists(path)) throw InvalidFile(path.string() + ": no such file or folder");
  const auto mapped = formats::MappedFile::open(path.string());
  switch (formats::sniff_file_kind(mapped->bytes())) {
    case formats::FileKind::zip:
      read_torch_file(weights, path);
      break;
    case formats::FileKind::safetensors:
      read_safetensors(weights, path);
      break;
    case formats::FileKind::pickle:
    case formats::FileKind::unknown:
      throw InvalidFile(path.string() + ": " + formats::describe_file_kind(mapped->bytes()) +
                        ", expected a torch.save file (zip, PyTorch 1.6 or later) or a safetensors file");
  }
  if (weights.tensors.empty()) throw InvalidFile(path.string() + ": holds no tensors");
  return weights;
}

}  // namespace marginlab::importing
