#include "engine/formats/pickle.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdio>
#include <cstring>
#include <unordered_map>

#include "core/errors.h"
#include "engine/formats/byte_reader.h"

namespace marginlab::formats::pickle {
namespace {

// pickletools' names of every opcode up to protocol 5, so that a rejection says what the file asked for.
std::string_view opcode_name(std::uint8_t opcode) {
  switch (opcode) {
    case '(': return "MARK";
    case '.': return "STOP";
    case '0': return "POP";
    case '1': return "POP_MARK";
    case '2': return "DUP";
    case 'F': return "FLOAT";
    case 'I': return "INT";
    case 'J': return "BININT";
    case 'K': return "BININT1";
    case 'L': return "LONG";
    case 'M': return "BININT2";
    case 'N': return "NONE";
    case 'P': return "PERSID";
    case 'Q': return "BINPERSID";
    case 'R': return "REDUCE";
    case 'S': return "STRING";
    case 'T': return "BINSTRING";
    case 'U': return "SHORT_BINSTRING";
    case 'V': return "UNICODE";
    case 'X': return "BINUNICODE";
    case 'a': return "APPEND";
    case 'b': return "BUILD";
    case 'c': return "GLOBAL";
    case 'd': return "DICT";
    case '}': return "EMPTY_DICT";
    case 'e': return "APPENDS";
    case 'g': return "GET";
    case 'h': return "BINGET";
    case 'i': return "INST";
    case 'j': return "LONG_BINGET";
    case 'l': return "LIST";
    case ']': return "EMPTY_LIST";
    case 'o': return "OBJ";
    case 'p': return "PUT";
    case 'q': return "BINPUT";
    case 'r': return "LONG_BINPUT";
    case 's': return "SETITEM";
    case 't': return "TUPLE";
    case ')': return "EMPTY_TUPLE";
    case 'u': return "SETITEMS";
    case 'G': return "BINFLOAT";
    case 'B': return "BINBYTES";
    case 'C': return "SHORT_BINBYTES";
    case 0x80: return "PROTO";
    case 0x81: return "NEWOBJ";
    case 0x82: return "EXT1";
    case 0x83: return "EXT2";
    case 0x84: return "EXT4";
    case 0x85: return "TUPLE1";
    case 0x86: return "TUPLE2";
    case 0x87: return "TUPLE3";
    case 0x88: return "NEWTRUE";
    case 0x89: return "NEWFALSE";
    case 0x8a: return "LONG1";
    case 0x8b: return "LONG4";
    case 0x8c: return "SHORT_BINUNICODE";
    case 0x8d: return "BINUNICODE8";
    case 0x8e: return "BINBYTES8";
    case 0x8f: return "EMPTY_SET";
    case 0x90: return "ADDITEMS";
    case 0x91: return "FROZENSET";
    case 0x92: return "NEWOBJ_EX";
    case 0x93: return "STACK_GLOBAL";
    case 0x94: return "MEMOIZE";
    case 0x95: return "FRAME";
    case 0x96: return "BYTEARRAY8";
    case 0x97: return "NEXT_BUFFER";
    case 0x98: return "READONLY_BUFFER";
    default: return {};
  }
}

std::string hex_byte(std::uint8_t value) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%02x", value);
  return text;
}

// Names read from the file, quoted for a message: control and non-ASCII bytes escaped, long names cut.
std::string printable(std::string_view text) {
  constexpr std::size_t kMaxShown = 80;
  std::string shown;
  for (const char c : text.substr(0, kMaxShown)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f) {
      shown += c;
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      shown += escaped;
    }
  }
  if (text.size() > kMaxShown) shown += "...";
  return "'" + shown + "'";
}

// A pickle's deepest legitimate nesting is a Lightning checkpoint's optimizer state (about 7); the bound keeps the
// recursion of the values' destructors and of every walk over them shallow whatever the input.
constexpr int kMaxNesting = 32;

// What each name of a vocabulary means.
enum class Meaning {
  codecs_encode,
  bytes_type,
  numpy_reconstruct,
  numpy_frombuffer,
  numpy_ndarray,
  numpy_dtype,
  numpy_scalar,
  ordered_dict,
  default_dict,
  counter,
  rebuild_tensor,
  rebuild_tensor_v2,
  rebuild_parameter,
  rebuild_parameter_with_state,
  torch_device,
  torch_size,
  path,
  set,
  frozenset,
  type_tag,
};

struct KnownGlobal {
  std::string_view qualified;
  Meaning meaning;
  bool in_packs;  // part of the verification-pack vocabulary (every name is part of the checkpoint vocabulary)
};

// NumPy ≥ 2 moved numpy.core to numpy._core; Python 2 pickles name builtins __builtin__.
constexpr std::array kKnownGlobals{
    KnownGlobal{"_codecs.encode", Meaning::codecs_encode, true},
    // Python 3 at protocol 2 writes an empty bytes object as __builtin__.bytes().
    KnownGlobal{"__builtin__.bytes", Meaning::bytes_type, true},
    KnownGlobal{"numpy.core.multiarray._reconstruct", Meaning::numpy_reconstruct, true},
    KnownGlobal{"numpy._core.multiarray._reconstruct", Meaning::numpy_reconstruct, true},
    KnownGlobal{"numpy.core.numeric._frombuffer", Meaning::numpy_frombuffer, true},
    KnownGlobal{"numpy._core.numeric._frombuffer", Meaning::numpy_frombuffer, true},
    KnownGlobal{"numpy.ndarray", Meaning::numpy_ndarray, true},
    KnownGlobal{"numpy.dtype", Meaning::numpy_dtype, true},
    KnownGlobal{"numpy.core.multiarray.scalar", Meaning::numpy_scalar, false},
    KnownGlobal{"numpy._core.multiarray.scalar", Meaning::numpy_scalar, false},
    KnownGlobal{"collections.OrderedDict", Meaning::ordered_dict, false},
    KnownGlobal{"collections.defaultdict", Meaning::default_dict, false},
    // torch.optim.lr_scheduler.MultiStepLR keeps its milestones in a Counter.
    KnownGlobal{"collections.Counter", Meaning::counter, false},
    KnownGlobal{"torch._utils._rebuild_tensor", Meaning::rebuild_tensor, false},
    KnownGlobal{"torch._utils._rebuild_tensor_v2", Meaning::rebuild_tensor_v2, false},
    KnownGlobal{"torch._utils._rebuild_parameter", Meaning::rebuild_parameter, false},
    KnownGlobal{"torch._utils._rebuild_parameter_with_state", Meaning::rebuild_parameter_with_state, false},
    KnownGlobal{"torch.device", Meaning::torch_device, false},
    KnownGlobal{"torch.Size", Meaning::torch_size, false},
    KnownGlobal{"pathlib.PosixPath", Meaning::path, false},
    KnownGlobal{"pathlib.WindowsPath", Meaning::path, false},
    KnownGlobal{"pathlib.PurePosixPath", Meaning::path, false},
    KnownGlobal{"pathlib.PureWindowsPath", Meaning::path, false},
    // LibTorch's pickler (torch::pickle_save, TorchScript) annotates typed containers: the value, with its type.
    KnownGlobal{"torch.jit._pickle.restore_type_tag", Meaning::type_tag, false},
    KnownGlobal{"torch.jit._pickle.build_intlist", Meaning::type_tag, false},
    KnownGlobal{"torch.jit._pickle.build_doublelist", Meaning::type_tag, false},
    KnownGlobal{"torch.jit._pickle.build_boollist", Meaning::type_tag, false},
    KnownGlobal{"torch.jit._pickle.build_tensorlist", Meaning::type_tag, false},
    KnownGlobal{"builtins.set", Meaning::set, false},
    KnownGlobal{"__builtin__.set", Meaning::set, false},
    KnownGlobal{"builtins.frozenset", Meaning::frozenset, false},
    KnownGlobal{"__builtin__.frozenset", Meaning::frozenset, false},
};

