#!/usr/bin/env bash
# Writes a small seed corpus per fuzz target under OUT (default /tmp/splicebert-fuzz-corpus): a few small fixture
# files plus hand-written cases for the branches real files never reach (F16/BF16, npy versions 2/3, CRLF FASTA).
# Usage: fuzz/seed_corpus.sh [OUT] ; fixtures from $SPLICEBERT_FIXTURES or ../shared/fixtures.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-/tmp/splicebert-fuzz-corpus}"
fixtures="${SPLICEBERT_FIXTURES:-$(cd .. && pwd)/shared/fixtures}"
mkdir -p "$out"/{safetensors,npy,fasta,config_json,pickle}

# safetensors: the small pooler file, then F16 / BF16 / empty-tensor files built from a header and data bytes.
install -m 0644 "$fixtures/tiny/extra/pooler.safetensors" "$out/safetensors/pooler.safetensors"
safetensors() {  # name header-json data-printf-format
  local header="$2" n
  while (( ${#header} % 8 )); do header+=" "; done
  n=${#header}
  { printf "$(printf '\\x%02x' $((n & 255)) $((n >> 8 & 255)) 0 0 0 0 0 0)"; printf '%s' "$header"; printf "$3"; } \
    >"$out/safetensors/$1"
}
safetensors f16 '{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}' '\x00\x3c\x01\x00'
safetensors bf16 '{"__metadata__":{"format":"pt"},"b":{"dtype":"BF16","shape":[1,2],"data_offsets":[0,4]}}' '\x80\x3f\xc1\x7f'
safetensors empty '{"e":{"dtype":"F32","shape":[0,3],"data_offsets":[0,0]},"s":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}' '\x00\x00\x80\x3f'

# npy: small fixture arrays (float32 and int64), then other dtypes and header versions.
install -m 0644 "$fixtures/tiny/expected/pooler_output.npy" "$out/npy/f4.npy"
install -m 0644 "$fixtures/tiny/expected/attention_layer0_rows_index.npy" "$out/npy/i8.npy"
npy() {  # name version dict data-printf-format
  local dict="$3" n=${#3}
  if [[ $2 == 1 ]]; then printf "\x93NUMPY\x01\x00$(printf '\\x%02x\\x%02x' $((n & 255)) $((n >> 8)))" >"$out/npy/$1"
  else printf "\x93NUMPY\x0$2\x00$(printf '\\x%02x\\x%02x\\x00\\x00' $((n & 255)) $((n >> 8)))" >"$out/npy/$1"; fi
  printf '%s' "$dict" >>"$out/npy/$1"
  printf "$4" >>"$out/npy/$1"
}
npy f2 1 "{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }" '\x00\x3c\x01\x80'
npy u1 2 "{'descr': '|u1', 'fortran_order': False, 'shape': (1, 3), }" 'abc'
npy b1 3 '{"descr": "|b1", "fortran_order": False, "shape": ()}' '\x01'
npy f8 1 "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }" '\x00\x00\x00\x00\x00\x00\xf0\x3f'

# FASTA: plain, CRLF, descriptions, blank lines, an empty record.
printf '>seq1 description here\nACGUACGU\nacgtn\n>seq2\nNNNN<mask>RY\n' >"$out/fasta/plain.fa"
printf '>a\r\nAC\r\nGU\r\n\r\n>b x\ty\r\n' >"$out/fasta/crlf.fa"
printf '\n\n>only\n\nA\n\nC' >"$out/fasta/blank_lines.fa"

# config.json and torch checkpoints (targets for code owned elsewhere).
install -m 0644 "$fixtures/tiny/checkpoint-multimolecule/config.json" "$out/config_json/multimolecule.json"
install -m 0644 "$fixtures/tiny/checkpoint-original/config.json" "$out/config_json/original.json"
install -m 0644 "$fixtures/tiny/checkpoint-multimolecule/pytorch_model.bin" "$out/pickle/multimolecule.bin"
echo "seed corpus written to $out"
