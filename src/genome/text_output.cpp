// TextOutput: bgzip blocks are made with htslib's bgzf_compress (one BGZF member per <= 0xff00 input bytes, exactly
// the block size bgzip uses), so the result is readable by bgzip, samtools faidx and any gzip reader.
#include "text_output.hpp"

#include <htslib/bgzf.h>
#include <omp.h>

#include <vector>

#include "splicebert/error.hpp"

namespace splicebert::genome {

namespace {
// The standard empty BGZF block that marks a complete file (SAM/BAM specification, section 4.1.2).
constexpr char bgzf_eof_block[] =
    "\x1f\x8b\x08\x04\x00\x00\x00\x00\x00\xff\x06\x00\x42\x43\x02\x00\x1b\x00\x03\x00\x00\x00\x00\x00\x00\x00\x00\x00";
}  // namespace

bool is_bgzip_output_path(const std::string& path) { return path.ends_with(".gz") || path.ends_with(".bgz"); }

TextOutput::TextOutput(const std::string& path, int threads)
    : output_(path, true), bgzip_(path != "-" && is_bgzip_output_path(path)), threads_(threads < 1 ? 1 : threads) {
  buffer_.reserve((bgzip_ ? bgzip_flush_size : plain_flush_size) + (1u << 16));
}

void TextOutput::flush(bool final) {
  std::ostream& stream = output_.stream();
  if (!bgzip_) {
    stream.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
    return;
  }
  // Whole blocks only, except at the end: block boundaries then do not depend on how the text was flushed.
  size_t blocks = final ? (buffer_.size() + BGZF_BLOCK_SIZE - 1) / BGZF_BLOCK_SIZE : buffer_.size() / BGZF_BLOCK_SIZE;
  std::vector<std::string> compressed(blocks);
  int failures = 0;
#pragma omp parallel for num_threads(threads_) schedule(static) reduction(+ : failures) if (threads_ > 1)
  for (long b = 0; b < static_cast<long>(blocks); ++b) {
    size_t begin = static_cast<size_t>(b) * BGZF_BLOCK_SIZE;
    size_t length = std::min<size_t>(BGZF_BLOCK_SIZE, buffer_.size() - begin);
    compressed[b].resize(BGZF_MAX_BLOCK_SIZE);
    size_t out_length = BGZF_MAX_BLOCK_SIZE;
    if (bgzf_compress(compressed[b].data(), &out_length, buffer_.data() + begin, length, -1) != 0) ++failures;
    compressed[b].resize(out_length);
  }
  if (failures) fail(output_.path(), ": bgzip compression failed");
  for (const auto& block : compressed) stream.write(block.data(), static_cast<std::streamsize>(block.size()));
  buffer_.erase(0, std::min(buffer_.size(), blocks * BGZF_BLOCK_SIZE));
}

void TextOutput::commit() {
  flush(true);
  if (bgzip_) output_.stream().write(bgzf_eof_block, sizeof bgzf_eof_block - 1);
  output_.commit();
}

}  // namespace splicebert::genome