const KnownGlobal* known_global(std::string_view qualified) {
  for (const auto& known : kKnownGlobals) {
    if (known.qualified == qualified) return &known;
  }
  return nullptr;
}

// A module or attribute path as Python writes one: letters, digits, '_' and '.'.
bool is_dotted_name(std::string_view text) {
  return !text.empty() && text.size() <= 200 && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
  });
}

Node* node_of(const Value& value) {
  if (const auto* list = std::get_if<List>(&value.content)) return list->node.get();
  if (const auto* set = std::get_if<Set>(&value.content)) return set->node.get();
  if (const auto* dict = std::get_if<Dict>(&value.content)) return dict->node.get();
  if (const auto* object = std::get_if<Object>(&value.content)) return object->node.get();
  return nullptr;
}

int depth_of(const Value& value) {
  if (const auto* tuple = std::get_if<Tuple>(&value.content)) return tuple->depth;
  const Node* node = node_of(value);
  return node ? node->depth : 0;
}

// Python 2 numpy wrote some flags as the ints 0 and 1 where Python 3 numpy writes bools.
std::optional<bool> as_flag(const Value& value) {
  if (const auto* flag = std::get_if<bool>(&value.content)) return *flag;
  if (const auto* number = std::get_if<std::int64_t>(&value.content)) {
    if (*number == 0 || *number == 1) return *number == 1;
  }
  return std::nullopt;
}

const std::int64_t* as_int(const Value& value) { return std::get_if<std::int64_t>(&value.content); }

// A stack machine over the opcodes of protocols 2-5. Errors name the origin, the offset of the opcode being executed
// and its name; running out of bytes inside an opcode names the offset where they ran out.
class Unpickler {
 public:
  Unpickler(std::span<const std::uint8_t> bytes, const std::string& origin, Vocabulary vocabulary)
      : bytes_(bytes), origin_(origin), vocabulary_(vocabulary), reader_(bytes, origin) {}

  Value load() {
    if (bytes_.empty()) throw InvalidFile(origin_ + ": empty file, expected a pickle");
    if (bytes_[0] != 0x80) {
      throw InvalidFile(origin_ + ": offset 0: not a pickle of protocol 2 or later (first byte " +
                        hex_byte(bytes_[0]) + ", expected 0x80 PROTO)");
    }
    for (;;) {
      if (reader_.at_end()) {
        throw InvalidFile(origin_ + ": offset " + std::to_string(reader_.offset()) +
                          ": the pickle ends without a STOP opcode (truncated file?)");
      }
      opcode_offset_ = reader_.offset();
      opcode_ = reader_.u8("opcode");
      if (opcode_ == '.') return finish();
      execute();
    }
  }

  int protocol() const { return protocol_; }

 private:
  [[noreturn]] void fail(const std::string& message) const {
    throw InvalidFile(origin_ + ": offset " + std::to_string(opcode_offset_) + ": " +
                      std::string(opcode_name(opcode_)) + ": " + message);
  }

