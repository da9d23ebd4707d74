// File formats: safetensors, torch zip checkpoints (restricted unpickler), npy / npz, and atomic output files.
// Every reader validates sizes and offsets before it touches data and throws splicebert::Error naming the file.
#pragma once
#include <cstdint>
#include <fstream>
#include <map>
#include <set>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "splicebert/tensor.hpp"

namespace splicebert {

// ---- whole files ------------------------------------------------------------------------------------------------
std::vector<uint8_t> read_file_bytes(const std::string& path);
std::string read_file_text(const std::string& path);
std::string sha256_hex(const void* data, size_t size);
std::string sha256_file_hex(const std::string& path);

// ---- outputs (docs/cli.md, "Outputs") ----------------------------------------------------------------------------------
// How an output path is written. "-", /dev/stdout and /dev/fd/1 are standard output. A path that is, or links to,
// an existing file that is not a regular file (a device such as /dev/null, a FIFO, a socket) is written in place,
// never replaced. Anything else gets a temporary file beside the symlinks' final target, renamed onto it on commit,
// so a symlinked output is written through and stays a symlink.
enum class OutputKind { StandardOutput, InPlace, Replace };
struct OutputTarget {
  OutputKind kind = OutputKind::Replace;
  std::string path;  // symlinks resolved (Replace), or the path as given (InPlace)
};
OutputTarget resolve_output_target(const std::string& path);

// Throws a one-line Error saying why `path` could not be written as an output file (its folder is missing or not
// writable, a folder is in the way, a read-only file system, ...), so that verbs fail before any work.
void check_output_path(const std::string& path);
// The same for an output prefix: the folder that PREFIX.* files go into must exist and be writable.
void check_output_prefix(const std::string& prefix);

// The file descriptor level of an output: for Replace a temporary created exclusively (O_EXCL never follows a
// symlink planted at its name) beside the target; fsync'ed and renamed on commit(); removed if never committed,
// and also when the process gets SIGINT, SIGTERM or SIGHUP (once remove_output_temporaries_on_signals() ran).
class OutputFile {
 public:
  explicit OutputFile(std::string path);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }            // as given
  const std::string& temporary() const { return temp_path_; }  // empty unless Replace
  // Writes all bytes or throws an Error naming the path and the reason (no space left, read-only, ...).
  void write(const void* data, size_t size);
  void commit();

 private:
  std::string path_, temp_path_;
  OutputTarget target_;
  int fd_ = -1, slot_ = -1;  // slot_: its entry in the table of temporaries removed on signals
  bool committed_ = false;
};

// Installs SIGINT / SIGTERM / SIGHUP handlers (unless the signal is ignored) that delete every temporary output
// still open, then die of the same signal. For programs (the CLI); a library caller with its own handlers skips it.
void remove_output_temporaries_on_signals();

// A stream over OutputFile ("-": std::cout). If destroyed uncommitted (an error was thrown) nothing is left under
// any name; commit() reports write errors with their reason (a full disk, a closed pipe) and exits non-zero via Error.
class AtomicOutput {
 public:
  explicit AtomicOutput(std::string path, bool binary = true);
  ~AtomicOutput();
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;
  std::ostream& stream();
  void commit();
  const std::string& path() const { return path_; }

 private:
  class Buffer;
  std::string path_;
  std::unique_ptr<OutputFile> file_;
  std::unique_ptr<Buffer> buffer_;
  std::unique_ptr<std::ostream> stream_;
  bool committed_ = false;
};

// Flushes standard output and throws an Error ("standard output: No space left on device") if anything written to
// it was lost; the CLI calls it before exiting 0.
void finish_standard_output();

