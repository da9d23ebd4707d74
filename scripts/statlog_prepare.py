#!/usr/bin/env python3
"""StatLog primate splice junctions (shared/data/splice-sites/statlog-dna) as finetune inputs.

Usage: statlog_prepare.py STATLOG_TSV OUT_DIR
Writes OUT_DIR/{donor,acceptor}.fa and .labels.tsv: donors (class ei) or acceptors (ie) against the negatives (n);
and OUT_DIR/junction.fa + .labels.tsv: StatLog's own three-class task (0 = n, 1 = ei donor, 2 = ie acceptor).
Identical sequences are kept once before any split (the file has 3,186 rows, 3,001 distinct); a sequence that
occurs with two classes is dropped, and the counts are printed.
"""
import sys
from collections import defaultdict

source, out = sys.argv[1], sys.argv[2]
classes = defaultdict(set)
first_id = {}
with open(source) as handle:
    next(handle)
    for line in handle:
        row_id, label, sequence = line.rstrip("\n").split("\t")
        classes[sequence].add(label)
        first_id.setdefault(sequence, row_id)
conflicting = [s for s, c in classes.items() if len(c) > 1]
print(f"{len(classes)} distinct sequences, {len(conflicting)} with conflicting classes dropped", file=sys.stderr)
tasks = {"donor": {"n": 0, "ei": 1}, "acceptor": {"n": 0, "ie": 1}, "junction": {"n": 0, "ei": 1, "ie": 2}}
for task, class_index in tasks.items():
    kept = 0
    with open(f"{out}/{task}.fa", "w") as fasta, open(f"{out}/{task}.labels.tsv", "w") as labels:
        for sequence, c in classes.items():
            if len(c) != 1:
                continue
            (label,) = c
            if label not in class_index:
                continue
            name = f"statlog{first_id[sequence]}"
            fasta.write(f">{name}\n{sequence}\n")
            labels.write(f"{name}\t{class_index[label]}\n")
            kept += 1
    print(f"{task}: {kept} sequences", file=sys.stderr)