  void execute() {
    switch (opcode_) {
      case 0x80: {
        if (opcode_offset_ != 0) fail("PROTO is allowed only at the start of the pickle");
        protocol_ = reader_.u8("PROTO version");
        if (protocol_ < 2 || protocol_ > 5) fail("pickle protocol " + std::to_string(protocol_) + " (expected 2 to 5)");
        return;
      }
      case 0x95: {  // FRAME: the frame's opcodes follow inline, only its length is there to check
        const std::uint64_t length = reader_.u64("FRAME length");
        if (length > reader_.remaining()) {
          fail("a frame of " + std::to_string(length) + " bytes, but only " + std::to_string(reader_.remaining()) +
               " are left (truncated file?)");
        }
        return;
      }
      case '(': marks_.push_back(stack_.size()); return;
      case '0':
        pop();
        return;
      case '1':
        pop_to_mark();
        return;
      case '2':
        return push(Value(top()));
      case ']':
        return push(List{std::make_shared<ListNode>()});
      case 'l': {
        auto node = std::make_shared<ListNode>();
        for (auto& item : pop_to_mark()) add_item(*node, node->items, std::move(item));
        return push(List{node});
      }
      case ')': return push(make_tuple({}));
      case 0x85: return push(make_tuple(pop_items(1)));
      case 0x86: return push(make_tuple(pop_items(2)));
      case 0x87: return push(make_tuple(pop_items(3)));
      case 't': return push(make_tuple(pop_to_mark()));
      case 'a': {
        Value item = pop();
        return append(top(), std::move(item));
      }
      case 'e': {
        Items items = pop_to_mark();
        Value& target = top();
        for (auto& item : items) append(target, std::move(item));
        return;
      }
      case '}':
        return push(Dict{std::make_shared<DictNode>()});
      case 'd': {
        auto node = std::make_shared<DictNode>();
        set_items(*node, pop_to_mark());
        return push(Dict{node});
      }
      case 's':
        return set_items_of(top_below(pop_items(2)));
      case 'u':
        return set_items_of(top_below(pop_to_mark()));
      case 0x8f:
        return push(Set{std::make_shared<ListNode>(), false});
      case 0x90: {
        Items items = pop_to_mark();
        Value& target = top();
        auto* set = std::get_if<Set>(&target.content);
        if (!set || set->frozen) fail("adds items to " + described(target) + ", expected a set");
        for (auto& item : items) add_item(writable(*set->node, target), set->node->items, std::move(item));
        return;
      }
      case 0x91: {
        auto node = std::make_shared<ListNode>();
        for (auto& item : pop_to_mark()) add_item(*node, node->items, std::move(item));
        return push(Set{node, true});
      }
      case 0x88:
        return push(Value{true});
      case 0x89:
        return push(Value{false});
      case 'N':
        return push(Value{None{}});
      case 'K':
        return push(Value{std::int64_t{reader_.u8("BININT1 value")}});
      case 'M':
        return push(Value{std::int64_t{reader_.u16("BININT2 value")}});
      case 'J':
        return push(Value{std::int64_t{reader_.i32("BININT value")}});
      case 0x8a:
        return push(long_int(reader_.u8("LONG1 length")));
      case 0x8b: {
        const std::int32_t length = reader_.i32("LONG4 length");
        if (length < 0) fail("negative length " + std::to_string(length));
        return push(long_int(static_cast<std::uint64_t>(length)));
      }
      case 'G': {  // BINFLOAT: big-endian IEEE 754
        std::uint64_t bits = reader_.u64("BINFLOAT value");
        bits = __builtin_bswap64(bits);
        return push(Value{std::bit_cast<double>(bits)});
      }
      case 'U':
        return push(Value{byte_string(reader_.u8("SHORT_BINSTRING length"), ByteSource::python2_str)});
      case 'T': {
        const std::int32_t length = reader_.i32("BINSTRING length");
        if (length < 0) fail("negative length " + std::to_string(length));
        return push(Value{byte_string(static_cast<std::uint64_t>(length), ByteSource::python2_str)});
      }
      case 'C':
        return push(Value{byte_string(reader_.u8("SHORT_BINBYTES length"), ByteSource::bytes)});
      case 'B':
        return push(Value{byte_string(reader_.u32("BINBYTES length"), ByteSource::bytes)});
      case 0x8e:
        return push(Value{byte_string(reader_.u64("BINBYTES8 length"), ByteSource::bytes)});
      case 0x96:
        return push(Value{byte_string(reader_.u64("BYTEARRAY8 length"), ByteSource::bytearray)});
      case 'X':
        return push(Value{text(reader_.u32("BINUNICODE length"))});
      case 0x8c:
        return push(Value{text(reader_.u8("SHORT_BINUNICODE length"))});
      case 0x8d:
        return push(Value{text(reader_.u64("BINUNICODE8 length"))});
      case 'q': return memo_put(reader_.u8("BINPUT index"));
      case 'r': return memo_put(reader_.u32("LONG_BINPUT index"));
      case 0x94: return memo_put(memo_.size());
      case 'h': return memo_get(reader_.u8("BINGET index"));
      case 'j': return memo_get(reader_.u32("LONG_BINGET index"));
      case 'c': {
        const std::string_view module = line("GLOBAL module");
        const std::string_view name = line("GLOBAL name");
        return push(Value{resolve(module, name)});
      }
      case 0x93: {
        const Value name = pop();
        const Value module = pop();
        const auto* module_text = std::get_if<Str>(&module.content);
        const auto* name_text = std::get_if<Str>(&name.content);
        if (!module_text || !name_text) {
          fail("module and name are " + described(module) + " and " + described(name) + ", expected two str");
        }
        return push(Value{resolve(*module_text->utf8, *name_text->utf8)});
      }
      case 'R': {
        Value arguments = pop();
        const Value callable = pop();
        return push(call(callable, std::move(arguments)));
      }
      case 0x81: {
        Value arguments = pop();
        const Value type = pop();
        return push(instantiate(type, std::move(arguments), std::nullopt));
      }
      case 0x92: {
        Value keywords = pop();
        Value arguments = pop();
        const Value type = pop();
        return push(instantiate(type, std::move(arguments), std::move(keywords)));
      }
      case 'Q': {
        Value id = pop();
        return push(persistent_load(id));
      }
      case 'b': {
        Value state = pop();
        return build(top(), std::move(state));
      }
      default: {
        const std::string_view name = opcode_name(opcode_);
        throw InvalidFile(origin_ + ": offset " + std::to_string(opcode_offset_) + ": " +
                          (name.empty() ? "unknown pickle opcode " + hex_byte(opcode_)
                                        : "unsupported pickle opcode " + hex_byte(opcode_) + " (" +
                                              std::string(name) + ")"));
      }
    }
  }

  Value finish() {
    if (!marks_.empty()) fail("a MARK is still open");
    if (stack_.size() != 1) fail("expected one object on the stack, found " + std::to_string(stack_.size()));
    return std::move(stack_.back());
  }

  // ---- the stack; MARK hides what lies below it, as in CPython ----

  std::size_t floor() const { return marks_.empty() ? 0 : marks_.back(); }
  std::size_t available() const { return stack_.size() - floor(); }

  void push(Value value) { stack_.push_back(std::move(value)); }
  template <typename T>
  void push(T content) {
    stack_.push_back(Value{std::move(content)});
  }

  Value& top() {
    if (available() == 0) fail(marks_.empty() ? "the stack is empty" : "nothing on the stack above the MARK");
    return stack_.back();
  }

  Value pop() {
    Value value = std::move(top());
    stack_.pop_back();
    return value;
  }

  Items pop_items(std::size_t count) {
    if (available() < count) {
      fail("needs " + std::to_string(count) + " objects on the stack, found " + std::to_string(available()));
    }
    Items items(std::make_move_iterator(stack_.end() - static_cast<std::ptrdiff_t>(count)),
                std::make_move_iterator(stack_.end()));
    stack_.resize(stack_.size() - count);
    return items;
  }

  Items pop_to_mark() {
    if (marks_.empty()) fail("no MARK before it");
    const std::size_t mark = marks_.back();
    marks_.pop_back();
    Items items(std::make_move_iterator(stack_.begin() + static_cast<std::ptrdiff_t>(mark)),
                std::make_move_iterator(stack_.end()));
    stack_.resize(mark);
    return items;
  }

