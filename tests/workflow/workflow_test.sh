#!/usr/bin/env bash
# The Snakemake workflow (workflow/) on real data, locally with -j 2 (ctest label `workflow`): 36 SNVs near exon
# starts (plus an insertion and an SNV outside every gene) of GRCh37 chr20 (Debian vt-examples) with RefSeq genes (subread-data) and the shipped model.
#  1. the workflow's scored.vcf.gz equals the unsharded score-vcf output byte for byte, but the provenance line
#     with the command;
#  2. a run killed (SIGKILL, whole process group) after its first shard leaves no file that looks done, and the rerun
#     gives the same final file.
# Exit 77 (skipped) when the Debian data packages or snakemake are missing.
set -euo pipefail
SB=${SPLICEBERT_BIN:?set SPLICEBERT_BIN to the splicebert binary}
# Zero-shot scores only (the comparison is sharded against unsharded): no default SpliceAI-style deltas.
export SPLICEBERT_SPLICE_MODEL=${SPLICEBERT_SPLICE_MODEL:-none}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
vt=/usr/share/doc/vt/examples/ref
for need in "$vt/20.fa.gz" /usr/share/doc/subread/examples/annotation/hg19_RefSeq_exon.txt.gz; do
  [[ -r $need ]] || { echo "skipped: $need missing (apt-get install vt-examples subread-data)"; exit 77; }
done
for tool in snakemake bcftools bgzip tabix samtools; do
  command -v $tool > /dev/null || { echo "skipped: $tool missing"; exit 77; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/splicebert-workflow.XXXXXX")
[[ -n ${KEEP_TMP:-} ]] && echo "keeping $tmp" || trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAILED: $*" >&2; exit 1; }

# ---- data: genome, annotation, 36 SNVs (3 around the second exon start of 12 genes on both strands) ----------
cp "$vt/20.fa.gz" "$vt/20.fa.gz.fai" "$tmp/"
zcat "$vt/20.fa.gz.gzi.gz" > "$tmp/20.fa.gz.gzi"
bash "$SRC/scripts/prepare_demo_annotation.sh" "$tmp/genes.bed" 20 2> /dev/null
awk 'BEGIN { FS = OFS = "\t" } $10 >= 2 && (($6 == "+" && plus < 6) || ($6 == "-" && minus < 6)) {
       if ($6 == "+") ++plus; else ++minus
       split($12, starts, ","); p = $2 + starts[2] + 1              # 1-based first base of exon 2
       for (d = -3; d <= 3; d += 3) print $1, p + d }' "$tmp/genes.bed" | sort -k2,2n -u > "$tmp/positions.tsv"
[[ $(wc -l < "$tmp/positions.tsv") -eq 36 ]] || fail "expected 36 positions, got $(wc -l < "$tmp/positions.tsv")"
printf '20\t100000\n' | cat - "$tmp/positions.tsv" | sort -k2,2n > "$tmp/positions.all"  # between genes: NOT_IN_TRANSCRIPT
{
  printf '##fileformat=VCFv4.2\n##contig=<ID=20,length=63025520>\n'
  printf '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n'
  indel_at=$(sed -n 5p "$tmp/positions.tsv" | cut -f2)  # an insertion beside one SNV: INDEL
  while IFS=$'\t' read -r chrom pos; do
    ref=$(samtools faidx "$tmp/20.fa.gz" "$chrom:$pos-$pos" | tail -1 | tr a-z A-Z)
    case $ref in A) alt=G;; C) alt=T;; G) alt=A;; T) alt=C;; *) alt=A;; esac
    printf '%s\t%s\tv%s\t%s\t%s\t.\tPASS\t.\n' "$chrom" "$pos" "$pos" "$ref" "$alt"
    [[ $pos == "$indel_at" ]] && printf '%s\t%s\tv%s_ins\t%s\t%sA\t.\tPASS\t.\n' "$chrom" "$pos" "$pos" "$ref" "$ref"
  done < "$tmp/positions.all"
} > "$tmp/in.vcf"

