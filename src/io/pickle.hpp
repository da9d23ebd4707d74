// A restricted unpickler: enough of the pickle machine to read a PyTorch state dict (data.pkl inside a torch.save
// zip), and nothing that could run code. Globals are resolved against an allow-list and never called; REDUCE only
// records "this callable with these arguments" (a Call value) for the caller to interpret, except that
// collections.OrderedDict() becomes an empty Dict so SETITEMS can fill it.
//
// Supported opcodes (protocols 2 to 5, as far as a state dict needs):
//   PROTO FRAME STOP MARK POP POP_MARK DUP | NONE NEWTRUE NEWFALSE | BININT BININT1 BININT2 LONG1 BINFLOAT
//   BINUNICODE SHORT_BINUNICODE BINUNICODE8 | EMPTY_TUPLE TUPLE TUPLE1 TUPLE2 TUPLE3 EMPTY_LIST APPEND APPENDS
//   EMPTY_DICT SETITEM SETITEMS | GLOBAL STACK_GLOBAL REDUCE BUILD (on dicts only; the state is ignored)
//   BINPERSID | BINPUT LONG_BINPUT MEMOIZE BINGET LONG_BINGET
// Anything else is refused with an error naming the opcode and its byte offset.
//
// Values live in an arena owned by the Unpickler, linked by plain pointers: cycles (a list appended to itself) and
// deep nesting cost nothing to destroy, and the result stays valid as long as the Unpickler does.
#pragma once
#include <cstdint>
#include <deque>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace splicebert::pickle {

enum class Kind { None, Bool, Int, Float, String, Tuple, List, Dict, Global, PersistentId, Call };
const char* a_kind(Kind kind);  // "an int", "a dict", "None": for error messages

struct Value {
  Kind kind = Kind::None;
  int64_t integer = 0;              // Bool (0/1), Int
  double real = 0;                  // Float
  std::string text;                 // String; Global: "module.name"
  std::vector<const Value*> items;  // Tuple, List; PersistentId: {pid}; Call: {callable Global, args Tuple}
  std::vector<std::pair<const Value*, const Value*>> entries;  // Dict, in insertion order, keys unique
  std::unordered_map<std::string, size_t> string_keys;         // Dict: string key -> index into entries
};

class Unpickler {
 public:
  // `source` names the file in error messages; `allowed_globals` are "module.name" strings.
  Unpickler(std::string source, std::set<std::string> allowed_globals);
  // Runs the pickle to STOP and returns the top of the stack. The value is owned by this Unpickler.
  const Value& load(const uint8_t* data, size_t size);

 private:
  Value* make(Kind kind);
  void push(Value* value) { stack_.push_back(value); }
  Value* pop(const char* opcode);
  Value* top(const char* opcode);
  std::vector<Value*> pop_to_mark(const char* opcode);
  const uint8_t* take(size_t count, const char* opcode);
  uint64_t take_uint(int bytes, const char* opcode);
  std::string take_line(const char* opcode);
  Value* global(const std::string& module, const std::string& name);
  Value* reduce(Value* callable, Value* args);
  void set_item(Value* dict, const Value* key, const Value* value, const char* opcode);
  Value* memo_get(uint64_t index, const char* opcode);
  [[noreturn]] void fail_at(const std::string& what) const;

  std::string source_;
  std::set<std::string> allowed_globals_;
  std::deque<Value> arena_;
  std::vector<Value*> stack_;
  std::vector<size_t> marks_;  // stack heights at each MARK
  std::unordered_map<uint64_t, Value*> memo_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0, pos_ = 0, opcode_pos_ = 0;
};

}  // namespace splicebert::pickle