  // The items taken off the stack, checked to leave their target below them.
  std::pair<Value*, Items> top_below(Items items) { return {&top(), std::move(items)}; }

  // ---- containers: an object inside another is sealed, so that no cycle can form ----

  // The node of `owner`, checked to be still open for changes.
  template <typename NodeType>
  NodeType& writable(NodeType& node, const Value& owner) {
    if (node.sealed) {
      fail("changes " + described(owner) +
           " that is already inside another object (refused: it could close a reference cycle)");
    }
    return node;
  }

  // Seals `item` and records the depth it adds to `owner`.
  void admit(Node& owner, const Value& item) {
    Node* inner = node_of(item);
    if (inner == &owner) fail("puts " + described(item) + " inside itself (a reference cycle)");
    const int depth = depth_of(item) + 1;
    if (depth > kMaxNesting) fail("objects nested more than " + std::to_string(kMaxNesting) + " deep");
    owner.depth = std::max(owner.depth, depth);
    if (inner) inner->sealed = true;
  }

  void add_item(Node& owner, Items& items, Value item) {
    admit(owner, item);
    items.push_back(std::move(item));
  }

  void append(Value& target, Value item) {
    if (auto* list = std::get_if<List>(&target.content)) {
      return add_item(writable(*list->node, target), list->node->items, std::move(item));
    }
    if (auto* object = std::get_if<Object>(&target.content)) {
      return add_item(writable(*object->node, target), object->node->items, std::move(item));
    }
    fail("appends to " + described(target) + ", expected a list");
  }

  // Python's d[key] = value: a str or int key seen before keeps its place and takes the new value.
  void set_item(DictNode& dict, Value key, Value value) {
    admit(dict, key);
    admit(dict, value);
    std::optional<std::size_t> existing;
    if (const auto* text = std::get_if<Str>(&key.content)) {
      if (const auto found = dict.text_index.find(*text->utf8); found != dict.text_index.end())
        existing = found->second;
    } else if (const auto* number = as_int(key)) {
      if (const auto found = dict.int_index.find(*number); found != dict.int_index.end()) existing = found->second;
    }
    if (existing) {
      dict.entries[*existing].second = std::move(value);
      return;
    }
    // The view stays valid: the entry's key holds the shared text.
    if (const auto* text = std::get_if<Str>(&key.content)) dict.text_index[*text->utf8] = dict.entries.size();
    if (const auto* number = as_int(key)) dict.int_index[*number] = dict.entries.size();
    dict.entries.emplace_back(std::move(key), std::move(value));
  }

  void set_items(DictNode& dict, Items items) {
    if (items.size() % 2 != 0)
      fail("an odd number of objects (" + std::to_string(items.size()) + ") for key/value pairs");
    for (std::size_t i = 0; i < items.size(); i += 2) set_item(dict, std::move(items[i]), std::move(items[i + 1]));
  }

  void set_items_of(std::pair<Value*, Items> target_and_items) {
    auto& [target, items] = target_and_items;
    if (auto* dict = std::get_if<Dict>(&target->content))
      return set_items(writable(*dict->node, *target), std::move(items));
    if (auto* object = std::get_if<Object>(&target->content)) {
      ObjectNode& node = writable(*object->node, *target);
      if (items.size() % 2 != 0) fail("an odd number of objects for key/value pairs");
      for (std::size_t i = 0; i < items.size(); i += 2) {
        admit(node, items[i]);
        admit(node, items[i + 1]);
        node.entries.emplace_back(std::move(items[i]), std::move(items[i + 1]));
      }
      return;
    }
    fail("sets items of " + described(*target) + ", expected a dict");
  }

  Value make_tuple(Items items) {
    Tuple tuple;
    for (const auto& item : items) {
      const int depth = depth_of(item) + 1;
      if (depth > kMaxNesting) fail("objects nested more than " + std::to_string(kMaxNesting) + " deep");
      tuple.depth = std::max(tuple.depth, depth);
      if (Node* inner = node_of(item)) inner->sealed = true;
    }
    tuple.items = std::make_shared<const Items>(std::move(items));
    return Value{tuple};
  }

  // ---- data ----

  Value long_int(std::uint64_t length) {
    const auto bytes = take(length, "LONG data");
    if (length > 8) return Value{BigInt{static_cast<std::size_t>(length)}};
    std::uint64_t bits = 0;
    for (std::size_t i = 0; i < bytes.size(); ++i) bits |= std::uint64_t{bytes[i]} << (8 * i);
    // Two's complement of `length` bytes, sign-extended.
    if (length > 0 && length < 8 && (bytes.back() & 0x80)) bits |= ~std::uint64_t{0} << (8 * length);
    return Value{static_cast<std::int64_t>(bits)};
  }

  Bytes byte_string(std::uint64_t length, ByteSource source) {
    const char* what = source == ByteSource::python2_str ? "string data"
                       : source == ByteSource::bytearray ? "bytearray data"
                                                         : "bytes data";
    return Bytes{take(length, what), nullptr, source};
  }

  Str text(std::uint64_t length) {
    const auto utf8 = take(length, "str data");
    return Str{std::make_shared<const std::string>(utf8.begin(), utf8.end())};
  }

  std::span<const std::uint8_t> take(std::uint64_t length, const char* what) {
    if (length > reader_.remaining()) {  // checked here too so that a 64-bit length is never narrowed
      fail("needs " + std::to_string(length) + " bytes of " + what + ", only " +
           std::to_string(reader_.remaining()) + " are left (truncated file?)");
    }
    return reader_.take(static_cast<std::size_t>(length), what);
  }

  std::string_view line(const char* what) {
    const auto start = static_cast<std::size_t>(reader_.offset());
    const auto rest = bytes_.subspan(start);
    const auto newline = std::find(rest.begin(), rest.end(), std::uint8_t{'\n'});
    if (newline == rest.end()) fail(std::string(what) + " has no end of line (truncated file?)");
    const auto length = static_cast<std::size_t>(newline - rest.begin());
    reader_.take(length + 1, what);
    return {reinterpret_cast<const char*>(rest.data()), length};
  }

  // ---- memo ----

  void memo_put(std::uint64_t index) { memo_[index] = top(); }

  void memo_get(std::uint64_t index) {
    const auto found = memo_.find(index);
    if (found == memo_.end()) fail("the memo has no entry " + std::to_string(index));
    push(found->second);
  }