// A private folder under the system's temporary directory (mkdtemp: mode 0700, a fresh random name), removed with
// everything in it when destroyed. `purpose` only words the error if it cannot be made.
class TemporaryFolder {
 public:
  explicit TemporaryFolder(const std::string& purpose);
  ~TemporaryFolder();
  TemporaryFolder(const TemporaryFolder&) = delete;
  TemporaryFolder& operator=(const TemporaryFolder&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// ---- safetensors ------------------------------------------------------------------------------------------------
struct SafetensorsContents {
  TensorMap tensors;                              // F32, F16 and BF16 all converted to float32
  std::map<std::string, std::string> metadata;    // the "__metadata__" object
};
// `source` names the file in error messages.
SafetensorsContents parse_safetensors(const uint8_t* data, size_t size, const std::string& source);
SafetensorsContents read_safetensors(const std::string& path);
// Byte layout as transformers / the fixtures' generator write it: 8-byte length, compact JSON with "__metadata__"
// first and tensors in name order, padded with spaces to a multiple of 8, then the F32 data back to back.
std::string safetensors_bytes(const TensorMap& tensors, const std::map<std::string, std::string>& metadata);
void write_safetensors(const std::string& path, const TensorMap& tensors,
                       const std::map<std::string, std::string>& metadata);

// ---- torch zip checkpoints (pytorch_model.bin) -----------------------------------------------------------------
// Only the pickle opcodes and globals a state dict needs; any other global is refused with an error naming it.
TensorMap parse_torch_checkpoint(const uint8_t* data, size_t size, const std::string& source);
TensorMap read_torch_checkpoint(const std::string& path);
// Writes a float32 state dict as torch.save does (protocol 2, `archive/` top folder); atomic.
void write_torch_checkpoint(const std::string& path, const TensorMap& tensors);

// ---- npy / npz ---------------------------------------------------------------------------------------------------
struct NpyArray {
  std::string descr;  // numpy dtype string, e.g. "<f4", "<i8"
  Shape shape;
  std::vector<uint8_t> bytes;
  Tensor to_float() const;      // any float or integer dtype -> float32
  IntTensor to_int64() const;   // any integer dtype -> int64
};
NpyArray parse_npy(const uint8_t* data, size_t size, const std::string& source);
NpyArray read_npy(const std::string& path);
std::string npy_bytes(const Tensor& tensor);
std::string npy_bytes(const IntTensor& tensor);
std::string npy_bytes_u8(const Shape& shape, const uint8_t* data);
// A 1-D array of fixed-width UTF-32 strings ('<UN', N = the longest), as numpy stores str arrays.
std::string npy_bytes_strings(const std::vector<std::string>& texts);

// An .npz is a zip of .npy members (stored, uncompressed), readable by numpy.load.
class NpzWriter {
 public:
  void add(const std::string& key, const Tensor& tensor);
  void add(const std::string& key, const IntTensor& tensor);
  void add_text(const std::string& key, const std::string& text);  // uint8 array of the UTF-8 bytes
  void write(const std::string& path) const;                        // atomic
  std::string bytes() const;

 private:
  std::vector<std::pair<std::string, std::string>> members_;  // (name.npy, npy bytes)
};
// An .npz written member by member as results arrive, so the caller never holds more than one member: only the
// central directory stays in memory. Writes ZIP64 records where a member or an offset passes 4 GiB or the
// archive passes 65,535 members (numpy reads both). Keys are used as given (see npz_member_key).
class NpzStreamWriter {
 public:
  explicit NpzStreamWriter(std::ostream& out) : out_(out) {}
  void add(const std::string& key, const Tensor& tensor);
  void add_strings(const std::string& key, const std::vector<std::string>& texts);
  void add_text(const std::string& key, const std::string& text);  // uint8 array of the UTF-8 bytes
  void add_npy(const std::string& key, const std::string& npy);     // an already formatted .npy
  // The central directory and end records; the stream then holds a complete archive.
  void finish();
  uint64_t members() const { return entries_.size(); }

 private:
  void add_parts(const std::string& key, const std::string& head, const void* data, uint64_t size);
  struct Entry {
    std::string name;
    uint32_t crc;
    uint64_t size, offset;
  };
  std::ostream& out_;
  uint64_t written_ = 0;
  std::vector<Entry> entries_;
  std::set<std::string> names_;
  bool finished_ = false;
};

// A member name for a record's arrays that no unzip tool can turn into a path outside its folder: '/' and '\\'
// and control characters become '_', leading dots become '_' (so ".." is "__"), an empty name is "_". A name
// that then equals an earlier one gets "~2", "~3", ... (`taken` holds the names given so far).
std::string npz_member_key(const std::string& record_name, std::set<std::string>& taken);

std::map<std::string, NpyArray> parse_npz(const uint8_t* data, size_t size, const std::string& source);
std::map<std::string, NpyArray> read_npz(const std::string& path);

// ---- zip (stored members; what torch.save and numpy write uncompressed) ----------------------------------------
struct ZipMember {
  std::string name;
  std::string data;  // the member's bytes (inflated when the member is deflate-compressed)
};
std::vector<ZipMember> parse_zip(const uint8_t* data, size_t size, const std::string& source);
std::string zip_bytes(const std::vector<std::pair<std::string, std::string>>& members);

}  // namespace splicebert
