"""Validate the annotated corpus and print its counts, near duplicates and grouped split:
``python -m training.corpus_stats [PATH ...]`` (default ``seeds/sentences``). Exit 1 if invalid.

Parts: ``sentences`` are the sentence-by-sentence waves (and the seed article), ``waveN`` the
story waves, one file per writer (``seeds/sentences/stories/waveN_<writer>.jsonl``)."""
from __future__ import annotations

import sys
from pathlib import Path

from stance.corpus import (NEAR_DUPLICATE_JACCARD, counts, load_annotations, near_duplicates,
                           split_by_group)
from stance.errors import AnnotationError
from stance.labels import LABELS
from training.train import HELDOUT_GROUPS

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    paths = argv or [str(ROOT / "seeds" / "sentences")]
    try:
        recs = load_annotations(paths)
    except AnnotationError as exc:
        print(exc, file=sys.stderr)
        return 1
    c = counts(recs)
    n = len(recs)
    print(f"valid: {n} sentences, {c['total']['groups']} groups, "
          f"{c['total']['hard']} hard cases ({c['total']['hard'] / n:.0%})\n")
    print("| label | fr | en | all |\n|---|---|---|---|")
    for lab in LABELS:
        fr, en = c["label_lang"].get(f"{lab}/fr", 0), c["label_lang"].get(f"{lab}/en", 0)
        print(f"| {lab} | {fr} | {en} | {fr + en} |")
    print(f"| all | {c['lang'].get('fr', 0)} ({c['lang'].get('fr', 0) / n:.0%}) | "
          f"{c['lang'].get('en', 0)} ({c['lang'].get('en', 0) / n:.0%}) | {n} |\n")
    parts: dict[str, list] = {}
    for r in recs:
        parts.setdefault(Path(r.source).stem.split("_")[0] if r.doc else "sentences", []).append(r)
    print("| part | sentences | stories | groups | fr | " + " | ".join(LABELS) + " |")
    print("|---|---|---|---|---|" + "---|" * len(LABELS))
    for name, rs in sorted(parts.items()):
        k = len(rs)
        shares = " | ".join(f"{sum(r.label == lab for r in rs) / k:.0%}" for lab in LABELS)
        print(f"| {name} | {k} | {len({r.doc for r in rs if r.doc})} | {len({r.group for r in rs})} | "
              f"{sum(r.lang == 'fr' for r in rs) / k:.0%} | {shares} |")
    print(f"\nlargest group: {max(c['group'].values())} sentences "
          f"({max(c['group'].values()) / n:.1%} of the corpus)\n")
    dups = near_duplicates(recs)
    print(f"\nnear duplicates (word-bigram Jaccard >= {NEAR_DUPLICATE_JACCARD}): {len(dups)}")
    for a, b, sim in dups[:20]:
        print(f"  {sim:.2f}  {a.source}:{a.line}  ~  {b.source}:{b.line}")
    if set(HELDOUT_GROUPS) <= set(c["group"]):
        train, test = split_by_group(recs, HELDOUT_GROUPS)
        print(f"grouped split: {len(train)} training sentences in "
              f"{len({r.group for r in train})} groups, {len(test)} held-out sentences in "
              f"{len(HELDOUT_GROUPS)} groups: {', '.join(HELDOUT_GROUPS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
