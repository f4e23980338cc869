"""Build the shipped model: ``python -m training.train`` (from the project root).

Validates ``seeds/sentences``, holds out the conflicts of :data:`HELDOUT_GROUPS`, picks
hyper-parameters by grouped cross-validation, prints the reports and writes
``stance/data/model.npz`` and its card atomically. Story sentences whose label the context-free
second annotation (``training/second_pass``) disagrees with are not trained on: their label
depends on the story around them, which the model never sees (``--all-sentences`` keeps them). The real news sentences of the dev set
(:func:`training.settings.realdev_path`) are scored too, for measurement only; the run stops
at once, naming the setting, when they are missing (``--no-realdev`` trains without them); so is
waves 9 and 10 of the stories (:data:`HELDOUT_WAVE`, :data:`UNSEEN_WAVE`), stories by writers
the corpus had not seen.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from stance.corpus import load_annotations
from stance.recipe import realdev_records, train
from training.settings import HELDOUT_WAVE, ROOT, UNSEEN_WAVE, realdev_path

HELDOUT_GROUPS = [  # whole conflicts never seen in training: sentence waves, then stories
    "serbia-kosovo", "israel-hezbollah", "india-pakistan", "drc-rwanda",
    "venezuela-guyana", "eu-china-trade", "afghanistan-pakistan", "ethiopia-eritrea",
    "a-logone-transhumance", "b-otages-iran", "c-moldavie-transnistrie",
    "d-cambodge-thailande-temple", "e-mexico-us-water", "f-sudan-chad-border",
    "g-japan-korea-history", "h-us-mexico-fentanyl", "i-tanzanie-kenya-commerce",
    "j-journaliste-detenu", "k-jordan-syria-captagon", "l-morocco-spain-ceuta",
    "m-japon-coree-nord-missile", "n-norway-russia-fisheries", "o-pak-iran-strikes",
    "p-ghana-togo-border", "q-otage-suisse-iran", "r-inde-assassinat-abbotsford",
    "s-togo-constitution", "t-armenia-azerbaijan-border", "u-belarus-drone",
    "v-thai-cambodia-border", "w-san-juan-river", "x-jordan-syria-border",
    "y-vevey-uyghur-film", "z-mali-mauritania-herders", "aa-moldavie-financement",
    "ab-iran-enrichissement", "ac-ireland-uk-returns", "ad-belarus-poland-teacher",
    "ae-china-korea-boycott", "af-caucasus-border-post",
]


SECOND_PASS = ROOT / "training" / "second_pass" / "context_free.jsonl"


def disagreements(data: str | Path, second: str | Path = SECOND_PASS) -> set[tuple[str, int]]:
    """(doc, index) of the sentences of ``data`` whose label the second annotation differs from."""
    with open(second, encoding="utf-8") as f:
        other = {(j["doc"], j["index"]): j["label"] for j in map(json.loads, f)}
    return {(r.doc, r.index) for r in load_annotations(data)
            if other.get((r.doc, r.index), r.label) != r.label}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT / "seeds" / "sentences"))
    ap.add_argument("--out", default=str(ROOT / "stance" / "data" / "model.npz"))
    ap.add_argument("--no-realdev", action="store_true",
                    help="train without scoring the real-news dev set (the card then has no realdev metrics)")
    ap.add_argument("--all-sentences", action="store_true",
                    help="train on the sentences the two annotation passes disagree on too")
    args = ap.parse_args(argv)
    extra = {"wave9": load_annotations(HELDOUT_WAVE),  # stories of new writers, never trained on
             "wave10": load_annotations(UNSEEN_WAVE)}
    if not args.no_realdev:
        extra["realdev"] = realdev_records(realdev_path())
    data = Path(args.data)
    rel = data.relative_to(ROOT) if data.is_absolute() and data.is_relative_to(ROOT) else data
    import os
    os.chdir(ROOT)  # record corpus files relative to the project in the card
    exclude = set() if args.all_sentences else disagreements(rel)
    train(rel, args.out, heldout=HELDOUT_GROUPS, extra_eval=extra, exclude=exclude)


if __name__ == "__main__":
    main()