  // ---- globals, calls and objects ----

  Global resolve(std::string_view module, std::string_view name) const {
    const std::string qualified = std::string(module) + "." + std::string(name);
    const KnownGlobal* known = known_global(qualified);
    if (vocabulary_ == Vocabulary::verification_pack && !(known && known->in_packs)) {
      fail("unsupported global " + printable(std::string(module) + " " + std::string(name)) +
           " (a verification pack holds only bytes, numpy uint8 arrays and booleans)");
    }
    if (!is_dotted_name(module) || !is_dotted_name(name)) {
      fail("the global " + printable(std::string(module) + " " + std::string(name)) + " is not a Python name");
    }
    return Global{qualified, known != nullptr};
  }

  const KnownGlobal* meaning_of(const Value& callable, const char* how) const {
    const auto* global = std::get_if<Global>(&callable.content);
    if (!global) fail(std::string(how) + " " + described(callable) + ", expected a class or function named by GLOBAL");
    return known_global(global->qualified);
  }

  const Items& arguments_of(const Value& arguments, std::string_view callable) const {
    const auto* tuple = std::get_if<Tuple>(&arguments.content);
    if (!tuple) fail(std::string(callable) + "'s arguments are " + described(arguments) + ", expected a tuple");
    return *tuple->items;
  }

  void expect_arguments(const Items& args, std::size_t count, std::string_view callable) const {
    if (args.size() != count) {
      fail(std::string(callable) + " with " + std::to_string(args.size()) + " arguments, expected " +
           std::to_string(count));
    }
  }

  Value call(const Value& callable, Value arguments) {
    const KnownGlobal* known = meaning_of(callable, "calls");
    const std::string& name = std::get<Global>(callable.content).qualified;
    if (!known) {
      fail("calls " + name +
           ": MarginLab reads tensors and plain data from a pickle and never runs its functions, so a file that "
           "calls anything else is refused (save the weights alone: torch.save(model.state_dict(), path))");
    }
    const Items& args = arguments_of(arguments, name);
    switch (known->meaning) {
      case Meaning::codecs_encode:
        return Value{codecs_encode(args)};
      case Meaning::bytes_type:
        if (!args.empty()) fail("__builtin__.bytes with arguments (only bytes() is written, for b'')");
        return Value{Bytes{{}, nullptr, ByteSource::bytes}};
      case Meaning::numpy_dtype:
        return Value{make_dtype(args)};
      case Meaning::numpy_reconstruct:
        return Value{reconstruct(name, args)};
      case Meaning::numpy_frombuffer:
        return Value{frombuffer(name, args)};
      case Meaning::numpy_scalar:
        return numpy_scalar(args);
      case Meaning::ordered_dict:
      case Meaning::default_dict:
        // OrderedDict() takes no arguments when pickled (its items follow); defaultdict(factory) names the factory,
        // which is never called here.
        if (args.size() > (known->meaning == Meaning::default_dict ? 1u : 0u)) {
          fail(name + " with " + std::to_string(args.size()) + " arguments");
        }
        return Value{Dict{std::make_shared<DictNode>()}};
      case Meaning::counter: {
        // Counter(mapping): the counts are the mapping's entries.
        auto node = std::make_shared<DictNode>();
        if (!args.empty()) {
          const auto* entries = args.size() == 1 ? dict_entries(args[0]) : nullptr;
          if (!entries) fail(name + " of " + described(args[0]) + ", expected a dict");
          for (const auto& [key, count] : *entries) set_item(*node, key, count);
        }
        return Value{Dict{node}};
      }
      case Meaning::rebuild_tensor:
        expect_arguments(args, 4, name);
        return rebuild_tensor(args);
      case Meaning::rebuild_tensor_v2:
        if (args.size() != 6 && args.size() != 7) expect_arguments(args, 6, name);
        return rebuild_tensor(args);
      case Meaning::rebuild_parameter:
      case Meaning::rebuild_parameter_with_state:
        expect_arguments(args, known->meaning == Meaning::rebuild_parameter ? 3 : 4, name);
        if (!std::holds_alternative<Tensor>(args[0].content)) {
          fail(name + "'s data is " + described(args[0]) + ", expected a tensor");
        }
        return args[0];
      case Meaning::type_tag:
        // restore_type_tag(value, 'Dict[str, Tensor]'), build_intlist([...]): the value itself.
        if (args.empty() || args.size() > 2) expect_arguments(args, 2, name);
        return args[0];
      case Meaning::torch_size:
        expect_arguments(args, 1, name);
        if (!std::holds_alternative<Tuple>(args[0].content)) fail("torch.Size of " + described(args[0]));
        return args[0];
      case Meaning::set:
      case Meaning::frozenset: {
        auto node = std::make_shared<ListNode>();
        if (!args.empty()) {
          const auto* list = std::get_if<List>(&args[0].content);
          if (args.size() != 1 || !list) fail(name + " of " + described(args[0]) + ", expected a list");
          for (const auto& item : list->node->items) add_item(*node, node->items, item);
        }
        return Value{Set{node, known->meaning == Meaning::frozenset}};
      }
      case Meaning::torch_device:
      case Meaning::path: {
        // Data-only values kept as objects for description: torch.device('cuda', 0), PosixPath('/data', 'x').
        auto node = std::make_shared<ObjectNode>();
        node->class_name = name;
        for (const auto& item : args) add_item(*node, node->arguments, item);
        return Value{Object{node}};
      }
      case Meaning::numpy_ndarray:
        break;
    }
    fail("numpy.ndarray is called only through numpy's _reconstruct");
  }

  // NEWOBJ / NEWOBJ_EX: cls.__new__(cls, *args), which pickle uses for plain instances. No __init__ runs in Python
  // either, and nothing runs here: the instance is an opaque Object.
  Value instantiate(const Value& type, Value arguments, std::optional<Value> keywords) {
    const KnownGlobal* known = meaning_of(type, "instantiates");
    const std::string& name = std::get<Global>(type.content).qualified;
    const Items& args = arguments_of(arguments, name);
    if (known && (known->meaning == Meaning::ordered_dict || known->meaning == Meaning::default_dict)) {
      return Value{Dict{std::make_shared<DictNode>()}};
    }
    if (known && known->meaning != Meaning::torch_device && known->meaning != Meaning::path) {
      fail("instantiates " + name + " without calling it, which its pickles never do");
    }
    auto node = std::make_shared<ObjectNode>();
    node->class_name = name;
    for (const auto& item : args) add_item(*node, node->arguments, item);
    if (keywords) admit(*node, *keywords);
    return Value{Object{node}};
  }

