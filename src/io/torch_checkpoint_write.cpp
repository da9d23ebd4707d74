// write_torch_checkpoint: a float32 state dict as torch.save writes it (zip container, pickle protocol 2), so the
// original SpliceBERT code and transformers load it. Only the opcodes torch.load needs for a state dict.
#include <cstring>

#include "splicebert/error.hpp"
#include "splicebert/io.hpp"

namespace splicebert {

namespace {

class PickleWriter {
 public:
  void proto() { out_ += "\x80\x02"; }
  void global(const char* module, const char* name) { out_ += std::string("c") + module + "\n" + name + "\n"; }
  void mark() { out_ += '('; }
  void tuple() { out_ += 't'; }
  void empty_tuple() { out_ += ')'; }
  void reduce() { out_ += 'R'; }
  void setitems() { out_ += 'u'; }
  void persistent_id() { out_ += 'Q'; }
  void false_() { out_ += '\x89'; }
  void stop() { out_ += '.'; }
  void string(const std::string& s) {
    out_ += 'X';
    put_u32(static_cast<uint32_t>(s.size()));
    out_ += s;
  }
  void integer(int64_t value) {
    if (value >= 0 && value < (int64_t{1} << 31)) {
      out_ += 'J';
      put_u32(static_cast<uint32_t>(value));
      return;
    }
    out_ += '\x8a';  // LONG1: little-endian two's complement, 8 bytes
    out_ += '\x08';
    for (int i = 0; i < 8; ++i) out_ += static_cast<char>((static_cast<uint64_t>(value) >> (8 * i)) & 0xff);
  }
  const std::string& bytes() const { return out_; }

 private:
  void put_u32(uint32_t v) {
    for (int i = 0; i < 4; ++i) out_ += static_cast<char>((v >> (8 * i)) & 0xff);
  }
  std::string out_;
};

}  // namespace

void write_torch_checkpoint(const std::string& path, const TensorMap& tensors) {
  PickleWriter p;
  p.proto();
  p.global("collections", "OrderedDict");
  p.empty_tuple();
  p.reduce();
  p.mark();
  std::vector<std::pair<std::string, std::string>> members;
  int key = 0;
  for (const auto& [name, tensor] : tensors) {
    const std::string storage_key = std::to_string(key++);
    p.string(name);
    p.global("torch._utils", "_rebuild_tensor_v2");
    p.mark();
    {
      p.mark();  // persistent id: ('storage', FloatStorage, key, 'cpu', numel)
      p.string("storage");
      p.global("torch", "FloatStorage");
      p.string(storage_key);
      p.string("cpu");
      p.integer(tensor.numel());
      p.tuple();
      p.persistent_id();
      p.integer(0);  // storage offset
      p.mark();
      for (int64_t d : tensor.shape) p.integer(d);
      p.tuple();
      p.mark();  // contiguous strides
      std::vector<int64_t> strides(tensor.shape.size(), 1);
      for (size_t i = tensor.shape.size(); i-- > 1;) strides[i - 1] = strides[i] * tensor.shape[i];
      for (int64_t s : strides) p.integer(s);
      p.tuple();
      p.false_();  // requires_grad
      p.global("collections", "OrderedDict");
      p.empty_tuple();
      p.reduce();  // backward hooks
    }
    p.tuple();
    p.reduce();
    std::string data(static_cast<size_t>(tensor.numel()) * sizeof(float), '\0');
    std::memcpy(data.data(), tensor.ptr(), data.size());
    members.push_back({"archive/data/" + storage_key, std::move(data)});
  }
  p.setitems();
  p.stop();
  members.insert(members.begin(), {"archive/data.pkl", p.bytes()});
  members.push_back({"archive/version", "3\n"});
  AtomicOutput file(path);
  file.stream() << zip_bytes(members);
  file.commit();
}

}  // namespace splicebert
