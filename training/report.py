"""Print the accuracy tables of a model card as Markdown, for the README:
``python -m training.report [stance/data/model.card.json]``."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from stance.corpus import load_annotations
from stance.labels import LABELS
from training.settings import HELDOUT_WAVE, ROOT, UNSEEN_WAVE


def table(metrics: dict, sets: list[tuple[str, str]]) -> str:
    head = "| label | " + " | ".join(f"{title} {lang}" for key, title in sets
                                       for lang in ("fr", "en", "all") if key in metrics) + " |"
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for lab in [*LABELS, "macro-F1"]:
        cells = []
        for key, _ in sets:
            if key not in metrics:
                continue
            for lang in ("fr", "en", "all"):
                m = metrics[key].get(lang)
                if m is None:
                    cells.append("–")
                elif lab == "macro-F1":
                    cells.append(f"**{m['macro_f1']:.2f}**")
                else:
                    cells.append(f"{m['per_label'][lab]['f1']:.2f}")
        lines.append(f"| {lab} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "stance" / "data" / "model.card.json"
    card = json.loads(path.read_text(encoding="utf-8"))
    m = card["metrics"]
    print(f"F1 per label; held-out = {len(card['heldout_groups'])} conflicts never seen in "
          f"training ({m['heldout']['all']['n']} sentences); realdev = "
          f"{m.get('realdev', {}).get('all', {}).get('n', 0)} real news sentences.\n")
    print(table(m, [("heldout", "held-out"), ("heldout_baseline", "keywords")]))
    print()
    print(table(m, [("realdev", "realdev"), ("realdev_baseline", "keywords")]))
    for key, folder, what in (("wave9", HELDOUT_WAVE, "the actor models learn from it"),
                              ("wave10", UNSEEN_WAVE, "no model learns from it")):
        if key in m:
            stories = len({r.doc for r in load_annotations(folder)})
            print(f"\n{key[:4]} {key[4:]} = {m[key]['all']['n']} sentences of {stories} stories by "
                  f"writers the corpus had not seen ({folder.relative_to(ROOT)}; {what}).\n")
            print(table(m, [(key, f"wave {key[4:]}"), (f"{key}_baseline", "keywords")]))


if __name__ == "__main__":
    main()