  void build(Value& target, Value state) {
    if (auto* dtype = std::get_if<Dtype>(&target.content))
      return build_dtype(*dtype->state, tuple_state(target, state));
    if (auto* array = std::get_if<Array>(&target.content))
      return build_array(*array->state, tuple_state(target, state));
    if (auto* dict = std::get_if<Dict>(&target.content)) {
      DictNode& node = writable(*dict->node, target);
      if (node.state) fail("sets the state of " + described(target) + " twice");
      admit(node, state);
      node.state = std::move(state);
      return;
    }
    if (auto* object = std::get_if<Object>(&target.content)) {
      ObjectNode& node = writable(*object->node, target);
      if (node.state) fail("sets the state of " + described(target) + " twice");
      admit(node, state);
      node.state = std::move(state);
      return;
    }
    fail("sets the state of " + described(target) + " (only objects, dicts and numpy values have one)");
  }

  const Items& tuple_state(const Value& target, const Value& state) const {
    const auto* tuple = std::get_if<Tuple>(&state.content);
    if (!tuple) fail("the state of " + described(target) + " is " + described(state) + ", expected a tuple");
    return *tuple->items;
  }

  // ---- torch ----

  // ('storage', torch.FloatStorage, key, location, numel): the storage whose bytes are the archive's data/<key>.
  Value persistent_load(const Value& id) {
    if (vocabulary_ != Vocabulary::checkpoint) fail("persistent ids are not part of a verification pack");
    const auto* tuple = std::get_if<Tuple>(&id.content);
    const Items* items = tuple ? tuple->items.get() : nullptr;
    const bool shaped = items && items->size() == 5 && as_string((*items)[0]) == "storage" &&
                        std::holds_alternative<Global>((*items)[1].content) && as_string((*items)[2]) &&
                        as_string((*items)[3]) && as_int((*items)[4]);
    if (!shaped) {
      fail("a persistent id that is not ('storage', storage type, key, location, numel): " + described(id));
    }
    const std::string& type_name = std::get<Global>((*items)[1].content).qualified;
    const std::string_view prefix = "torch.";
    const auto type = type_name.starts_with(prefix)
                          ? element_type_of_storage(std::string_view(type_name).substr(prefix.size()))
                          : std::nullopt;
    if (!type) fail("storage of type " + type_name + ", which this reader does not know");
    auto storage = std::make_shared<Storage>();
    storage->type = *type;
    storage->key = std::string(*as_string((*items)[2]));
    storage->location = std::string(*as_string((*items)[3]));
    storage->numel = *as_int((*items)[4]);
    const bool plain_key =
        !storage->key.empty() && storage->key.size() <= 64 &&
        std::all_of(storage->key.begin(), storage->key.end(), [](char c) {
          return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        });
    if (!plain_key) fail("storage key " + printable(storage->key) + " is not a plain name");
    if (storage->numel < 0) fail("storage of " + std::to_string(storage->numel) + " elements");
    return Value{std::shared_ptr<const Storage>(std::move(storage))};
  }

  // _rebuild_tensor[_v2](storage, offset, size, stride, ...): a view whose every element lies inside the storage.
  Value rebuild_tensor(const Items& args) {
    const auto* storage = std::get_if<std::shared_ptr<const Storage>>(&args[0].content);
    const auto* offset = as_int(args[1]);
    const auto* sizes = std::get_if<Tuple>(&args[2].content);
    const auto* strides = std::get_if<Tuple>(&args[3].content);
    if (!storage || !offset || !sizes || !strides) {
      fail("a tensor rebuilt from (" + type_name(args[0]) + ", " + type_name(args[1]) + ", " + type_name(args[2]) +
           ", " + type_name(args[3]) + "), expected (storage, int, tuple, tuple)");
    }
    Tensor tensor;
    tensor.storage = *storage;
    tensor.offset = *offset;
    if (sizes->items->size() != strides->items->size() || sizes->items->size() > 32) {
      fail("a tensor of " + std::to_string(sizes->items->size()) + " sizes and " +
           std::to_string(strides->items->size()) + " strides");
    }
    bool empty = false;
    for (std::size_t i = 0; i < sizes->items->size(); ++i) {
      const auto* size = as_int((*sizes->items)[i]);
      const auto* stride = as_int((*strides->items)[i]);
      if (!size || !stride || *size < 0 || *stride < 0) fail("a tensor size or stride that is not an int >= 0");
      tensor.sizes.push_back(*size);
      tensor.strides.push_back(*stride);
      empty = empty || *size == 0;
    }
    if (tensor.offset < 0) fail("a tensor at storage offset " + std::to_string(tensor.offset));
    if (!empty) {
      // The last element's index must be inside the storage; overflow means it cannot be.
      std::int64_t last = tensor.offset;
      bool overflow = false;
      for (std::size_t i = 0; i < tensor.sizes.size(); ++i) {
        std::int64_t reach = 0;
        overflow = overflow || __builtin_mul_overflow(tensor.sizes[i] - 1, tensor.strides[i], &reach) ||
                   __builtin_add_overflow(last, reach, &last);
      }
      if (overflow || last >= tensor.storage->numel) {
        fail("a tensor of shape " + shape_text(tensor.sizes) + " at offset " + std::to_string(tensor.offset) +
             " reaches beyond its storage '" + tensor.storage->key + "' of " + std::to_string(tensor.storage->numel) +
             " elements");
      }
    }
    return Value{std::move(tensor)};
  }

  // ---- numpy ----

