// pytorch_model.bin as torch.save writes it: a zip holding `<top>/data.pkl` (the state dict, pickled) and one
// member `<top>/data/<key>` per storage. The pickle is read by the restricted unpickler; its tensors are
//   _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
// (optionally wrapped in _rebuild_parameter), where `storage` is the persistent id
//   ('storage', torch.<Type>Storage, key, location, numel).
// The zip is indexed first and each storage inflated only when a tensor on it is read (TorchCheckpointSource).
// Every tensor is gathered into its own float32 copy, so tied tensors (one storage, several names) come out as
// equal, independent tensors. Integer storages (e.g. bert.embeddings.position_ids, int64) are converted to float
// too; the model loader decides what to ignore.
#include <map>
#include <set>

#include "io/pickle.hpp"
#include "io/tensor_source.hpp"
#include "io/torch_storage.hpp"
#include "io/zip_reader.hpp"
#include "splicebert/error.hpp"
#include "splicebert/io.hpp"

namespace splicebert {
namespace {

using pickle::Kind;
using pickle::Value;

constexpr const char* kRebuildTensor = "torch._utils._rebuild_tensor_v2";
constexpr const char* kRebuildParameter = "torch._utils._rebuild_parameter";
constexpr std::string_view kPickleName = "data.pkl";

std::set<std::string> allowed_globals() {
  std::set<std::string> globals = {"collections.OrderedDict", kRebuildTensor, kRebuildParameter};
  for (const auto& type : torch_storage::storage_types()) globals.insert(type.global);
  return globals;
}

// The pickle of a state dict is about 100 bytes per tensor; anything past this is not a checkpoint.
constexpr uint64_t kMaxPickleBytes = uint64_t{256} << 20;
// torch writes each storage member at exactly numel x element bytes; a little slack for writers that pad.
constexpr uint64_t kStoragePadding = 64;

// One tensor as the pickle describes it: which storage, its element type and count, and the view over it.
struct TensorRecord {
  const torch_storage::StorageType* type = nullptr;
  std::string key;
  int64_t storage_numel = 0;
  torch_storage::StridedView view;
};

const std::string& callable(const pickle::Value& call) { return call.items[0]->text; }

const Value& call_args(const Value& value, const std::string& what) {
  if (value.kind != Kind::Call) fail(what, ": the state dict holds ", pickle::a_kind(value.kind), ", not a tensor");
  return *value.items[1];
}

int64_t integer(const Value& value, const std::string& what, const char* field) {
  if (value.kind != Kind::Int) fail(what, ": ", field, " is ", pickle::a_kind(value.kind), ", not an int");
  return value.integer;
}

std::vector<int64_t> integers(const Value& value, const std::string& what, const char* field) {
  if (value.kind != Kind::Tuple) fail(what, ": ", field, " is ", pickle::a_kind(value.kind), ", not a tuple");
  std::vector<int64_t> result;
  for (const Value* item : value.items) result.push_back(integer(*item, what, field));
  return result;
}

TensorRecord rebuild_record(const Value& args, const std::string& what) {
  if (args.items.size() != 6 && args.items.size() != 7)
    fail(what, ": _rebuild_tensor_v2 takes 6 or 7 arguments, not ", args.items.size());
  const Value& persistent_id = *args.items[0];
  if (persistent_id.kind != Kind::PersistentId)
    fail(what, ": its storage is ", pickle::a_kind(persistent_id.kind), ", not a persistent id");
  const Value& id = *persistent_id.items[0];
  if (id.kind != Kind::Tuple || id.items.size() != 5 || id.items[0]->kind != Kind::String ||
      id.items[0]->text != "storage" || id.items[1]->kind != Kind::Global || id.items[2]->kind != Kind::String)
    fail(what, ": its persistent id is not ('storage', type, key, location, numel)");
  TensorRecord record;
  record.type = torch_storage::find_storage_type(id.items[1]->text);
  if (!record.type) fail(what, ": ", id.items[1]->text, " is not a storage type");
  record.key = id.items[2]->text;
  record.storage_numel = integer(*id.items[4], what, "storage numel");
  if (record.storage_numel < 0) fail(what, ": negative storage numel ", record.storage_numel);
  record.view.offset = integer(*args.items[1], what, "storage offset");
  record.view.size = integers(*args.items[2], what, "size");
  record.view.stride = integers(*args.items[3], what, "stride");
  return record;
}

TensorRecord read_record(const std::string& name, const Value& value, const std::string& source) {
  const std::string what = source + ": tensor '" + name + "'";
  const Value& args = call_args(value, what);
  if (callable(value) == kRebuildParameter) {
    if (args.items.empty()) fail(what, ": _rebuild_parameter without arguments");
    const Value& data = *args.items[0];
    if (data.kind != Kind::Call || callable(data) != kRebuildTensor)
      fail(what, ": _rebuild_parameter does not wrap a _rebuild_tensor_v2 tensor");
    return rebuild_record(call_args(data, what), what);
  }
  if (callable(value) != kRebuildTensor) fail(what, ": built by ", callable(value), ", not ", kRebuildTensor);
  return rebuild_record(args, what);
}

// pytorch_model.bin: the zip is indexed and the pickle read when opened; storages are inflated only for the
// tensors asked for, each checked against the element count its persistent id declares, and kept while the source
// lives (tied tensors share one storage).
class TorchCheckpointSource final : public TensorSource {
 public:
  TorchCheckpointSource(std::vector<uint8_t> bytes, const std::string& source)
      : TensorSource(source), bytes_(std::move(bytes)), zip_(bytes_.data(), bytes_.size(), source) {
    index_members();
    pickle::Unpickler unpickler(source, allowed_globals());
    const std::string pickle_bytes = zip_.read(*pickle_, kMaxPickleBytes);
    const Value& root = unpickler.load(reinterpret_cast<const uint8_t*>(pickle_bytes.data()), pickle_bytes.size());
    if (root.kind != Kind::Dict) fail(source, ": data.pkl holds ", pickle::a_kind(root.kind), ", not a state dict");
    for (const auto& [key, value] : root.entries) {
      if (key->kind != Kind::String)
        fail(source, ": the state dict has ", pickle::a_kind(key->kind), " as a key; tensor names are strings");
      TensorRecord record = read_record(key->text, *value, source);
      shapes_[key->text] = record.view.size;
      records_[key->text] = std::move(record);
    }
  }

