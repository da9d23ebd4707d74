#!/usr/bin/env bash
# What a new user does after setup (README): the first command's verbs, an install into a fresh prefix, the main
# verbs from the installed binary without -m, and a program built against the installed package. Run by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bin=./build/splicebert

# The README's first command (after setup).
$bin fill-mask -q "UAGCUUAUCAGACUGAUGUUGA<mask>UAUCAGACUGAUGUUGAUAGCUUAUCAGACUGAUGUUGAUAGCUUAUCAGACUGAUG" >"$work/fill.tsv"
$bin embed -q -i examples/premrna.fa -o "$work/embeddings.npz" --pool mean
$bin --version

# Install, then the installed binary finds its model without -m.
cmake --install build --prefix "$work/prefix" >/dev/null
installed="$work/prefix/bin/splicebert"
(cd "$work" && env -u SPLICEBERT_MODEL "$installed" info | grep -q "share/splicebert/models/default")
(cd "$work" && env -u SPLICEBERT_MODEL "$installed" tokenize ACGUACGU >/dev/null)
(cd "$work" && env -u SPLICEBERT_MODEL "$installed" embed -q -i "$OLDPWD/examples/premrna.fa" -o out.npz --pool mean)
printf 'id\tref\talt\tpos\texon_start\texon_end\np1\t%s\t%s\t60\t.\t.\n' \
  "$(printf 'ACGU%.0s' {1..30})" "$(printf 'ACGU%.0s' {1..15})AAGU$(printf 'ACGU%.0s' {1..14})" >"$work/pairs.tsv"
env -u SPLICEBERT_MODEL "$installed" score-pairs -q -i "$work/pairs.tsv" -o - | grep -q "^p1"
# Outputs a user points at devices and pipes: nothing is replaced.
env -u SPLICEBERT_MODEL "$installed" score-pairs -q -i "$work/pairs.tsv" -o /dev/null
test -c /dev/null

# A program against the installed package.
cmake -S examples/library -B "$work/example" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/example" >/dev/null
"$work/example/embed_example"
echo "new-user walkthrough: ok"