  // Python 3 at protocol 2 writes bytes b as _codecs.encode(b.decode('latin1'), 'latin1'): the text's code points
  // are the bytes.
  Bytes codecs_encode(const Items& args) {
    expect_arguments(args, 2, "_codecs.encode");
    const auto* text = std::get_if<Str>(&args[0].content);
    const auto encoding = as_string(args[1]);
    if (!text || !std::holds_alternative<Str>(args[1].content) || encoding != "latin1") {
      fail("_codecs.encode(" + type_name(args[0]) + ", " +
           (encoding ? printable(*encoding) : type_name(args[1])) + "), expected (str, 'latin1')");
    }
    const std::string& utf8 = *text->utf8;
    // Decoded bytes are never longer than their UTF-8 text; a file whose _codecs calls produce more than its own
    // size reuses texts to inflate memory and is refused.
    decoded_bytes_ += utf8.size();
    if (decoded_bytes_ > bytes_.size()) fail("_codecs.encode results larger than the file itself");
    auto decoded = std::make_shared<std::vector<std::uint8_t>>();
    decoded->reserve(utf8.size());
    for (std::size_t i = 0; i < utf8.size(); ++i) {
      const auto lead = static_cast<std::uint8_t>(utf8[i]);
      if (lead < 0x80) {
        decoded->push_back(lead);
        continue;
      }
      const auto next = i + 1 < utf8.size() ? static_cast<std::uint8_t>(utf8[i + 1]) : std::uint8_t{0};
      if ((lead != 0xc2 && lead != 0xc3) || (next & 0xc0) != 0x80) {
        fail("_codecs.encode: the text is not latin-1 in UTF-8 (byte " + std::to_string(i) + " is " +
             hex_byte(lead) + ")");
      }
      decoded->push_back(static_cast<std::uint8_t>(((lead & 0x03) << 6) | (next & 0x3f)));
      ++i;
    }
    return Bytes{std::span<const std::uint8_t>(*decoded), decoded, ByteSource::codecs_latin1};
  }

  // numpy.dtype(name, align, copy): plain numeric types only ("u1", "f4", "b1", ...), whose itemsize is in the name.
  Dtype make_dtype(const Items& args) {
    expect_arguments(args, 3, "numpy.dtype");
    const auto name = as_string(args[0]);
    if (!name || !as_flag(args[1]) || !as_flag(args[2])) {
      fail("numpy.dtype(" + type_name(args[0]) + ", " + type_name(args[1]) + ", " + type_name(args[2]) +
           "), expected (str, bool, bool)");
    }
    const bool numeric_kind = !name->empty() && std::string_view("biufc").find(name->front()) != std::string_view::npos;
    const bool plain = numeric_kind && name->size() >= 2 && name->size() <= 3 &&
                       std::all_of(name->begin() + 1, name->end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!plain) fail("numpy dtype " + printable(*name) + " is not a plain numeric type");
    auto state = std::make_shared<DtypeState>();
    state->name = *name;
    for (const char digit : name->substr(1)) {
      state->itemsize = state->itemsize * 10 + static_cast<std::size_t>(digit - '0');
    }
    if (state->itemsize == 0) fail("numpy dtype " + printable(*name) + " has no size");
    return Dtype{state};
  }

  // numpy.core.multiarray.scalar(dtype, bytes): a numpy number (np.float32(0.98) in a callback's state).
  Value numpy_scalar(const Items& args) {
    const auto* dtype = args.size() == 2 ? std::get_if<Dtype>(&args[0].content) : nullptr;
    const auto* data = args.size() == 2 ? std::get_if<Bytes>(&args[1].content) : nullptr;
    if (!dtype || !data || data->view.size() != dtype->state->itemsize) {
      fail("numpy scalar that is not (dtype, bytes of its size)");
    }
    const std::string& name = dtype->state->name;
    const auto* raw = data->view.data();
    if (name == "f8") return Value{load_as<double>(raw)};
    if (name == "f4") return Value{static_cast<double>(load_as<float>(raw))};
    if (name == "i8") return Value{load_as<std::int64_t>(raw)};
    if (name == "i4") return Value{std::int64_t{load_as<std::int32_t>(raw)}};
    if (name == "b1") return Value{raw[0] != 0};
    fail("numpy scalar of dtype '" + name + "'");
  }

  template <typename T>
  static T load_as(const std::uint8_t* raw) {
    T value;
    std::memcpy(&value, raw, sizeof value);
    return value;
  }

  // numpy.core.multiarray._reconstruct(numpy.ndarray, (0,), b'b'): an empty array that BUILD fills.
  Array reconstruct(const std::string& name, const Items& args) {
    expect_arguments(args, 3, name);
    const auto* type = std::get_if<Global>(&args[0].content);
    const KnownGlobal* known = type ? known_global(type->qualified) : nullptr;
    if (!known || known->meaning != Meaning::numpy_ndarray || !std::holds_alternative<Tuple>(args[1].content) ||
        !as_string(args[2])) {
      fail(name + "(" + type_name(args[0]) + ", " + type_name(args[1]) + ", " + type_name(args[2]) +
           "), expected (numpy.ndarray, tuple, bytes)");
    }
    auto state = std::make_shared<ArrayState>();
    state->constructor = name;
    return Array{state};
  }

  // numpy.core.numeric._frombuffer(buffer, dtype, shape, order): protocol 5's whole array in one call.
  Array frombuffer(const std::string& name, const Items& args) {
    expect_arguments(args, 4, name);
    const auto* buffer = std::get_if<Bytes>(&args[0].content);
    const auto* dtype = std::get_if<Dtype>(&args[1].content);
    const auto* shape = std::get_if<Tuple>(&args[2].content);
    const auto order = as_string(args[3]);
    if (!buffer || !dtype || !shape || (order != "C" && order != "F")) {
      fail(name + "(" + type_name(args[0]) + ", " + type_name(args[1]) + ", " + type_name(args[2]) + ", " +
           type_name(args[3]) + "), expected (bytearray, numpy.dtype, tuple, 'C' or 'F')");
    }
    auto state = std::make_shared<ArrayState>();
    state->constructor = name;
    fill_array(*state, *shape, *dtype, *buffer);
    return Array{state};
  }

  void fill_array(ArrayState& array, const Tuple& shape, const Dtype& dtype, const Bytes& data) {
    constexpr std::size_t kMaxDimensions = 32;  // numpy's own limit
    if (shape.items->size() > kMaxDimensions) fail("an array of more than 32 dimensions");
    std::uint64_t elements = 1;
    bool overflow = false;  // no data can match such a shape, unless another extent is 0
    for (const auto& item : *shape.items) {
      const auto* extent = as_int(item);
      if (!extent || *extent < 0) fail("an array shape holds " + described(item) + ", expected sizes >= 0");
      array.shape.push_back(*extent);
      overflow = overflow || __builtin_mul_overflow(elements, static_cast<std::uint64_t>(*extent), &elements);
    }
    const bool empty = std::find(array.shape.begin(), array.shape.end(), 0) != array.shape.end();
    std::uint64_t expected = 0;
    if (!empty && (overflow || __builtin_mul_overflow(elements, dtype.state->itemsize, &expected))) {
      fail("an array of shape " + shape_text(array.shape) + " cannot fit in the file");
    }
    if (expected != data.view.size()) {
      fail("an array of shape " + shape_text(array.shape) + " and dtype '" + dtype.state->name + "' needs " +
           std::to_string(expected) + " bytes of data, found " + std::to_string(data.view.size()));
    }
    array.dtype = dtype.state;
    array.data = data;
    array.built = true;
  }

