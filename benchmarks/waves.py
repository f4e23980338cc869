"""What each wave of the corpus is worth on real news: the shipped model's recipe refitted on the
corpus as it stood after each wave, scored on the real-news dev set (``$STANCE_REALDEV``; measurement only).

    python benchmarks/waves.py [--second-pass] [--multinomial]

Rows are cumulative: the sentence waves (6,712 sentences written one by one), then each story
wave added in turn. Fitted without the temperature (``calibrate=False``), which changes no label.
``--second-pass`` compares instead the whole corpus with its shipped labels, with the labels of
the context-free second annotation of the stories after adjudication (``training/second_pass``),
and without the story sentences the two annotations disagree on. ``--multinomial`` refits the
recipe as it stood before NB-LR (one multinomial logistic regression, C=10), which the tables of
the README and seeds/README.md quote.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stance.corpus import load_annotations  # noqa: E402
from stance.estimator import StanceClassifier  # noqa: E402
from stance.metrics import evaluate  # noqa: E402
from stance.persistence import load_model  # noqa: E402
from stance.recipe import realdev_records  # noqa: E402
from training.settings import realdev_path  # noqa: E402


def part(record) -> str:
    """``sentences`` for the sentence waves and the seed article, else ``waveN``."""
    return Path(record.source).stem.split("_")[0] if record.doc and "stories" in record.source else "sentences"


def _by_sentence(name: str) -> dict[tuple[str, int], dict]:
    """A file of ``training/second_pass`` keyed by (doc, index)."""
    with open(ROOT / "training" / "second_pass" / name, encoding="utf-8") as f:
        return {(j["doc"], j["index"]): j for j in map(json.loads, f)}


def second_pass(recs: list) -> list[tuple[str, list]]:
    """The corpus as shipped, relabelled by the adjudicated second pass, and without the story
    sentences on which the in-context and the context-free annotations disagree."""
    blind, adjudicated = _by_sentence("context_free.jsonl"), _by_sentence("adjudicated.jsonl")
    relabelled = [replace(r, label=adjudicated[(r.doc, r.index)]["label"])
                  if (r.doc, r.index) in adjudicated else r for r in recs]
    agreed = [r for r in recs if blind.get((r.doc, r.index), {"label": r.label})["label"] == r.label]
    return [("shipped labels", recs), ("second pass, adjudicated", relabelled),
            ("disagreements left out", agreed)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--second-pass", action="store_true", help="compare the labels of the two "
                    "annotation passes of the stories instead of the waves")
    ap.add_argument("--multinomial", action="store_true", help="the recipe before NB-LR: one "
                    "multinomial logistic regression, C=10")
    args = ap.parse_args()
    dev = realdev_records(realdev_path())
    recs = load_annotations(ROOT / "seeds" / "sentences")
    shipped = {k: (tuple(v) if isinstance(v, list) else v)
               for k, v in load_model(ROOT / "stance" / "data" / "model.npz").card["hyperparameters"].items()}
    shipped["calibrate"] = False
    if args.multinomial:
        shipped.update(nb_alpha=None, C=10.0)
    waves = sorted({part(r) for r in recs} - {"sentences"}, key=lambda w: int(w[4:]))
    steps = [("sentence waves, word n-grams only", ["sentences"], dict(shipped, char_ngram_range=None)),
             ("sentence waves", ["sentences"], shipped)]
    steps += [(f"+ {w}", ["sentences"] + waves[:i + 1], shipped) for i, w in enumerate(waves)]
    runs = ([(name, recs_, shipped) for name, recs_ in second_pass(recs)] if args.second_pass else
            [(name, [r for r in recs if part(r) in parts], params) for name, parts, params in steps])
    print(f"{'corpus':<36}{'sentences':>10}{'realdev':>9}{'fr':>7}{'en':>7}  F1 acc/den/war/con/neu")
    for name, train, params in runs:
        t0 = time.perf_counter()
        est = StanceClassifier(**params).fit([r.text for r in train], [r.label for r in train])
        ev = evaluate([r.label for r in dev], list(est.predict([r.text for r in dev])), [r.lang for r in dev])
        per = "/".join(f"{v['f1']:.2f}" for v in ev["all"]["per_label"].values())
        print(f"{name:<36}{len(train):>10}{ev['all']['macro_f1']:>9.3f}{ev['fr']['macro_f1']:>7.3f}"
              f"{ev['en']['macro_f1']:>7.3f}  {per}   ({time.perf_counter() - t0:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
