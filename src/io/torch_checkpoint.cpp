// pytorch_model.bin as torch.save writes it: a zip holding `<top>/data.pkl` (the state dict, pickled) and one
// member `<top>/data/<key>` per storage. The pickle is read by the restricted unpickler; its tensors are
//   _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
// (optionally wrapped in _rebuild_parameter), where `storage` is the persistent id
//   ('storage', torch.<Type>Storage, key, location, numel).
// Every tensor is gathered into its own float32 copy, so tied tensors (one storage, several names) come out as
// equal, independent tensors. Integer storages (e.g. bert.embeddings.position_ids, int64) are converted to float
// too; the model loader decides what to ignore.
#include <map>
#include <set>

#include "io/pickle.hpp"
#include "io/torch_storage.hpp"
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

// The archive's members by role. The top folder is named after the saved file in older PyTorch
// ("pytorch_model/") and "archive/" in newer ones, so data.pkl is found by its place, not its folder's name.
struct CheckpointArchive {
  std::string top;  // "pytorch_model/"
  const std::string* pickle = nullptr;
  std::map<std::string, const std::string*> storages;  // key -> bytes
};

CheckpointArchive index_archive(const std::vector<ZipMember>& members, const std::string& source) {
  CheckpointArchive archive;
  for (const ZipMember& member : members) {
    const size_t slash = member.name.find('/');
    if (slash == std::string::npos || member.name.substr(slash + 1) != kPickleName) continue;
    if (archive.pickle)
      fail(source, ": the zip holds more than one data.pkl ('", archive.top, kPickleName, "', '", member.name, "')");
    archive.top = member.name.substr(0, slash + 1);
    archive.pickle = &member.data;
  }
  if (!archive.pickle) fail(source, ": no <folder>/data.pkl in the zip; not a torch.save checkpoint");
  const std::string storage_prefix = archive.top + "data/";
  for (const ZipMember& member : members) {
    if (member.name.starts_with(storage_prefix))
      archive.storages.emplace(member.name.substr(storage_prefix.size()), &member.data);
    if (member.name == archive.top + "byteorder" && member.data != "little")
      fail(source, ": the checkpoint's byte order is '", member.data, "'; only little-endian is supported");
  }
  return archive;
}

// Turns the pickled description of each tensor into a float32 tensor.
class TensorReader {
 public:
  TensorReader(const CheckpointArchive& archive, const std::string& source) : archive_(archive), source_(source) {}

  Tensor read(const std::string& name, const Value& value) const {
    const std::string what = source_ + ": tensor '" + name + "'";
    const Value& args = call_args(value, what);
    if (callable(value) == kRebuildParameter) {
      if (args.items.empty()) fail(what, ": _rebuild_parameter without arguments");
      const Value& data = *args.items[0];
      if (data.kind != Kind::Call || callable(data) != kRebuildTensor)
        fail(what, ": _rebuild_parameter does not wrap a _rebuild_tensor_v2 tensor");
      return rebuild_tensor(call_args(data, what), what);
    }
    if (callable(value) != kRebuildTensor) fail(what, ": built by ", callable(value), ", not ", kRebuildTensor);
    return rebuild_tensor(args, what);
  }

 private:
  static const std::string& callable(const Value& call) { return call.items[0]->text; }

  static const Value& call_args(const Value& value, const std::string& what) {
    if (value.kind != Kind::Call) fail(what, ": the state dict holds ", pickle::a_kind(value.kind), ", not a tensor");
    return *value.items[1];
  }

  static int64_t integer(const Value& value, const std::string& what, const char* field) {
    if (value.kind != Kind::Int) fail(what, ": ", field, " is ", pickle::a_kind(value.kind), ", not an int");
    return value.integer;
  }

  static std::vector<int64_t> integers(const Value& value, const std::string& what, const char* field) {
    if (value.kind != Kind::Tuple) fail(what, ": ", field, " is ", pickle::a_kind(value.kind), ", not a tuple");
    std::vector<int64_t> result;
    for (const Value* item : value.items) result.push_back(integer(*item, what, field));
    return result;
  }

  Tensor rebuild_tensor(const Value& args, const std::string& what) const {
    if (args.items.size() != 6 && args.items.size() != 7)
      fail(what, ": _rebuild_tensor_v2 takes 6 or 7 arguments, not ", args.items.size());
    const Value& persistent_id = *args.items[0];
    if (persistent_id.kind != Kind::PersistentId)
      fail(what, ": its storage is ", pickle::a_kind(persistent_id.kind), ", not a persistent id");
    const Value& id = *persistent_id.items[0];
    if (id.kind != Kind::Tuple || id.items.size() != 5 || id.items[0]->kind != Kind::String ||
        id.items[0]->text != "storage" || id.items[1]->kind != Kind::Global || id.items[2]->kind != Kind::String)
      fail(what, ": its persistent id is not ('storage', type, key, location, numel)");
    const torch_storage::StorageType* type = torch_storage::find_storage_type(id.items[1]->text);
    if (!type) fail(what, ": ", id.items[1]->text, " is not a storage type");
    const std::string& key = id.items[2]->text;
    const int64_t storage_numel = integer(*id.items[4], what, "storage numel");

    const auto storage = archive_.storages.find(key);
    if (storage == archive_.storages.end())
      fail(what, ": its storage '", key, "' (zip member '", archive_.top, "data/", key, "') is missing");
    const std::string& bytes = *storage->second;
    if (storage_numel < 0 || static_cast<uint64_t>(storage_numel) > bytes.size() / type->bytes)
      fail(what, ": storage '", key, "' has ", bytes.size(), " bytes, too few for ", storage_numel, " elements of ",
           type->global);

    torch_storage::StridedView view;
    view.offset = integer(*args.items[1], what, "storage offset");
    view.size = integers(*args.items[2], what, "size");
    view.stride = integers(*args.items[3], what, "stride");
    return torch_storage::gather(*type, reinterpret_cast<const uint8_t*>(bytes.data()), storage_numel, view, what);
  }

  const CheckpointArchive& archive_;
  const std::string& source_;
};

}  // namespace

TensorMap parse_torch_checkpoint(const uint8_t* data, size_t size, const std::string& source) {
  const std::vector<ZipMember> members = parse_zip(data, size, source);
  const CheckpointArchive archive = index_archive(members, source);
  pickle::Unpickler unpickler(source, allowed_globals());
  const Value& root = unpickler.load(reinterpret_cast<const uint8_t*>(archive.pickle->data()), archive.pickle->size());
  if (root.kind != Kind::Dict) fail(source, ": data.pkl holds ", pickle::a_kind(root.kind), ", not a state dict");
  const TensorReader reader(archive, source);
  TensorMap tensors;
  for (const auto& [key, value] : root.entries) {
    if (key->kind != Kind::String)
      fail(source, ": the state dict has ", pickle::a_kind(key->kind), " as a key; tensor names are strings");
    tensors[key->text] = reader.read(key->text, *value);
  }
  return tensors;
}

TensorMap read_torch_checkpoint(const std::string& path) {
  const std::vector<uint8_t> bytes = read_file_bytes(path);
  return parse_torch_checkpoint(bytes.data(), bytes.size(), path);
}

}  // namespace splicebert
