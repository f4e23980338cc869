"""Who → whom: accuracy on real news and speed, against the floor and the targets of issue 12.

    python benchmarks/actors.py [--quick]

Accuracy: on realdev's non-neutral sentences (``$STANCE_REALDEV``), a predicted source or
target is right when its span overlaps the annotated span or its code is among the annotated
codes; the floor takes the first two capitalised names as source and target. Speed: median
``stance.actors`` on one sentence (target 50 µs) and the mean time of each of its stages, and
``analyze`` with actors over without (target at most 1.5x), on the seed corpus's story
documents.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import stance  # noqa: E402
from stance.analysis import analyze_many  # noqa: E402
from stance.documents import read_document  # noqa: E402
from stance.gazetteer import Mention, located_spans  # noqa: E402
from stance.tokens import token_columns  # noqa: E402
from stance.role_features import Sentence  # noqa: E402
from stance.role_rules import decide, lone  # noqa: E402
from stance.roles import actors_many, assign, role_model  # noqa: E402
from tests import actors_oracle as before  # noqa: E402
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
    before.actors(texts[0])
    sample = texts[:2000]
    median = {f: one_by_one(f, sample) for f in (stance.actors, before.actors)}
    again = one_by_one(stance.actors, sample)
    print(f"stance.actors, one sentence: median {median[stance.actors]:.1f} µs (target 50 µs), "
          f"{len(sample)} sentences, each seen for the first time ({again:.1f} µs seen again, "
          f"its words known); the readable specification (tests/actors_oracle.py), same run: "
          f"{median[before.actors]:.1f} µs")
    spent = stages(texts[:2000])
    named = Counter(min(len(located_spans(t, token_columns(t))), 2) for t in texts[:2000])
    print("  where it goes, mean µs a sentence: "
          + ", ".join(f"{k} {v:.1f}" for k, v in spent.items())
          + f" ({named[0]} sentences name no actor, {named[1]} one, {named[2]} more)")
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
    alone = {f: min(timed(f, texts) for _ in range(2)) for f in (actors_many, before_many)}
    print(f"  actors alone, mean µs a sentence: {alone[actors_many]:.1f}; the readable "
          f"specification, same run: {alone[before_many]:.1f}")


def before_many(texts: list[str]) -> list:
    """The Actors of ``texts`` by the readable specification (``tests/actors_oracle.py``)."""
    return [before.actors(t) for t in texts]


def timed(f, texts: list[str]) -> float:
    """Mean µs a sentence of ``f(texts)``."""
    t0 = time.perf_counter()
    f(texts)
    return (time.perf_counter() - t0) / len(texts) * 1e6


def one_by_one(actors, texts: list[str]) -> float:
    """Median µs of ``actors`` on one sentence of ``texts``, each seen for the first time."""
    times = []
    for t in texts:
        t0 = time.perf_counter()
        actors(t)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e6


def stages(texts: list[str]) -> dict[str, float]:
    """Mean µs a sentence spends in each stage of ``stance.actors``: tokens, mentions, the role
    models' scores, and the rules (the news shapes, the gate, the choice of source and target;
    a sentence naming one actor skips scores and rules). Each stage is timed over all
    ``texts`` at once, the best of three."""
    roles = role_model()
    cols = [token_columns(t) for t in texts]
    spans = [located_spans(t, c) for t, c in zip(texts, cols)]
    named = [(c, s) for c, s in zip(cols, spans) if len(s) > 1 or s and lone(roles, c[2]) is None]
    read = [Sentence(c[3], c[2], s) for c, s in named]
    scores = [roles.scorer.sentence_scores(r) for r in read]
    runs = {
        "tokens": lambda: [token_columns(t) for t in texts],
        "mentions": lambda: [located_spans(t, c) for t, c in zip(texts, cols)],
        "role scores": lambda: [roles.scorer.scores(c[3], c[2], s) for c, s in named],
        "rules": lambda: [decide(c[3], c[2], s, p, roles, None, r.quoted)
                          for (c, s), r, p in zip(named, read, scores)],
    }
    return {name: min(timed(lambda _: run(), texts) for _ in range(3))
            for name, run in runs.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer documents for the speed figures")
    args = ap.parse_args()
    accuracy()
    speed(args.quick)


if __name__ == "__main__":
    main()
