#pragma once
// A bounded unpickler for the pickles other tools hand to MarginLab: insightface's .bin verification packs
// (verification_pack.h) and the data.pkl inside torch.save files (torch_file.h). It interprets opcodes into plain
// values; it never imports a module and never calls anything. What a name means is decided here, by a vocabulary:
//
//   verification_pack  bytes, numpy uint8 arrays (numpy.core/_core _reconstruct, _frombuffer, dtype), _codecs.encode
//                      and booleans; naming any other global is refused.
//   checkpoint         that, plus tensors (torch._utils._rebuild_tensor[_v2], _rebuild_parameter[_with_state] over
//                      the persistent ids ('storage', torch.FloatStorage, key, location, numel)), OrderedDict,
//                      defaultdict and Counter, torch.device and torch.Size, pathlib paths, numpy scalars, sets, and
//                      the type tags of LibTorch's own pickler (torch.jit._pickle.restore_type_tag, build_*list).
//                      Other classes may be named (a Lightning checkpoint keys callbacks by class, pickles
//                      hyper-parameters as AttributeDict or argparse.Namespace) and instantiated the way pickle
//                      instantiates objects (NEWOBJ: a class's __new__, no __init__): they become opaque Objects that
//                      keep their state for description. Calling any other name (REDUCE) — the way a hostile pickle
//                      runs os.system — is refused with the name.
//
// Untrusted input never crashes it: every read is bounds-checked; an object placed inside another becomes immutable
// ("sealed"), so no reference cycle can form and nesting depth is known when it is built (bounded at 32); what it
// allocates is bounded by the input's size. Errors (InvalidFile) name the origin, the byte offset and the opcode.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "engine/formats/element_type.h"

namespace marginlab::formats::pickle {

enum class Vocabulary { verification_pack, checkpoint };

struct Value;
using Items = std::vector<Value>;

struct None {};

// An int beyond 64 bits (LONG1/LONG4): kept as a fact for descriptions, not as a number.
struct BigInt {
  std::size_t bytes = 0;
};

enum class ByteSource { python2_str, bytes, bytearray, codecs_latin1 };

// py2 str, py3 bytes or bytearray, or the result of _codecs.encode: a view into the pickle where the bytes are stored
// verbatim, into `storage` where they had to be decoded.
struct Bytes {
  std::span<const std::uint8_t> view;
  std::shared_ptr<const std::vector<std::uint8_t>> storage;
  ByteSource source = ByteSource::bytes;
};

struct Str {
  std::shared_ptr<const std::string> utf8;  // shared: BINGET of a long text must not copy it
};

// A module-level name ("collections.OrderedDict"). `known` is false for names outside the vocabulary.
struct Global {
  std::string qualified;
  bool known = false;
};

// Mutable Python objects share a node, as Python objects share identity: a memoised list and the one on the stack are
// one object. `sealed` once the object is inside another; `depth` counts the containers down to the deepest leaf.
struct Node {
  bool sealed = false;
  int depth = 1;
};

struct ListNode;
struct DictNode;
struct ObjectNode;
struct List {
  std::shared_ptr<ListNode> node;
};
struct Set {
  std::shared_ptr<ListNode> node;
  bool frozen = false;
};
struct Dict {
  std::shared_ptr<DictNode> node;  // dict, OrderedDict or defaultdict, in insertion order
};
// An instance of a class outside the vocabulary, as NEWOBJ made it, with what SETITEMS / APPENDS / BUILD gave it.
struct Object {
  std::shared_ptr<ObjectNode> node;
};
struct Tuple {
  std::shared_ptr<const Items> items;
  int depth = 1;
};

// A torch storage named by a persistent id; its bytes are the archive's data/<key> entry.
struct Storage {
  ElementType type = ElementType::float32;
  std::string key;
  std::string location;  // "cpu", "cuda:0", ...
  std::int64_t numel = 0;
};

// torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...): a strided view of a storage; the view was
// checked to lie inside it.
struct Tensor {
  std::shared_ptr<const Storage> storage;
  std::int64_t offset = 0;
  std::vector<std::int64_t> sizes;
  std::vector<std::int64_t> strides;
};

// numpy: a plain numeric dtype ("u1", "f4", ...), completed in place by BUILD, and an array over bytes of the pickle.
struct DtypeState {
  std::string name;
  std::size_t itemsize = 0;
  char byte_order = '=';
  bool built = false;
};
struct Dtype {
  std::shared_ptr<DtypeState> state;
};
struct ArrayState {
  std::string constructor;
  std::shared_ptr<const DtypeState> dtype;
  std::vector<std::int64_t> shape;
  Bytes data;
  bool built = false;
};
struct Array {
  std::shared_ptr<ArrayState> state;
};

struct Value {
  std::variant<None, bool, std::int64_t, double, BigInt, Bytes, Str, Global, List, Set, Dict, Object, Tuple, Tensor,
               std::shared_ptr<const Storage>, Dtype, Array>
      content;
};

struct ListNode : Node {
  Items items;
};

struct DictNode : Node {
  std::vector<std::pair<Value, Value>> entries;
  std::optional<Value> state;  // an OrderedDict's __dict__ (state_dict()'s _metadata)
  // Where each str and int key is, so that setting a key again replaces its value in constant time, as in Python.
  std::unordered_map<std::string_view, std::size_t> text_index;
  std::unordered_map<std::int64_t, std::size_t> int_index;
};

struct ObjectNode : Node {
  std::string class_name;                        // "argparse.Namespace"
  Items arguments;                               // NEWOBJ's
  std::vector<std::pair<Value, Value>> entries;  // a dict subclass's items
  Items items;                                   // a list subclass's items
  std::optional<Value> state;                    // BUILD's
};

struct Pickle {
  Value root;
  int protocol = 0;
};

// Interprets a whole pickle held in memory. `origin` (the path, or "file.pt:archive/data.pkl") starts every error.
Pickle load(std::span<const std::uint8_t> bytes, const std::string& origin, Vocabulary vocabulary);

// "int", "str", "dict", "argparse.Namespace object", "tensor", "3-tuple", ...
std::string type_name(const Value& value);
// The type with its article, for prose: "an int", "a 3-tuple", "None".
std::string described(const Value& value);
// Python's way of writing a shape: "(3,)", "(512, 25088)".
std::string shape_text(const std::vector<std::int64_t>& shape);
// A str's text, or a py2 str's bytes.
std::optional<std::string_view> as_string(const Value& value);
// The value under the str key `key` of a dict, or of an object's dict items; null when absent or not a dict.
const Value* find(const Value& dict, std::string_view key);
// A dict's entries, or a dict subclass object's; null for anything else.
const std::vector<std::pair<Value, Value>>* dict_entries(const Value& value);

}  // namespace marginlab::formats::pickle
