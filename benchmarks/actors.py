"""Who → whom: accuracy on real news and speed, against the floor and the targets of issue 12.

    python benchmarks/actors.py [--quick]

Accuracy: on realdev's non-neutral sentences (``$STANCE_REALDEV``), a predicted source or
target is right when its span overlaps the annotated span or its code is among the annotated
codes; the floor takes the first two capitalised names as source and target. Speed: median
``stance.actors`` on one sentence (target 50 µs), and ``analyze`` with actors over without
(target at most 1.5x), on the seed corpus's story documents.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import stance  # noqa: E402
from stance.analysis import analyze_many  # noqa: E402
from stance.documents import read_document  # noqa: E402
from stance.gazetteer import Mention  # noqa: E402
from stance.roles import assign, role_model  # noqa: E402
from training.actors import realdev, right  # noqa: E402

_CAPS = re.compile(r"\b[A-ZÀ-Ý][\w'’-]+(?:\s+[A-ZÀ-Ý][\w'’-]+)*")


def first_two_names(text: str) -> tuple[Mention | None, Mention | None]:
    """The floor: the first two capitalised names, as source and target."""
    found = [Mention(m.group(), m.start(), m.end(), None) for m in _CAPS.finditer(text)]
    return (found[0] if found else None), (found[1] if len(found) > 1 else None)


def accuracy() -> None:
    rows = realdev()
    if rows is None:
        print("realdev: not found (set STANCE_REALDEV); accuracy skipped")
        return
    roles = role_model()
    guessed = [p.label for p in stance.classify_many([r["text"] for r in rows])]
    print(f"realdev actors, {len(rows)} non-neutral sentences "
          f"(floor: first two capitalised names; target: source >= 0.85, target >= 0.75)\n"
          f"as stance.actors and analyze give them (no label), given the classifier's label, "
          f"and given the annotated label")
    for lang in ("fr", "en", None):
        part = [(r, g) for r, g in zip(rows, guessed) if lang is None or r["lang"] == lang]
        hits = [0] * 8
        for r, g in part:
            found = [assign(r["text"], roles, lab) for lab in (None, g, r["label"])]
            pairs = [(a.source, a.target) for a in found] + [first_two_names(r["text"])]
            for i, (s, t) in enumerate(pairs):
                hits[2 * i] += right(s, r["text"], r["source"], r["source_codes"])
                hits[2 * i + 1] += right(t, r["text"], r["target"], r["target_codes"])
        n = len(part)
        print(f"  {lang or 'all':<4} n={n:<4} source {hits[0] / n:.3f} (floor {hits[6] / n:.3f})   "
              f"target {hits[1] / n:.3f} (classifier's label {hits[3] / n:.3f}, annotated label "
              f"{hits[5] / n:.3f}, floor {hits[7] / n:.3f})")


def speed(quick: bool) -> None:
    paths = sorted((ROOT / "seeds" / "documents" / "stories").glob("*.txt"))[:60 if quick else 300]
    docs = [read_document(p) for p in paths]
    texts = [s.text for d in docs for s in d.sentences]
    stance.classify_many(texts[:50])
    stance.actors(texts[0])
    times = []
    for t in texts[:2000]:
        t0 = time.perf_counter()
        stance.actors(t)
        times.append(time.perf_counter() - t0)
    print(f"stance.actors, one sentence: median {statistics.median(times) * 1e6:.1f} µs "
          f"(target 50 µs), {len(times)} sentences")
    best = {}
    for flag in (False, True, False, True):
        t0 = time.perf_counter()
        analyze_many(docs, actors=flag)
        dt = time.perf_counter() - t0
        best[flag] = min(best.get(flag, dt), dt)
    per = {k: v / len(texts) * 1e6 for k, v in best.items()}
    print(f"analyze, {len(docs)} documents, {len(texts)} sentences: without actors "
          f"{per[False]:.1f} µs/sentence, with {per[True]:.1f} µs/sentence, ratio "
          f"{best[True] / best[False]:.2f}x (target <= 1.5x)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer documents for the speed figures")
    args = ap.parse_args()
    accuracy()
    speed(args.quick)


if __name__ == "__main__":
    main()
