// parse_torch_checkpoint on hand-built checkpoints: the state-dict shapes torch.save produces (strided views,
// tied storages, parameters, OrderedDict metadata, other dtypes) and hostile or broken ones (forbidden globals,
// truncation, missing or short storages, lying zips). Every failure must be a splicebert::Error naming the file.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "io/little_endian.hpp"
#include "splicebert/error.hpp"
#include "splicebert/io.hpp"
#include "test_util.hpp"

namespace splicebert {
namespace {

using namespace std::string_literals;  // "..."s keeps embedded NUL bytes

// Emits pickle opcodes the way torch.save's protocol-2 pickler does.
class PickleWriter {
 public:
  PickleWriter() { bytes_ = "\x80\x02"; }
  PickleWriter& raw(const std::string& bytes) { return bytes_ += bytes, *this; }
  PickleWriter& global(const std::string& module, const std::string& name) {
    return raw("c" + module + "\n" + name + "\n");
  }
  PickleWriter& str(const std::string& text) {
    bytes_ += 'X';
    le::append32(bytes_, text.size());
    return raw(text);
  }
  PickleWriter& integer(int64_t value) {
    bytes_ += 'J';
    le::append32(bytes_, static_cast<uint32_t>(value));
    return *this;
  }
  PickleWriter& ints(const std::vector<int64_t>& values) {
    mark();
    for (int64_t value : values) integer(value);
    return raw("t");
  }
  PickleWriter& mark() { return raw("("); }
  PickleWriter& ordered_dict() { return global("collections", "OrderedDict").raw(")R"); }
  std::string stop() const { return bytes_ + "."; }
  std::string unstopped() const { return bytes_; }