  // numpy's dtype state, version 3: (3, byte order, subarray, names, fields, elsize, alignment, flags).
  void build_dtype(DtypeState& dtype, const Items& items) {
    if (dtype.built) fail("builds a numpy dtype twice");
    const auto byte_order = items.size() == 8 ? as_string(items[1]) : std::nullopt;
    const bool plain = items.size() == 8 && as_int(items[0]) && *as_int(items[0]) == 3 && byte_order &&
                       byte_order->size() == 1 &&
                       std::string_view("<>|=").find((*byte_order)[0]) != std::string_view::npos &&
                       std::holds_alternative<None>(items[2].content) &&
                       std::holds_alternative<None>(items[3].content) && std::holds_alternative<None>(items[4].content);
    if (!plain) fail("a numpy dtype state that is not (3, byte order, None, None, None, ...) of a plain type");
    dtype.byte_order = (*byte_order)[0];
    dtype.built = true;
  }

  // numpy's array state, version 1: (1, shape, dtype, is_fortran, raw data).
  void build_array(ArrayState& array, const Items& items) {
    if (array.built) fail("builds a numpy array twice");
    const auto* version = items.size() == 5 ? as_int(items[0]) : nullptr;
    const auto* shape = items.size() == 5 ? std::get_if<Tuple>(&items[1].content) : nullptr;
    const auto* dtype = items.size() == 5 ? std::get_if<Dtype>(&items[2].content) : nullptr;
    const auto* data = items.size() == 5 ? std::get_if<Bytes>(&items[4].content) : nullptr;
    if (!version || *version != 1 || !shape || !dtype || !as_flag(items[3]) || !data) {
      fail("a numpy array state that is not (1, shape, dtype, is_fortran, bytes)");
    }
    fill_array(array, *shape, *dtype, *data);
  }

  std::span<const std::uint8_t> bytes_;
  std::string origin_;
  Vocabulary vocabulary_;
  ByteReader reader_;
  std::uint64_t opcode_offset_ = 0;
  std::uint8_t opcode_ = 0;
  int protocol_ = 0;
  std::vector<Value> stack_;
  std::vector<std::size_t> marks_;  // stack sizes at each open MARK
  std::unordered_map<std::uint64_t, Value> memo_;
  std::uint64_t decoded_bytes_ = 0;
};

}  // namespace

Pickle load(std::span<const std::uint8_t> bytes, const std::string& origin, Vocabulary vocabulary) {
  Unpickler unpickler(bytes, origin, vocabulary);
  Value root = unpickler.load();
  return Pickle{std::move(root), unpickler.protocol()};
}

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string text = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + (shape.size() == 1 ? ",)" : ")");
}

std::string type_name(const Value& value) {
  return std::visit(
      [](const auto& content) -> std::string {
        using T = std::decay_t<decltype(content)>;
        if constexpr (std::is_same_v<T, None>) return "None";
        if constexpr (std::is_same_v<T, bool>) return "bool";
        if constexpr (std::is_same_v<T, std::int64_t> || std::is_same_v<T, BigInt>) return "int";
        if constexpr (std::is_same_v<T, double>) return "float";
        if constexpr (std::is_same_v<T, Bytes>) return "bytes";
        if constexpr (std::is_same_v<T, Str>) return "str";
        if constexpr (std::is_same_v<T, Global>) return "global " + content.qualified;
        if constexpr (std::is_same_v<T, List>) return "list";
        if constexpr (std::is_same_v<T, Set>) return content.frozen ? "frozenset" : "set";
        if constexpr (std::is_same_v<T, Dict>) return "dict";
        if constexpr (std::is_same_v<T, Object>) return content.node->class_name + " object";
        if constexpr (std::is_same_v<T, Tuple>) return std::to_string(content.items->size()) + "-tuple";
        if constexpr (std::is_same_v<T, Tensor>) return "tensor";
        if constexpr (std::is_same_v<T, std::shared_ptr<const Storage>>) return "storage";
        if constexpr (std::is_same_v<T, Dtype>) return "numpy.dtype";
        if constexpr (std::is_same_v<T, Array>) return "numpy.ndarray";
      },
      value.content);
}

std::string described(const Value& value) {
  if (std::holds_alternative<None>(value.content)) return "None";
  if (std::holds_alternative<std::int64_t>(value.content) || std::holds_alternative<BigInt>(value.content)) {
    return "an int";
  }
  if (std::holds_alternative<Bytes>(value.content)) return "a bytes object";
  if (std::holds_alternative<Global>(value.content)) return "the " + type_name(value);
  const std::string name = type_name(value);
  return (std::string_view("aeiou").find(name.front()) != std::string_view::npos ? "an " : "a ") + name;
}

std::optional<std::string_view> as_string(const Value& value) {
  if (const auto* text = std::get_if<Str>(&value.content)) return *text->utf8;
  if (const auto* bytes = std::get_if<Bytes>(&value.content)) {  // py2 str
    return std::string_view(reinterpret_cast<const char*>(bytes->view.data()), bytes->view.size());
  }
  return std::nullopt;
}

const std::vector<std::pair<Value, Value>>* dict_entries(const Value& value) {
  if (const auto* dict = std::get_if<Dict>(&value.content)) return &dict->node->entries;
  if (const auto* object = std::get_if<Object>(&value.content)) {
    if (!object->node->entries.empty()) return &object->node->entries;
  }
  return nullptr;
}

const Value* find(const Value& dict, std::string_view key) {
  const auto* entries = dict_entries(dict);
  if (!entries) return nullptr;
  // From the back: an object's items may repeat a key, and the last one is Python's.
  for (auto entry = entries->rbegin(); entry != entries->rend(); ++entry) {
    const auto* text = std::get_if<Str>(&entry->first.content);
    if (text && *text->utf8 == key) return &entry->second;
  }
  return nullptr;
}

}  // namespace marginlab::formats::pickle