# ---- the unsharded run -------------------------------------------------------------------------------------------
model="$SRC/models/default"
common=(-m "$model" -f "$tmp/20.fa.gz" -a "$tmp/genes.bed")
"$SB" score-vcf -q -t 1 "${common[@]}" --window 512 -i "$tmp/in.vcf" -o "$tmp/whole.vcf"
grep -q '|-|' "$tmp/whole.vcf" && grep -q '|+|' "$tmp/whole.vcf" || fail "the test VCF should score both strands"

cat > "$tmp/config.yaml" <<YAML
input: $tmp/in.vcf
genome: $tmp/20.fa.gz
annotation: $tmp/genes.bed
model: $model
shards: 4
threads: 1
splicebert: $SB
extra: "--window 512"
outdir: results
YAML
strip() { zcat -f "$1" | grep -v '^##SpliceBERT_command='; }

# ---- 1. the workflow equals the unsharded output --------------------------------------------------------------
snakemake -s "$SRC/workflow/Snakefile" --configfile "$tmp/config.yaml" -d "$tmp/run1" -j 2 -q > "$tmp/run1.log" 2>&1 ||
  { cat "$tmp/run1.log"; fail "snakemake -j 2"; }
cmp <(strip "$tmp/run1/results/scored.vcf.gz") <(strip "$tmp/whole.vcf") || fail "workflow output differs from score-vcf"
tabix -l "$tmp/run1/results/scored.vcf.gz" | grep -qx 20 || fail "the tabix index lacks contig 20"
for outcome in 'scored	36' 'NOT_IN_TRANSCRIPT	1' 'INDEL	1' '## records: 38'; do
  grep -qx "$outcome" "$tmp/run1/results/report.txt" || { cat "$tmp/run1/results/report.txt"; fail "report lacks '$outcome'"; }
done

# ---- 2. killed midway, then rerun ------------------------------------------------------------------------------
setsid snakemake -s "$SRC/workflow/Snakefile" --configfile "$tmp/config.yaml" -d "$tmp/run2" -j 1 -q \
  > "$tmp/run2.log" 2>&1 &
leader=$!
for _ in $(seq 1 600); do  # up to 60 s for the first shard to finish
  compgen -G "$tmp/run2/results/shards/*.vcf" > /dev/null && break
  sleep 0.1
done
kill -KILL -- -"$leader" 2> /dev/null || true
wait "$leader" 2> /dev/null || true
[[ ! -e $tmp/run2/results/scored.vcf.gz ]] || fail "the killed run already had its final file"
done_shards=$(compgen -G "$tmp/run2/results/shards/*.vcf" | wc -l)
((done_shards >= 1 && done_shards < 4)) || fail "the kill should fall between shards ($done_shards of 4 done)"
for shard in "$tmp"/run2/results/shards/*.vcf; do  # whatever exists under a final name is complete
  [[ -e $shard ]] || continue
  i=$(basename "$shard" .vcf)
  want=$(awk -v s="$i/4" '$1 == s { print $2 }' "$tmp/run2/results/split/plan.tsv")
  got=$(bcftools view -H "$shard" | wc -l) || fail "$shard is not a readable VCF"
  [[ $got == "$want" ]] || fail "$shard has $got records, its block $want: a half-written file under the final name"
done
# A killed snakemake leaves its lock on the folder: --unlock releases it (docs/scale-out.md, "Killed runs").
snakemake -s "$SRC/workflow/Snakefile" --configfile "$tmp/config.yaml" -d "$tmp/run2" --unlock -q > /dev/null 2>&1
snakemake -s "$SRC/workflow/Snakefile" --configfile "$tmp/config.yaml" -d "$tmp/run2" -j 2 -q --rerun-incomplete \
  > "$tmp/run2b.log" 2>&1 || { cat "$tmp/run2b.log"; fail "rerun"; }
cmp <(strip "$tmp/run2/results/scored.vcf.gz") <(strip "$tmp/whole.vcf") || fail "rerun output differs"
echo "workflow: both runs equal the unsharded score-vcf output"
