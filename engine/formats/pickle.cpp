#include "engine/formats/pickle.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <limits>
#include <memory>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <variant>

#include "core/errors.h"
#include "engine/formats/byte_reader.h"

namespace marginlab::formats {
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

// ---- Python objects, as far as a verification pack needs them ----

// A pack nests five deep (tuple > list > array state > dtype state). The bound keeps the recursion of the values'
// destructors shallow whatever the input.
constexpr int kMaxNesting = 32;

struct Value;
using Items = std::vector<Value>;

enum class ByteSource { python2_str, bytes, bytearray, codecs_latin1 };

// py2 str, py3 bytes or bytearray, or the result of _codecs.encode: a view into the file where the bytes are
// stored verbatim, into `storage` where they had to be decoded.
struct ByteString {
  std::span<const std::uint8_t> view;
  std::shared_ptr<const std::vector<std::uint8_t>> storage;
  ByteSource source = ByteSource::bytes;
};

struct Text {
  std::shared_ptr<const std::string> utf8;  // shared: BINGET of a long text must not copy it
};

// Lists are shared and grow in place (APPEND), as in Python, so that a memoised list and the one on the stack stay
// one object. Their items never hold lists (see Unpickler::append), so a list's nesting is at most kMaxNesting + 1.
struct List {
  std::shared_ptr<Items> items;
};

struct Tuple {
  std::shared_ptr<const Items> items;
  int depth = 1;
  bool holds_list = false;
};

enum class GlobalKind { codecs_encode, bytes_type, numpy_reconstruct, numpy_frombuffer, numpy_ndarray, numpy_dtype };

struct Global {
  GlobalKind kind;
  std::string_view name;  // "module.name" as the file wrote it
};

// A numpy.dtype: made by REDUCE, completed in place by BUILD (memoised copies see the BUILD, as in Python).
struct DtypeState {
  std::string name;          // "u1", "f4", ...
  std::size_t itemsize = 0;  // bytes per element
  char byte_order = '=';
  bool built = false;
};

struct Dtype {
  std::shared_ptr<DtypeState> state;
};

// A numpy.ndarray: _reconstruct makes an empty one that BUILD fills; _frombuffer makes it whole.
struct ArrayState {
  std::string_view constructor;
  std::shared_ptr<const DtypeState> dtype;
  std::vector<std::int64_t> shape;
  ByteString data;
  bool built = false;
};

struct Array {
  std::shared_ptr<ArrayState> state;
};

struct None {};

struct Value {
  std::variant<None, bool, std::int64_t, ByteString, Text, List, Tuple, Global, Dtype, Array> content;
};

std::string type_name(const Value& value) {
  constexpr std::array<std::string_view, 10> kNames{"None",  "bool",   "int",         "bytes",        "str",
                                                    "list",  "tuple",  "global",      "numpy.dtype",  "numpy.ndarray"};
  if (const auto* global = std::get_if<Global>(&value.content)) return "global " + std::string(global->name);
  if (const auto* tuple = std::get_if<Tuple>(&value.content)) {
    return std::to_string(tuple->items->size()) + "-tuple";
  }
  return std::string(kNames[value.content.index()]);
}

// The type with its article, for prose: "an int", "a 3-tuple", "None".
std::string described(const Value& value) {
  if (std::holds_alternative<None>(value.content)) return "None";
  if (std::holds_alternative<std::int64_t>(value.content)) return "an int";
  if (std::holds_alternative<ByteString>(value.content)) return "a bytes object";
  if (std::holds_alternative<Global>(value.content)) return "the " + type_name(value);
  return "a " + type_name(value);
}

int depth_of(const Value& value) {
  if (const auto* tuple = std::get_if<Tuple>(&value.content)) return tuple->depth;
  return std::holds_alternative<List>(value.content) ? 1 : 0;
}

bool holds_list(const Value& value) {
  if (const auto* tuple = std::get_if<Tuple>(&value.content)) return tuple->holds_list;
  return std::holds_alternative<List>(value.content);
}

std::optional<std::string_view> as_string(const Value& value) {
  if (const auto* text = std::get_if<Text>(&value.content)) return *text->utf8;
  if (const auto* bytes = std::get_if<ByteString>(&value.content)) {  // py2 str
    return std::string_view(reinterpret_cast<const char*>(bytes->view.data()), bytes->view.size());
  }
  return std::nullopt;
}

// Python 2 numpy wrote some flags as the ints 0 and 1 where Python 3 numpy writes bools.
std::optional<bool> as_flag(const Value& value) {
  if (const auto* flag = std::get_if<bool>(&value.content)) return *flag;
  if (const auto* number = std::get_if<std::int64_t>(&value.content)) {
    if (*number == 0 || *number == 1) return *number == 1;
  }
  return std::nullopt;
}

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string text = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + (shape.size() == 1 ? ",)" : ")");
}

