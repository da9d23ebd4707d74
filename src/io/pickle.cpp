// The restricted pickle machine (see pickle.hpp for what it accepts and why).
#include "io/pickle.hpp"

#include <bit>
#include <cstring>

#include "io/little_endian.hpp"
#include "splicebert/error.hpp"

namespace splicebert::pickle {
namespace {

// A state dict's pickle makes about 20 values per tensor (the tiny fixture: 44 tensors in 4.7 KB). This bound,
// enough for some 100,000 tensors, keeps a hostile pickle of millions of one-byte objects from exhausting memory.
constexpr size_t kMaxValues = size_t{1} << 21;
constexpr int kHighestProtocol = 5;
constexpr const char* kOrderedDict = "collections.OrderedDict";

// clang-format off
enum Opcode : uint8_t {
  PROTO = 0x80, FRAME = 0x95, STOP = '.', MARK = '(', POP = '0', POP_MARK = '1', DUP = '2',
  NONE = 'N', NEWTRUE = 0x88, NEWFALSE = 0x89,
  BININT = 'J', BININT1 = 'K', BININT2 = 'M', LONG1 = 0x8a, BINFLOAT = 'G',
  BINUNICODE = 'X', SHORT_BINUNICODE = 0x8c, BINUNICODE8 = 0x8d,
  EMPTY_TUPLE = ')', TUPLE = 't', TUPLE1 = 0x85, TUPLE2 = 0x86, TUPLE3 = 0x87,
  EMPTY_LIST = ']', APPEND = 'a', APPENDS = 'e', EMPTY_DICT = '}', SETITEM = 's', SETITEMS = 'u',
  GLOBAL = 'c', STACK_GLOBAL = 0x93, REDUCE = 'R', BUILD = 'b', BINPERSID = 'Q',
  BINPUT = 'q', LONG_BINPUT = 'r', MEMOIZE = 0x94, BINGET = 'h', LONG_BINGET = 'j',
};
// clang-format on

std::string describe_opcode(uint8_t op) {
  static const char* hex = "0123456789abcdef";
  std::string text = "0x";
  text += hex[op >> 4];
  text += hex[op & 15];
  if (op >= 0x20 && op < 0x7f) text += std::string(" '") + static_cast<char>(op) + "'";
  return text;
}

}  // namespace

const char* a_kind(Kind kind) {
  switch (kind) {
    case Kind::None: return "None";
    case Kind::Bool: return "a bool";
    case Kind::Int: return "an int";
    case Kind::Float: return "a float";
    case Kind::String: return "a str";
    case Kind::Tuple: return "a tuple";
    case Kind::List: return "a list";
    case Kind::Dict: return "a dict";
    case Kind::Global: return "a global";
    case Kind::PersistentId: return "a persistent id";
    case Kind::Call: return "a call result";
  }
  return "an unknown value";
}

Unpickler::Unpickler(std::string source, std::set<std::string> allowed_globals)
    : source_(std::move(source)), allowed_globals_(std::move(allowed_globals)) {}

void Unpickler::fail_at(const std::string& what) const { fail(source_, ": pickle byte ", opcode_pos_, ": ", what); }

Value* Unpickler::make(Kind kind) {
  if (arena_.size() >= kMaxValues) fail_at("more than " + std::to_string(kMaxValues) + " objects; not a state dict");
  arena_.emplace_back();
  arena_.back().kind = kind;
  return &arena_.back();
}

// Like CPython, a MARK fences off the stack below it: popping through it is an underflow.
Value* Unpickler::pop(const char* opcode) {
  Value* value = top(opcode);
  stack_.pop_back();
  return value;
}

Value* Unpickler::top(const char* opcode) {
  const size_t fence = marks_.empty() ? 0 : marks_.back();
  if (stack_.size() <= fence) fail_at(std::string("stack underflow in ") + opcode);
  return stack_.back();
}

std::vector<Value*> Unpickler::pop_to_mark(const char* opcode) {
  if (marks_.empty()) fail_at(std::string(opcode) + " without a MARK");
  const size_t mark = marks_.back();
  marks_.pop_back();
  std::vector<Value*> items(stack_.begin() + static_cast<std::ptrdiff_t>(mark), stack_.end());
  stack_.resize(mark);
  return items;
}

const uint8_t* Unpickler::take(size_t count, const char* opcode) {
  if (count > size_ - pos_)
    fail_at(std::string(opcode) + " needs " + std::to_string(count) + " more bytes but the pickle ends (truncated)");
  const uint8_t* bytes = data_ + pos_;
  pos_ += count;
  return bytes;
}

uint64_t Unpickler::take_uint(int bytes, const char* opcode) { return le::load(take(bytes, opcode), bytes); }

std::string Unpickler::take_line(const char* opcode) {
  const void* newline = std::memchr(data_ + pos_, '\n', size_ - pos_);
  if (!newline) fail_at(std::string(opcode) + " argument has no end of line (truncated)");
  const size_t length = static_cast<const uint8_t*>(newline) - (data_ + pos_);
  std::string line(reinterpret_cast<const char*>(take(length + 1, opcode)), length);
  return line;
}

Value* Unpickler::global(const std::string& module, const std::string& name) {
  const std::string full = module + "." + name;
  if (!allowed_globals_.count(full))
    fail(source_, ": pickle refers to the global '", full, "', which a state dict never needs; refusing to load");
  Value* value = make(Kind::Global);
  value->text = full;
  return value;
}

// Nothing is ever called. OrderedDict() is the one constructor whose result the pickle itself goes on to fill.
Value* Unpickler::reduce(Value* callable, Value* args) {
  if (callable->kind != Kind::Global) fail_at(std::string("REDUCE on ") + a_kind(callable->kind));
  if (args->kind != Kind::Tuple) fail_at(std::string("REDUCE arguments are ") + a_kind(args->kind));
  if (callable->text == kOrderedDict) {
    if (!args->items.empty()) fail_at("OrderedDict called with arguments");
    return make(Kind::Dict);
  }
  Value* call = make(Kind::Call);
  call->items = {callable, args};
  return call;
}

void Unpickler::set_item(Value* dict, const Value* key, const Value* value, const char* opcode) {
  if (dict->kind != Kind::Dict) fail_at(std::string(opcode) + " on " + a_kind(dict->kind) + ", not a dict");
  if (key->kind == Kind::String) {  // a repeated key replaces the earlier value, as in Python
    auto [it, inserted] = dict->string_keys.emplace(key->text, dict->entries.size());
    if (!inserted) {
      dict->entries[it->second].second = value;
      return;
    }
  }
  dict->entries.emplace_back(key, value);
}

Value* Unpickler::memo_get(uint64_t index, const char* opcode) {
  auto it = memo_.find(index);
  if (it == memo_.end()) fail_at(std::string(opcode) + " of memo entry " + std::to_string(index) + ", never stored");
  return it->second;
}

const Value& Unpickler::load(const uint8_t* data, size_t size) {
  data_ = data;
  size_ = size;
  pos_ = 0;
  stack_.clear();
  marks_.clear();
  memo_.clear();
  while (pos_ < size_) {
    opcode_pos_ = pos_;
    const uint8_t op = data_[pos_++];
    switch (op) {
      case PROTO: {
        const uint64_t protocol = take_uint(1, "PROTO");
        if (protocol > kHighestProtocol) fail_at("unknown pickle protocol " + std::to_string(protocol));
        break;
      }
      case FRAME: take_uint(8, "FRAME"); break;  // frames only help buffering; the opcodes simply continue
      case STOP: {
        Value* result = pop("STOP");
        return *result;
      }
      case MARK: marks_.push_back(stack_.size()); break;
      case POP: pop("POP"); break;
      case POP_MARK: pop_to_mark("POP_MARK"); break;
      case DUP: push(top("DUP")); break;

      case NONE: push(make(Kind::None)); break;
      case NEWTRUE:
      case NEWFALSE: {
        Value* value = make(Kind::Bool);
        value->integer = op == NEWTRUE;
        push(value);
        break;
      }
      case BININT:
      case BININT1:
      case BININT2: {
        Value* value = make(Kind::Int);
        if (op == BININT)
          value->integer = static_cast<int32_t>(take_uint(4, "BININT"));
        else
          value->integer = static_cast<int64_t>(take_uint(op == BININT1 ? 1 : 2, "BININT1/2"));
        push(value);
        break;
      }
      case LONG1: {
        const int bytes = static_cast<int>(take_uint(1, "LONG1"));
        if (bytes > 8) fail_at("LONG1 integer of " + std::to_string(bytes) + " bytes does not fit in 64 bits");
        uint64_t raw = bytes ? take_uint(bytes, "LONG1") : 0;
        if (bytes > 0 && bytes < 8 && (raw >> (8 * bytes - 1)) & 1) raw |= ~uint64_t{0} << (8 * bytes);  // sign
        Value* value = make(Kind::Int);
        value->integer = static_cast<int64_t>(raw);
        push(value);
        break;
      }
      case BINFLOAT: {
        const uint8_t* bytes = take(8, "BINFLOAT");
        uint64_t bits = 0;
        for (int i = 0; i < 8; ++i) bits = (bits << 8) | bytes[i];  // big-endian, unlike everything else
        Value* value = make(Kind::Float);
        value->real = std::bit_cast<double>(bits);
        push(value);
        break;
      }
      case BINUNICODE:
      case SHORT_BINUNICODE:
      case BINUNICODE8: {
        const int width = op == SHORT_BINUNICODE ? 1 : op == BINUNICODE ? 4 : 8;
        const uint64_t length = take_uint(width, "BINUNICODE");
        if (length > size_ - pos_) fail_at("string of " + std::to_string(length) + " bytes runs past the end");
        Value* value = make(Kind::String);
        value->text.assign(reinterpret_cast<const char*>(take(length, "BINUNICODE")), length);
        push(value);
        break;
      }

      case EMPTY_TUPLE: push(make(Kind::Tuple)); break;
      case TUPLE1:
      case TUPLE2:
      case TUPLE3: {
        const size_t count = op - TUPLE1 + 1;
        Value* tuple = make(Kind::Tuple);
        tuple->items.resize(count);
        for (size_t i = count; i-- > 0;) tuple->items[i] = pop("TUPLE1/2/3");
        push(tuple);
        break;
      }
      case TUPLE: {
        Value* tuple = make(Kind::Tuple);
        for (Value* item : pop_to_mark("TUPLE")) tuple->items.push_back(item);
        push(tuple);
        break;
      }
      case EMPTY_LIST: push(make(Kind::List)); break;
      case APPEND: {
        Value* item = pop("APPEND");
        Value* list = top("APPEND");
        if (list->kind != Kind::List) fail_at(std::string("APPEND to ") + a_kind(list->kind));
        list->items.push_back(item);
        break;
      }
      case APPENDS: {
        const std::vector<Value*> items = pop_to_mark("APPENDS");
        Value* list = top("APPENDS");
        if (list->kind != Kind::List) fail_at(std::string("APPENDS to ") + a_kind(list->kind));
        list->items.insert(list->items.end(), items.begin(), items.end());
        break;
      }
      case EMPTY_DICT: push(make(Kind::Dict)); break;
      case SETITEM: {
        Value* value = pop("SETITEM");
        Value* key = pop("SETITEM");
        set_item(top("SETITEM"), key, value, "SETITEM");
        break;
      }
      case SETITEMS: {
        const std::vector<Value*> items = pop_to_mark("SETITEMS");
        if (items.size() % 2) fail_at("SETITEMS with an odd number of items");
        Value* dict = top("SETITEMS");
        for (size_t i = 0; i < items.size(); i += 2) set_item(dict, items[i], items[i + 1], "SETITEMS");
        break;
      }

      case GLOBAL: {
        const std::string module = take_line("GLOBAL");
        const std::string name = take_line("GLOBAL");
        push(global(module, name));
        break;
      }
      case STACK_GLOBAL: {
        Value* name = pop("STACK_GLOBAL");
        Value* module = pop("STACK_GLOBAL");
        if (name->kind != Kind::String || module->kind != Kind::String) fail_at("STACK_GLOBAL needs two strings");
        push(global(module->text, name->text));
        break;
      }
      case REDUCE: {
        Value* args = pop("REDUCE");
        Value* callable = pop("REDUCE");
        push(reduce(callable, args));
        break;
      }
      case BUILD: {  // only OrderedDict state (its _metadata attribute) reaches here in a state dict
        pop("BUILD");
        Value* object = top("BUILD");
        if (object->kind != Kind::Dict) fail_at(std::string("BUILD on ") + a_kind(object->kind));
        break;
      }
      case BINPERSID: {
        Value* id = make(Kind::PersistentId);
        id->items = {pop("BINPERSID")};
        push(id);
        break;
      }

      case BINPUT: memo_[take_uint(1, "BINPUT")] = top("BINPUT"); break;
      case LONG_BINPUT: memo_[take_uint(4, "LONG_BINPUT")] = top("LONG_BINPUT"); break;
      case MEMOIZE: {
        Value* value = top("MEMOIZE");
        memo_[memo_.size()] = value;
        break;
      }
      case BINGET: push(memo_get(take_uint(1, "BINGET"), "BINGET")); break;
      case LONG_BINGET: push(memo_get(take_uint(4, "LONG_BINGET"), "LONG_BINGET")); break;

      default: fail_at("unsupported pickle opcode " + describe_opcode(op) + " (a state dict never needs it)");
    }
  }
  fail(source_, ": the pickle ends after ", size_, " bytes without a STOP opcode (truncated)");
}

}  // namespace splicebert::pickle
