"""Accuracy against speed for the feature and classifier options: word n-grams alone or with
character n-grams, with or without the quoted and framing words (``quote_words``); NB-scaled
one-vs-rest (the recipe's) or plain multinomial logistic regression.

    python benchmarks/features.py

For each option: macro-F1 on the held-out conflicts (fitted without them); fitted on every
conflict, macro-F1 on the real news sentences of the dev set (``$STANCE_REALDEV``; measurement
only) and on waves 9 and 10 of the stories (never trained on); and the batch throughput of the exported numpy model (warm: every word's character row cached). As the
recipe does, the sentences the two annotation passes disagree on are never trained on.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stance.corpus import load_annotations, split_by_group  # noqa: E402
from stance.estimator import StanceClassifier  # noqa: E402
from stance.metrics import evaluate  # noqa: E402
from stance.recipe import realdev_records  # noqa: E402
from training.settings import HELDOUT_WAVE, UNSEEN_WAVE, realdev_path  # noqa: E402
from training.train import HELDOUT_GROUPS, disagreements  # noqa: E402

WORDS_CHARS = dict(ngram_range=(1, 2), char_ngram_range=(2, 5), min_df=2)
PLAIN = dict(quote_words=False)
OPTIONS = {
    "multinomial, words 1-2, C=10": dict(ngram_range=(1, 2), min_df=2, C=10.0, nb_alpha=None, **PLAIN),
    "multinomial, + chars, C=10": dict(WORDS_CHARS, C=10.0, nb_alpha=None, **PLAIN),
    "multinomial, + chars, C=30": dict(WORDS_CHARS, C=30.0, nb_alpha=None, **PLAIN),
    "NB-LR, words 1-2, a=.5 C=3": dict(ngram_range=(1, 2), min_df=2, C=3.0, nb_alpha=0.5, **PLAIN),
    "NB-LR, + chars, a=.5 C=3": dict(WORDS_CHARS, C=3.0, nb_alpha=0.5, **PLAIN),
    "NB-LR, + chars, a=.5 C=10": dict(WORDS_CHARS, C=10.0, nb_alpha=0.5, **PLAIN),
    "NB-LR, + chars, a=1 C=3": dict(WORDS_CHARS, C=3.0, nb_alpha=1.0, **PLAIN),
    "NB-LR, + chars + quoted, C=3": dict(WORDS_CHARS, C=3.0, nb_alpha=0.5, quote_words=True),
    "NB-LR, + chars + quoted, C=10": dict(WORDS_CHARS, C=10.0, nb_alpha=0.5, quote_words=True),
}
"""Fitted without the temperature (``calibrate=False``): it changes no label, and skipping it
keeps the run to a few minutes."""


def main() -> None:
    data = ROOT / "seeds" / "sentences"
    every = load_annotations(data)
    left_out = disagreements(data)
    _, test = split_by_group(every, HELDOUT_GROUPS)  # scored on all its sentences, as the recipe
    recs = [r for r in every if (r.doc, r.index) not in left_out]
    train, _ = split_by_group(recs, HELDOUT_GROUPS)
    dev = realdev_records(realdev_path())
    waves = [load_annotations(HELDOUT_WAVE), load_annotations(UNSEEN_WAVE)]
    batch = [r.text for r in recs] * 10
    print(f"{'option':<32}{'held-out F1':>12}{'realdev F1':>12}{'fr':>7}{'en':>7}"
          f"{'wave 9':>8}{'wave 10':>8}{'sent/s':>10}")
    for name, params in OPTIONS.items():
        est = StanceClassifier(calibrate=False, **params).fit([r.text for r in train],
                                                              [r.label for r in train])
        held = evaluate([r.label for r in test], list(est.predict([r.text for r in test])),
                        [r.lang for r in test])["all"]["macro_f1"]
        full = StanceClassifier(calibrate=False, **params).fit([r.text for r in recs],
                                                               [r.label for r in recs])
        model = full.export()
        model.predict_proba(batch[:len(recs)])  # fills the per-word cache of character rows
        t0 = time.perf_counter()
        model.predict_proba(batch)
        speed = len(batch) / (time.perf_counter() - t0)
        if dev:
            ev = evaluate([r.label for r in dev], model.predict([r.text for r in dev]),
                          [r.lang for r in dev])
            rd = f"{ev['all']['macro_f1']:>12.3f}{ev['fr']['macro_f1']:>7.3f}{ev['en']['macro_f1']:>7.3f}"
        else:
            rd = f"{'-':>12}{'-':>7}{'-':>7}"
        new = "".join(f"{f1(model, w):>8.3f}" for w in waves)
        print(f"{name:<32}{held:>12.3f}{rd}{new}{speed:>10,.0f}", flush=True)


def f1(model, records) -> float:
    """Macro-F1 of ``model`` on annotated ``records``."""
    return evaluate([r.label for r in records], model.predict([r.text for r in records]),
                    [r.lang for r in records])["all"]["macro_f1"]


if __name__ == "__main__":
    main()