struct KnownGlobal {
  std::string_view module, name, qualified;
  GlobalKind kind;
};

// Every global a verification pack contains; NumPy ≥ 2 moved numpy.core to numpy._core.
constexpr std::array kKnownGlobals{
    KnownGlobal{"_codecs", "encode", "_codecs.encode", GlobalKind::codecs_encode},
    // Python 3 at protocol 2 writes an empty bytes object as __builtin__.bytes().
    KnownGlobal{"__builtin__", "bytes", "__builtin__.bytes", GlobalKind::bytes_type},
    KnownGlobal{"numpy.core.multiarray", "_reconstruct", "numpy.core.multiarray._reconstruct",
                GlobalKind::numpy_reconstruct},
    KnownGlobal{"numpy._core.multiarray", "_reconstruct", "numpy._core.multiarray._reconstruct",
                GlobalKind::numpy_reconstruct},
    KnownGlobal{"numpy.core.numeric", "_frombuffer", "numpy.core.numeric._frombuffer", GlobalKind::numpy_frombuffer},
    KnownGlobal{"numpy._core.numeric", "_frombuffer", "numpy._core.numeric._frombuffer",
                GlobalKind::numpy_frombuffer},
    KnownGlobal{"numpy", "ndarray", "numpy.ndarray", GlobalKind::numpy_ndarray},
    KnownGlobal{"numpy", "dtype", "numpy.dtype", GlobalKind::numpy_dtype},
};