 private:
  std::string bytes_;
};

struct TensorRecord {
  std::string name, storage_type = "FloatStorage", key = "0";
  int64_t storage_numel = 0, offset = 0;
  std::vector<int64_t> size, stride;
  bool as_parameter = false;
};

void write_tensor(PickleWriter& pickle, const TensorRecord& t) {
  pickle.str(t.name);
  if (t.as_parameter) pickle.global("torch._utils", "_rebuild_parameter").mark();
  pickle.global("torch._utils", "_rebuild_tensor_v2").mark();
  pickle.mark().str("storage").global("torch", t.storage_type).str(t.key).str("cpu").integer(t.storage_numel);
  pickle.raw("tQ");  // TUPLE, BINPERSID
  pickle.integer(t.offset).ints(t.size).ints(t.stride).raw("\x89").ordered_dict().raw("tR");
  if (t.as_parameter) pickle.raw("\x89").ordered_dict().raw("tR");
}

// An OrderedDict state dict with HF's `_metadata` attribute set through BUILD, as Module.state_dict() saves it.
std::string state_dict_pickle(const std::vector<TensorRecord>& tensors) {
  PickleWriter pickle;
  pickle.ordered_dict().mark();
  for (const TensorRecord& t : tensors) write_tensor(pickle, t);
  pickle.raw("u");  // SETITEMS
  pickle.raw("}").str("_metadata").ordered_dict().str("").raw("}").str("version").integer(1).raw("sss");
  return pickle.raw("b").stop();  // BUILD
}

std::string floats(const std::vector<float>& values) {
  return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
}

std::string checkpoint(const std::string& pickle, const std::vector<std::pair<std::string, std::string>>& storages) {
  std::vector<std::pair<std::string, std::string>> members = {{"archive/data.pkl", pickle}};
  for (const auto& [key, bytes] : storages) members.emplace_back("archive/data/" + key, bytes);
  members.emplace_back("archive/version", "3\n");
  return zip_bytes(members);
}

TensorMap load(const std::string& bytes, const std::string& source = "test.bin") {
  return parse_torch_checkpoint(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), source);
}

// Runs `load` and returns the error message ("" if it loaded).
std::string load_error(const std::string& bytes, const std::string& source = "test.bin") {
  try {
    load(bytes, source);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

const std::vector<float> kSix = {0, 1, 2, 3, 4, 5};

TEST(TorchCheckpoint, ReadsViewsTiesAndParameters) {
  const std::vector<TensorRecord> records = {
      {.name = "matrix", .storage_numel = 6, .size = {2, 3}, .stride = {3, 1}},
      {.name = "tied", .storage_numel = 6, .size = {2, 3}, .stride = {3, 1}},
      {.name = "transposed", .storage_numel = 6, .size = {3, 2}, .stride = {1, 3}},
      {.name = "offset_row", .storage_numel = 6, .offset = 4, .size = {2}, .stride = {1}},
      {.name = "every_other", .storage_numel = 6, .offset = 1, .size = {3}, .stride = {2}},
      {.name = "scalar", .storage_numel = 6, .offset = 5, .size = {}, .stride = {}},
      {.name = "empty", .storage_numel = 6, .offset = 6, .size = {0, 3}, .stride = {3, 1}},
      {.name = "param", .key = "1", .storage_numel = 2, .size = {2}, .stride = {1}, .as_parameter = true},
  };
  const TensorMap tensors = load(checkpoint(state_dict_pickle(records), {{"0", floats(kSix)}, {"1", floats({7, 8})}}));
  ASSERT_EQ(tensors.size(), records.size());
  EXPECT_EQ(tensors.at("matrix").shape, (Shape{2, 3}));
  EXPECT_EQ(tensors.at("matrix").data, kSix);
  EXPECT_EQ(tensors.at("tied").data, kSix);
  EXPECT_NE(tensors.at("tied").ptr(), tensors.at("matrix").ptr());  // each name owns its copy
  EXPECT_EQ(tensors.at("transposed").data, (std::vector<float>{0, 3, 1, 4, 2, 5}));
  EXPECT_EQ(tensors.at("offset_row").data, (std::vector<float>{4, 5}));
  EXPECT_EQ(tensors.at("every_other").data, (std::vector<float>{1, 3, 5}));
  EXPECT_EQ(tensors.at("scalar").shape, Shape{});
  EXPECT_EQ(tensors.at("scalar").data, std::vector<float>{5});
  EXPECT_EQ(tensors.at("empty").shape, (Shape{0, 3}));
  EXPECT_EQ(tensors.at("param").data, (std::vector<float>{7, 8}));
}

TEST(TorchCheckpoint, ConvertsOtherStorageTypes) {
  std::string halves, bf16s, doubles, longs;
  for (uint16_t bits : {0x3C00, 0xC000}) le::append16(halves, bits);  // 1.0, -2.0
  for (uint16_t bits : {0x3F80, 0x4040}) le::append16(bf16s, bits);   // 1.0, 3.0
  for (double value : {0.25, -8.5}) doubles.append(reinterpret_cast<const char*>(&value), 8);
  for (int64_t value : {int64_t{1025}, int64_t{-3}}) le::append(longs, static_cast<uint64_t>(value), 8);
  const std::vector<TensorRecord> records = {
      {.name = "h", .storage_type = "HalfStorage", .key = "h", .storage_numel = 2, .size = {2}, .stride = {1}},
      {.name = "b", .storage_type = "BFloat16Storage", .key = "b", .storage_numel = 2, .size = {2}, .stride = {1}},
      {.name = "d", .storage_type = "DoubleStorage", .key = "d", .storage_numel = 2, .size = {2}, .stride = {1}},
      {.name = "l", .storage_type = "LongStorage", .key = "l", .storage_numel = 2, .size = {1, 2}, .stride = {2, 1}},
  };
  const TensorMap tensors =
      load(checkpoint(state_dict_pickle(records), {{"h", halves}, {"b", bf16s}, {"d", doubles}, {"l", longs}}));
  EXPECT_EQ(tensors.at("h").data, (std::vector<float>{1.0f, -2.0f}));
  EXPECT_EQ(tensors.at("b").data, (std::vector<float>{1.0f, 3.0f}));
  EXPECT_EQ(tensors.at("d").data, (std::vector<float>{0.25f, -8.5f}));
  EXPECT_EQ(tensors.at("l").data, (std::vector<float>{1025.0f, -3.0f}));
}

TEST(TorchCheckpoint, RefusesForeignGlobalsNamingThem) {
  const std::string os_system = "\x80\x02\x63os\nsystem\nq\x00X\x02\x00\x00\x00lsq\x01\x85q\x02Rq\x03."s;
  const std::string message = load_error(checkpoint(os_system, {}), "evil.bin");
  EXPECT_NE(message.find("evil.bin"), std::string::npos) << message;
  EXPECT_NE(message.find("'os.system'"), std::string::npos) << message;
  EXPECT_NE(message.find("refusing to load"), std::string::npos) << message;

  // through a file, by STACK_GLOBAL, and as a "storage type"
  test::TempDir dir;
  const std::string path = dir / "pytorch_model.bin";
  std::ofstream(path, std::ios::binary) << checkpoint(PickleWriter().str("builtins").str("eval").raw("\x93").stop(),
                                                      {});
  try {
    read_torch_checkpoint(path);
    FAIL() << "builtins.eval was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'builtins.eval'"), std::string::npos) << e.what();
  }
  TensorRecord record{.name = "w", .storage_type = "ObjectStorage", .storage_numel = 6, .size = {6}, .stride = {1}};
  EXPECT_NE(load_error(checkpoint(state_dict_pickle({record}), {{"0", floats(kSix)}})).find("'torch.ObjectStorage'"),
            std::string::npos);
  EXPECT_NE(load_error(checkpoint(PickleWriter().global("posix", "system").stop(), {})).find("'posix.system'"),
            std::string::npos);
}

TEST(TorchCheckpoint, EveryTruncatedPickleIsAnError) {
  const std::string pickle = state_dict_pickle({{.name = "w", .storage_numel = 6, .size = {2, 3}, .stride = {3, 1}}});
  for (size_t length = 0; length < pickle.size(); ++length) {
    const std::string message = load_error(checkpoint(pickle.substr(0, length), {{"0", floats(kSix)}}));
    EXPECT_NE(message.find("test.bin"), std::string::npos) << "truncated to " << length << ": " << message;
  }
}

TEST(TorchCheckpoint, RejectsMissingAndShortStorages) {
  const TensorRecord good{.name = "w", .storage_numel = 6, .size = {2, 3}, .stride = {3, 1}};
  auto error_for = [&](TensorRecord record, const std::string& storage_bytes) {
    return load_error(checkpoint(state_dict_pickle({record}), {{"0", storage_bytes}}));
  };
  EXPECT_EQ(error_for(good, floats(kSix)), "");

  TensorRecord missing = good;
  missing.key = "7";
  EXPECT_NE(error_for(missing, floats(kSix)).find("storage '7'"), std::string::npos);
  EXPECT_NE(error_for(good, floats({0, 1, 2})).find("too few"), std::string::npos);  // file shorter than numel

  auto out_of_range = [&](int64_t offset, std::vector<int64_t> size, std::vector<int64_t> stride) {
    TensorRecord record = good;
    record.offset = offset, record.size = std::move(size), record.stride = std::move(stride);
    return error_for(record, floats(kSix));
  };
  EXPECT_NE(out_of_range(1, {2, 3}, {3, 1}).find("tensor 'w'"), std::string::npos);  // one past the end
  EXPECT_NE(out_of_range(0, {2, 3}, {4, 1}), "");                                    // stride too large
  EXPECT_NE(out_of_range(0, {7}, {1}), "");                                          // size too large
  EXPECT_NE(out_of_range(-1, {2}, {1}), "");
  EXPECT_NE(out_of_range(0, {2, -3}, {3, 1}), "");
  EXPECT_NE(out_of_range(0, {2, 3}, {3, -1}), "");
  EXPECT_NE(out_of_range(0, {2, 3}, {3}), "");                             // rank mismatch
  EXPECT_NE(out_of_range(0, {4, 6}, {0, 1}), "");                          // broadcast view
  EXPECT_NE(out_of_range(0, {1 << 30, 1 << 30, 1 << 30}, {0, 0, 0}), "");  // overflow / bomb
  EXPECT_NE(out_of_range(0, {1, 2}, {0x7FFFFFFF, 0x7FFFFFFF}), "");

  // a size-1 dimension may carry any stride (torch does not look at it)
  EXPECT_EQ(out_of_range(0, {1, 6}, {0x7FFFFFFF, 1}), "");
}

TEST(TorchCheckpoint, RejectsMalformedPickles) {
  const std::string storage = floats(kSix);
  auto error_for = [&](const std::string& pickle) { return load_error(checkpoint(pickle, {{"0", storage}})); };
  EXPECT_NE(error_for(PickleWriter().raw("h\x05").stop()).find("memo"), std::string::npos);  // BINGET 5
  EXPECT_NE(error_for(PickleWriter().raw("j\x00\x00\x01\x00"s).stop()).find("memo"), std::string::npos);
  EXPECT_NE(error_for(PickleWriter().raw(")\x86").stop()).find("underflow"), std::string::npos);
  EXPECT_NE(error_for(PickleWriter().raw("(\x85").stop()).find("underflow"), std::string::npos);  // behind a MARK
  EXPECT_NE(error_for(PickleWriter().raw("}u").stop()), "");  // SETITEMS without MARK
  EXPECT_NE(error_for(PickleWriter().raw("}(K\x01u").stop()).find("odd"), std::string::npos);
  EXPECT_NE(error_for(PickleWriter().raw("](K\x01K\x02u").stop()).find("list"), std::string::npos);
  EXPECT_NE(error_for(PickleWriter().raw("N").stop()).find("not a state dict"), std::string::npos);
  EXPECT_NE(error_for(PickleWriter().raw("}").integer(3).integer(4).raw("s").stop()).find("key"), std::string::npos);
  EXPECT_NE(error_for(PickleWriter().raw("}").str("x").integer(4).raw("s").stop()).find("not a tensor"),
            std::string::npos);
  EXPECT_NE(error_for(PickleWriter().raw("\x80\x09}.").unstopped()).find("protocol"), std::string::npos);
  EXPECT_NE(error_for(PickleWriter().raw("}").str("x").raw("\x8a\x09").stop()), "");  // LONG1 > 64 bits
  EXPECT_NE(error_for(PickleWriter().raw("}").raw("X\xff\xff\xff\x7f").stop()).find("past the end"), std::string::npos);
  EXPECT_NE(error_for(PickleWriter().raw("}").raw("\x8e").stop()).find("opcode"), std::string::npos);
  EXPECT_NE(error_for(PickleWriter().raw("}").unstopped()).find("STOP"), std::string::npos);
  EXPECT_NE(error_for(PickleWriter().ordered_dict().raw("K\x01)R").stop()).find("REDUCE"), std::string::npos);
  // millions of one-byte objects: refused before they exhaust memory
  std::string flood;
  for (int i = 0; i < 3'000'000; ++i) flood += ")0";  // EMPTY_TUPLE, POP
  EXPECT_NE(error_for(PickleWriter().raw(flood).raw("}").stop()).find("objects"), std::string::npos);
  // a list appended to itself: a cycle is harmless to build and to throw away
  EXPECT_NE(error_for(PickleWriter().raw("]q\x00h\x00\x61"s).stop()).find("not a state dict"), std::string::npos);
}

TEST(TorchCheckpoint, RejectsBrokenArchives) {
  const std::string pickle = state_dict_pickle({{.name = "w", .storage_numel = 6, .size = {6}, .stride = {1}}});
  EXPECT_NE(load_error(zip_bytes({{"archive/data/0", floats(kSix)}})).find("data.pkl"), std::string::npos);
  EXPECT_NE(load_error(zip_bytes({{"a/data.pkl", pickle}, {"b/data.pkl", pickle}})).find("more than one"),
            std::string::npos);
  std::vector<std::pair<std::string, std::string>> big_endian = {
      {"archive/data.pkl", pickle}, {"archive/data/0", floats(kSix)}, {"archive/byteorder", "big"}};
  EXPECT_NE(load_error(zip_bytes(big_endian)).find("byte order"), std::string::npos);
  EXPECT_NE(load_error("not a zip at all").find("test.bin"), std::string::npos);

  // a zip whose central directory offsets lie: every member's local-header offset shifted by one
  std::string lying = checkpoint(pickle, {{"0", floats(kSix)}});
  const size_t end = lying.size() - 22;
  size_t entry = le::load32(reinterpret_cast<const uint8_t*>(lying.data()) + end + 16);
  while (entry < end) {
    const auto* header = reinterpret_cast<const uint8_t*>(lying.data()) + entry;
    const uint32_t offset = le::load32(header + 42) + 1;
    for (int i = 0; i < 4; ++i) lying[entry + 42 + i] = static_cast<char>(offset >> (8 * i));
    entry += 46 + le::load16(header + 28);
  }
  EXPECT_NE(load_error(lying).find("test.bin"), std::string::npos);
}

TEST(TorchCheckpoint, ReadsWhatWriteTorchCheckpointWrites) {
  const TensorMap tensors = {{"a.weight", Tensor({2, 3}, kSix)}, {"b.bias", Tensor({4}, {-1.5f, 0.0f, 2.25f, 1e-30f})}};
  test::TempDir dir;
  write_torch_checkpoint(dir / "pytorch_model.bin", tensors);
  const TensorMap loaded = read_torch_checkpoint(dir / "pytorch_model.bin");
  ASSERT_EQ(loaded.size(), tensors.size());
  for (const auto& [name, tensor] : tensors) {
    EXPECT_EQ(loaded.at(name).shape, tensor.shape) << name;
    EXPECT_EQ(loaded.at(name).data, tensor.data) << name;
  }
}

// Random single-byte damage anywhere in a real-shaped checkpoint: it loads or it throws Error, nothing else.
TEST(TorchCheckpoint, SurvivesCorruptedBytes) {
  const std::string pickle = state_dict_pickle({{.name = "a", .storage_numel = 6, .size = {2, 3}, .stride = {3, 1}},
                                                {.name = "b", .storage_numel = 6, .size = {3, 2}, .stride = {1, 3}}});
  for (size_t at = 2; at < pickle.size(); ++at) {  // damage the pickle itself (the zip's CRC would catch it)
    for (uint8_t flip : {0x01, 0x10, 0x80, 0xFF}) {
      std::string damaged = pickle;
      damaged[at] = static_cast<char>(damaged[at] ^ flip);
      try {
        load(checkpoint(damaged, {{"0", floats(kSix)}}));
      } catch (const Error&) {
      }
    }
  }
}

}  // namespace
}  // namespace splicebert

namespace splicebert {
namespace {

TEST(TorchCheckpointErrors, TwoTensorsClaimingDifferentSizesOfOneStorage) {
  // Found by fuzz_pickle once storages were inflated lazily and cached: the second tensor's larger numel was not
  // checked against the cached bytes of the first (a heap overflow). Each read checks its own numel now.
  const TensorRecord small{.name = "a", .key = "0", .storage_numel = 6, .size = {6}, .stride = {1}};
  const TensorRecord large{.name = "b", .key = "0", .storage_numel = 64, .size = {64}, .stride = {1}};
  const std::string message =
      load_error(checkpoint(state_dict_pickle({small, large}), {{"0", floats({1, 2, 3, 4, 5, 6})}}));
  EXPECT_NE(message.find("tensor 'b': storage '0' has 24 bytes, too few for 64 elements"), std::string::npos)
      << message;
}

}  // namespace
}  // namespace splicebert