  const std::map<std::string, Shape>& index() const override { return shapes_; }

  Tensor read(const std::string& name) override {
    const TensorRecord& record = records_.at(name);
    const std::string what = source() + ": tensor '" + name + "'";
    const std::string& storage = inflate_storage(record, what);
    // Checked on every read, not only when inflating: two tensors may name one storage with different numels, and
    // the second then finds the first one's (shorter) bytes in the cache.
    if (static_cast<uint64_t>(record.storage_numel) > storage.size() / static_cast<uint64_t>(record.type->bytes))
      fail(what, ": storage '", record.key, "' has ", storage.size(), " bytes, too few for ", record.storage_numel,
           " elements of ", record.type->global);
    return torch_storage::gather(*record.type, reinterpret_cast<const uint8_t*>(storage.data()),
                                 record.storage_numel, record.view, what);
  }

 private:
  // The top folder is named after the saved file in older PyTorch ("pytorch_model/") and "archive/" in newer
  // ones, so data.pkl is found by its place, not its folder's name.
  void index_members() {
    for (const ZipEntry& entry : zip_.entries()) {
      const size_t slash = entry.name.find('/');
      if (slash == std::string::npos || entry.name.substr(slash + 1) != kPickleName) continue;
      if (pickle_)
        fail(source(), ": the zip holds more than one data.pkl ('", top_, kPickleName, "', '", entry.name, "')");
      top_ = entry.name.substr(0, slash + 1);
      pickle_ = &entry;
    }
    if (!pickle_) fail(source(), ": no <folder>/data.pkl in the zip; not a torch.save checkpoint");
    const std::string storage_prefix = top_ + "data/";
    for (const ZipEntry& entry : zip_.entries()) {
      if (entry.name.starts_with(storage_prefix)) storages_.emplace(entry.name.substr(storage_prefix.size()), &entry);
      if (entry.name == top_ + "byteorder") {
        const std::string order = zip_.read(entry, 16);
        if (order != "little")
          fail(source(), ": the checkpoint's byte order is '", order, "'; only little-endian is supported");
      }
    }
  }

  const std::string& inflate_storage(const TensorRecord& record, const std::string& what) {
    if (auto done = inflated_.find(record.key); done != inflated_.end()) return done->second;
    const auto member = storages_.find(record.key);
    if (member == storages_.end())
      fail(what, ": its storage '", record.key, "' (zip member '", top_, "data/", record.key, "') is missing");
    uint64_t needed = 0;
    if (__builtin_mul_overflow(static_cast<uint64_t>(record.storage_numel), static_cast<uint64_t>(record.type->bytes),
                               &needed) ||
        member->second->uncompressed_size < needed)
      fail(what, ": storage '", record.key, "' has ", member->second->uncompressed_size, " bytes, too few for ",
           record.storage_numel, " elements of ", record.type->global);
    spend(needed, what);
    return inflated_.emplace(record.key, zip_.read(*member->second, needed + kStoragePadding)).first->second;
  }

  std::vector<uint8_t> bytes_;
  ZipArchive zip_;
  std::string top_;
  const ZipEntry* pickle_ = nullptr;
  std::map<std::string, const ZipEntry*> storages_;
  std::map<std::string, TensorRecord> records_;
  std::map<std::string, Shape> shapes_;
  std::map<std::string, std::string> inflated_;
};

}  // namespace

std::unique_ptr<TensorSource> open_torch_checkpoint_source(const std::string& path) {
  return std::make_unique<TorchCheckpointSource>(read_file_bytes(path), path);
}

TensorMap parse_torch_checkpoint(const uint8_t* data, size_t size, const std::string& source) {
  TorchCheckpointSource checkpoint(std::vector<uint8_t>(data, data + size), source);
  TensorMap tensors;
  for (const auto& [name, shape] : checkpoint.index()) tensors[name] = checkpoint.read(name);
  return tensors;
}

TensorMap read_torch_checkpoint(const std::string& path) {
  auto checkpoint = open_torch_checkpoint_source(path);
  TensorMap tensors;
  for (const auto& [name, shape] : checkpoint->index()) tensors[name] = checkpoint->read(name);
  return tensors;
}

}  // namespace splicebert