// A stack machine over the opcodes listed in pickle.h. Errors name the origin, the offset of the opcode being
// executed and its name; running out of bytes inside an opcode names the offset where they ran out.
class Unpickler {
 public:
  Unpickler(std::span<const std::uint8_t> bytes, const std::string& origin)
      : bytes_(bytes), origin_(origin), reader_(bytes, origin) {}

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
      case ']': return push(List{std::make_shared<Items>()});
      case ')': return push(make_tuple({}));
      case 0x85: return push(make_tuple(pop_items(1)));
      case 0x86: return push(make_tuple(pop_items(2)));
      case 0x87: return push(make_tuple(pop_items(3)));
      case 't': return push(make_tuple(pop_to_mark()));
      case 'a': {
        Value item = pop();
        return append(top_list(), std::move(item));
      }
      case 'e': {
        Items items = pop_to_mark();
        List& list = top_list();
        for (auto& item : items) append(list, std::move(item));
        return;
      }
      case 0x88: return push(true);
      case 0x89: return push(false);
      case 'N': return push(None{});
      case 'K': return push(std::int64_t{reader_.u8("BININT1 value")});
      case 'M': return push(std::int64_t{reader_.u16("BININT2 value")});
      case 'J': return push(std::int64_t{reader_.i32("BININT value")});
      case 'U': return push(byte_string(reader_.u8("SHORT_BINSTRING length"), ByteSource::python2_str));
      case 'T': {
        const std::int32_t length = reader_.i32("BINSTRING length");
        if (length < 0) fail("negative length " + std::to_string(length));
        return push(byte_string(static_cast<std::uint64_t>(length), ByteSource::python2_str));
      }
      case 'C': return push(byte_string(reader_.u8("SHORT_BINBYTES length"), ByteSource::bytes));
      case 'B': return push(byte_string(reader_.u32("BINBYTES length"), ByteSource::bytes));
      case 0x8e: return push(byte_string(reader_.u64("BINBYTES8 length"), ByteSource::bytes));
      case 0x96: return push(byte_string(reader_.u64("BYTEARRAY8 length"), ByteSource::bytearray));
      case 'X': return push(text(reader_.u32("BINUNICODE length")));
      case 0x8c: return push(text(reader_.u8("SHORT_BINUNICODE length")));
      case 'q': return memo_put(reader_.u8("BINPUT index"));
      case 'r': return memo_put(reader_.u32("LONG_BINPUT index"));
      case 0x94: return memo_put(memo_.size());
      case 'h': return memo_get(reader_.u8("BINGET index"));
      case 'j': return memo_get(reader_.u32("LONG_BINGET index"));
      case 'c': {
        const std::string_view module = line("GLOBAL module");
        const std::string_view name = line("GLOBAL name");
        return push(resolve(module, name));
      }
      case 0x93: {
        const Value name = pop();
        const Value module = pop();
        const auto* module_text = std::get_if<Text>(&module.content);
        const auto* name_text = std::get_if<Text>(&name.content);
        if (!module_text || !name_text) {
          fail("module and name are " + described(module) + " and " + described(name) + ", expected two str");
        }
        return push(resolve(*module_text->utf8, *name_text->utf8));
      }
      case 'R': {
        const Value arguments = pop();
        const Value callable = pop();
        return push(call(callable, arguments));
      }
      case 'b': {
        const Value state = pop();
        return build(top(), state);
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

  List& top_list() {
    Value& target = top();
    auto* list = std::get_if<List>(&target.content);
    if (!list) fail("appends to " + described(target) + ", expected a list");
    return *list;
  }

  // A list never holds a list, directly or through tuples: verification packs have none, and forbidding them rules
  // out reference cycles (a list appended to itself), which would leak.
  void append(List& list, Value item) {
    if (holds_list(item)) fail("a list inside a list (a verification pack has none)");
    list.items->push_back(std::move(item));
  }

  Tuple make_tuple(Items items) {
    Tuple tuple;
    for (const auto& item : items) {
      tuple.depth = std::max(tuple.depth, depth_of(item) + 1);
      tuple.holds_list = tuple.holds_list || holds_list(item);
    }
    if (tuple.depth > kMaxNesting) fail("objects nested more than " + std::to_string(kMaxNesting) + " deep");
    tuple.items = std::make_shared<const Items>(std::move(items));
    return tuple;
  }

  // ---- data ----

  ByteString byte_string(std::uint64_t length, ByteSource source) {
    const char* what = source == ByteSource::python2_str ? "string data"
                       : source == ByteSource::bytearray ? "bytearray data"
                                                         : "bytes data";
    return ByteString{take(length, what), nullptr, source};
  }

  Text text(std::uint64_t length) {
    const auto utf8 = take(length, "str data");
    return Text{std::make_shared<const std::string>(utf8.begin(), utf8.end())};
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

  // ---- globals and calls ----

  Global resolve(std::string_view module, std::string_view name) const {
    for (const auto& known : kKnownGlobals) {
      if (known.module == module && known.name == name) return Global{known.kind, known.qualified};
    }
    fail("unsupported global " + printable(std::string(module) + " " + std::string(name)) +
         " (a verification pack holds only bytes, numpy uint8 arrays and booleans)");
  }

  Value call(const Value& callable, const Value& arguments) {
    const auto* global = std::get_if<Global>(&callable.content);
    if (!global) fail("calls " + described(callable) + ", expected one of the known globals");
    const auto* tuple = std::get_if<Tuple>(&arguments.content);
    if (!tuple) {
      fail(std::string(global->name) + "'s arguments are " + described(arguments) + ", expected a tuple");
    }
    const Items& args = *tuple->items;
    switch (global->kind) {
      case GlobalKind::codecs_encode: return Value{codecs_encode(args)};
      case GlobalKind::bytes_type:
        if (!args.empty()) fail("__builtin__.bytes with arguments (only bytes() is written, for b'')");
        return Value{ByteString{{}, nullptr, ByteSource::bytes}};
      case GlobalKind::numpy_dtype: return Value{make_dtype(args)};
      case GlobalKind::numpy_reconstruct: return Value{reconstruct(*global, args)};
      case GlobalKind::numpy_frombuffer: return Value{frombuffer(*global, args)};
      case GlobalKind::numpy_ndarray: break;
    }
    fail("numpy.ndarray is called only through numpy's _reconstruct");
  }

  void expect_arguments(const Items& args, std::size_t count, std::string_view callable) const {
    if (args.size() != count) {
      fail(std::string(callable) + " with " + std::to_string(args.size()) + " arguments, expected " +
           std::to_string(count));
    }
  }

  // Python 3 at protocol 2 writes bytes b as _codecs.encode(b.decode('latin1'), 'latin1'): the text's code points
  // are the bytes.
  ByteString codecs_encode(const Items& args) {
    expect_arguments(args, 2, "_codecs.encode");
    const auto* text = std::get_if<Text>(&args[0].content);
    const auto encoding = as_string(args[1]);
    if (!text || !std::holds_alternative<Text>(args[1].content) || encoding != "latin1") {
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
    return ByteString{std::span<const std::uint8_t>(*decoded), decoded, ByteSource::codecs_latin1};
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

  // numpy.core.multiarray._reconstruct(numpy.ndarray, (0,), b'b'): an empty array that BUILD fills.
  Array reconstruct(const Global& global, const Items& args) {
    expect_arguments(args, 3, global.name);
    const auto* type = std::get_if<Global>(&args[0].content);
    if (!type || type->kind != GlobalKind::numpy_ndarray || !std::holds_alternative<Tuple>(args[1].content) ||
        !as_string(args[2])) {
      fail(std::string(global.name) + "(" + type_name(args[0]) + ", " + type_name(args[1]) + ", " +
           type_name(args[2]) + "), expected (numpy.ndarray, tuple, bytes)");
    }
    auto state = std::make_shared<ArrayState>();
    state->constructor = global.name;
    return Array{state};
  }

  // numpy.core.numeric._frombuffer(buffer, dtype, shape, order): protocol 5's whole array in one call.
  Array frombuffer(const Global& global, const Items& args) {
    expect_arguments(args, 4, global.name);
    const auto* buffer = std::get_if<ByteString>(&args[0].content);
    const auto* dtype = std::get_if<Dtype>(&args[1].content);
    const auto* shape = std::get_if<Tuple>(&args[2].content);
    const auto order = as_string(args[3]);
    if (!buffer || !dtype || !shape || (order != "C" && order != "F")) {
      fail(std::string(global.name) + "(" + type_name(args[0]) + ", " + type_name(args[1]) + ", " +
           type_name(args[2]) + ", " + type_name(args[3]) + "), expected (bytearray, numpy.dtype, tuple, 'C' or 'F')");
    }
    auto state = std::make_shared<ArrayState>();
    state->constructor = global.name;
    fill_array(*state, *shape, *dtype, *buffer);
    return Array{state};
  }

  void fill_array(ArrayState& array, const Tuple& shape, const Dtype& dtype, const ByteString& data) {
    constexpr std::size_t kMaxDimensions = 32;  // numpy's own limit
    if (shape.items->size() > kMaxDimensions) fail("an array of more than 32 dimensions");
    std::uint64_t elements = 1;
    bool overflow = false;  // no data can match such a shape, unless another extent is 0
    for (const auto& item : *shape.items) {
      const auto* extent = std::get_if<std::int64_t>(&item.content);
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

  void build(Value& target, const Value& state_value) {
    const auto* state = std::get_if<Tuple>(&state_value.content);
    if (!state) fail("the state of " + described(target) + " is " + described(state_value) + ", expected a tuple");
    const Items& items = *state->items;
    if (auto* dtype = std::get_if<Dtype>(&target.content)) return build_dtype(*dtype->state, items);
    if (auto* array = std::get_if<Array>(&target.content)) return build_array(*array->state, items);
    fail("sets the state of " + described(target) + " (only numpy dtypes and arrays have one)");
  }

  // numpy's dtype state, version 3: (3, byte order, subarray, names, fields, elsize, alignment, flags).
  void build_dtype(DtypeState& dtype, const Items& items) {
    if (dtype.built) fail("builds a numpy dtype twice");
    const auto byte_order = items.size() == 8 ? as_string(items[1]) : std::nullopt;
    const bool plain = items.size() == 8 && std::get_if<std::int64_t>(&items[0].content) &&
                       std::get<std::int64_t>(items[0].content) == 3 && byte_order && byte_order->size() == 1 &&
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
    const auto* version = items.size() == 5 ? std::get_if<std::int64_t>(&items[0].content) : nullptr;
    const auto* shape = items.size() == 5 ? std::get_if<Tuple>(&items[1].content) : nullptr;
    const auto* dtype = items.size() == 5 ? std::get_if<Dtype>(&items[2].content) : nullptr;
    const auto* data = items.size() == 5 ? std::get_if<ByteString>(&items[4].content) : nullptr;
    if (!version || *version != 1 || !shape || !dtype || !as_flag(items[3]) || !data) {
      fail("a numpy array state that is not (1, shape, dtype, is_fortran, bytes)");
    }
    fill_array(array, *shape, *dtype, *data);
  }

  std::span<const std::uint8_t> bytes_;
  std::string origin_;
  ByteReader reader_;
  std::uint64_t opcode_offset_ = 0;
  std::uint8_t opcode_ = 0;
  int protocol_ = 0;
  std::vector<Value> stack_;
  std::vector<std::size_t> marks_;  // stack sizes at each open MARK
  std::unordered_map<std::uint64_t, Value> memo_;
  std::uint64_t decoded_bytes_ = 0;
};

[[noreturn]] void structure_error(const std::string& origin, const std::string& message) {
  throw InvalidFile(origin + ": not a verification pack: " + message);
}

// What one image was stored as, for VerificationPack::encoding; throws when it is not an encoded image's bytes.
std::string image_bytes(const Value& value, std::size_t index, const std::string& origin,
                        std::vector<std::uint8_t>& out) {
  if (const auto* bytes = std::get_if<ByteString>(&value.content)) {
    out.assign(bytes->view.begin(), bytes->view.end());
    switch (bytes->source) {
      case ByteSource::python2_str: return "python 2 strings";
      case ByteSource::bytes: return "bytes";
      case ByteSource::bytearray: return "bytearrays";
      case ByteSource::codecs_latin1: return "_codecs.encode latin-1 strings";
    }
  }
  const std::string image = "image " + std::to_string(index);
  if (const auto* array = std::get_if<Array>(&value.content)) {
    const ArrayState& state = *array->state;
    if (!state.built) structure_error(origin, image + " is a numpy array that was never given its data (no BUILD)");
    if (state.dtype->name != "u1") {
      structure_error(origin, image + " is a numpy array of dtype '" + state.dtype->name +
                                  "', expected uint8 ('u1') encoded image bytes");
    }
    // cv2.imencode returns shape (n, 1); any vector-like shape holds the bytes in order whatever its layout.
    const auto long_axes = std::count_if(state.shape.begin(), state.shape.end(), [](std::int64_t e) { return e > 1; });
    if (long_axes > 1) {
      structure_error(origin, image + " is a uint8 array of shape " + shape_text(state.shape) +
                                  ": decoded pixels, expected the encoded image's bytes");
    }
    out.assign(state.data.view.begin(), state.data.view.end());
    return "numpy arrays (" + std::string(state.constructor) + ")";
  }
  structure_error(origin, image + " is " + described(value) + ", expected bytes or a uint8 numpy array");
}

}  // namespace

VerificationPack read_verification_pack(std::span<const std::uint8_t> bytes, const std::string& origin) {
  Unpickler unpickler(bytes, origin);
  const Value root = unpickler.load();

  const auto* pair = std::get_if<Tuple>(&root.content);
  if (!pair || pair->items->size() != 2) {
    structure_error(origin, "the pickle holds " + described(root) + ", expected a 2-tuple (images, issame)");
  }
  const auto* images = std::get_if<List>(&(*pair->items)[0].content);
  const auto* flags = std::get_if<List>(&(*pair->items)[1].content);
  if (!images || !flags) {
    structure_error(origin, "the 2-tuple holds " + described((*pair->items)[0]) + " and " +
                                described((*pair->items)[1]) + ", expected two lists (images, issame)");
  }
  const std::size_t pairs = flags->items->size();
  if (pairs == 0) structure_error(origin, "the issame list is empty");
  if (images->items->size() != 2 * pairs) {
    structure_error(origin, std::to_string(pairs) + " issame flags need " + std::to_string(2 * pairs) +
                                " images, found " + std::to_string(images->items->size()));
  }

  VerificationPack pack;
  pack.issame.reserve(pairs);
  for (std::size_t i = 0; i < pairs; ++i) {
    const Value& flag = (*flags->items)[i];
    const auto* same = std::get_if<bool>(&flag.content);
    if (!same) {
      structure_error(origin, "issame[" + std::to_string(i) + "] is " + described(flag) + ", expected a bool");
    }
    pack.issame.push_back(*same);
  }
  std::vector<std::string> kinds;
  pack.images.resize(2 * pairs);
  for (std::size_t i = 0; i < pack.images.size(); ++i) {
    std::string kind = image_bytes((*images->items)[i], i, origin, pack.images[i]);
    if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) kinds.push_back(std::move(kind));
  }
  pack.encoding = "pickle protocol " + std::to_string(unpickler.protocol());
  for (std::size_t i = 0; i < kinds.size(); ++i) pack.encoding += (i ? " and " : ", ") + kinds[i];
  return pack;
}

}  // namespace marginlab::formats
