"""Print the accuracy tables of a model card as Markdown, for the README:
``python -m training.report [stance/data/model.card.json]``."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from stance.labels import LABELS

ROOT = Path(__file__).resolve().parent.parent


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
    if "wave9" in m:
        print(f"\nwave 9 = the second held-out set, {m['wave9']['all']['n']} sentences of 208 stories "
              f"by writers the corpus had not seen (seeds/heldout/stories).\n")
        print(table(m, [("wave9", "wave 9"), ("wave9_baseline", "keywords")]))


if __name__ == "__main__":
    main()
