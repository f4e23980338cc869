"""Fit the role model behind ``stance.actors`` on the annotated stories, and score it.

    python -m training.actors            # fit, tune thresholds on held-out stories, write JSON
    python -m training.actors --score    # score the shipped role model (and realdev when present)

Each mention the gazetteer finds in an annotated sentence is a source when it overlaps the
annotated performer (or, when the annotator gave codes but no span, carries one of its codes),
a target likewise. Two L2 logistic regressions (scikit-learn) learn these roles from
``stance.roles.mention_features``; the weights go to ``stance/data/actor_roles.json``.
A prediction is right when its span overlaps the gold span or its code is among the gold codes
(the rule of issue 12); a sentence with no gold actor for a role is right when none is given.
"""
from __future__ import annotations

import argparse
import re
import json
from collections import defaultdict
from pathlib import Path

from stance.roles import Actors, RoleModel, assign, mention_features, spans_of

ROOT = Path(__file__).resolve().parent.parent
STORIES = ROOT / "seeds" / "sentences" / "stories"
OUT = ROOT / "stance" / "data" / "actor_roles.json"


def load_examples() -> list[dict]:
    """Annotated story sentences with an act and its actors."""
    out = []
    for path in sorted(STORIES.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            if rec["label"] != "neutral" and rec.get("actors"):
                a = rec["actors"]
                out.append({"text": rec["text"], "label": rec["label"], "group": rec["group"],
                            "lang": rec["lang"], "source": a.get("source"),
                            "target": a.get("target"),
                            "source_codes": a.get("source_codes") or [],
                            "target_codes": a.get("target_codes") or []})
    return out


def _gold_ranges(text: str, span: str | None) -> list[tuple[int, int]]:
    """Where an annotated span stands in the sentence: every occurrence of it as whole words
    (the annotation gives the span's text, not its offsets), case-insensitively if need be."""
    if not span:
        return []
    for flags in (0, re.IGNORECASE):
        found = [(m.start(), m.end()) for m in
                 re.finditer(rf"(?<!\w){re.escape(span)}(?!\w)", text, flags)]
        if found:
            return found
    return []


def _plays(m, text: str, span: str | None, codes: list[str]) -> bool:
    """Whether mention ``m`` plays the role annotated by ``span`` and ``codes``."""
    ranges = _gold_ranges(text, span)
    if ranges:
        return any(m.start < hi and lo < m.end for lo, hi in ranges)
    return m.code is not None and m.code in codes


def right(pred, text: str, span: str | None, codes: list[str]) -> bool:
    """Issue 12's rule: overlap with the gold span, or a code among the gold codes."""
    if pred is None:
        return not span and not codes
    return _plays(pred, text, span, []) or (pred.code is not None and pred.code in codes)


def fit(examples: list[dict], c: float = 0.5, use_label: bool = False) -> dict:
    """Weights of the two role models learned from ``examples``."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    rows, ys, yt = [], [], []
    for ex in examples:
        toks, spans = spans_of(ex["text"])
        for (_, _, m), feats in zip(spans, mention_features(toks, spans, ex["label"] if use_label else None)):
            rows.append(dict.fromkeys(feats, 1))
            ys.append(_plays(m, ex["text"], ex["source"], ex["source_codes"]))
            yt.append(_plays(m, ex["text"], ex["target"], ex["target_codes"]))
    vec = DictVectorizer()
    x = vec.fit_transform(rows)
    coefs, bias = [], []
    for y in (ys, yt):
        lr = LogisticRegression(C=c, max_iter=2000).fit(x, y)
        coefs.append(lr.coef_[0])
        bias.append(float(lr.intercept_[0]))
    weights = {f: [round(float(coefs[0][i]), 4), round(float(coefs[1][i]), 4)]
               for f, i in sorted(vec.vocabulary_.items())
               if abs(coefs[0][i]) >= 1e-3 or abs(coefs[1][i]) >= 1e-3}
    return {"weights": weights, "bias": [round(b, 4) for b in bias],
            "thresholds": {"source": 0.0, "target": 0.3, "also": 0.5}, "use_label": use_label}


def right_in_sentence(pred, text: str, span: str | None, codes: list[str]) -> bool:
    """:func:`right`, where the annotator marked no span (the actor is not named in the
    sentence, only known from the story) and no actor is given: the stories' annotators
    coded actors from context, while the API names the actors the sentence names."""
    if pred is None and not span:
        return True
    return right(pred, text, span, codes)


def score(examples: list[dict], roles: RoleModel, rule=right) -> dict[str, float]:
    """Source and target accuracy under issue 12's rule (or ``rule``), overall and per language."""
    hits: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for ex in examples:
        a: Actors = assign(ex["text"], roles, ex["label"])
        s = rule(a.source, ex["text"], ex["source"], ex["source_codes"])
        t = rule(a.target, ex["text"], ex["target"], ex["target_codes"])
        for key in ("all", ex["lang"]):
            hits[key][0] += s
            hits[key][1] += t
            hits[key][2] += 1
    return {f"{k}_{role}": h[i] / h[2] for k, h in hits.items()
            for i, role in enumerate(("source", "target"))} | {"n": hits["all"][2]}


def tune(examples: list[dict], data: dict) -> dict:
    """Pick the target threshold that maximises source + target accuracy on ``examples``."""
    best = None
    for t in (0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5):
        data["thresholds"]["target"] = t
        s = score(examples, RoleModel.from_dict(data), right_in_sentence)
        if best is None or s["all_source"] + s["all_target"] > best[0]:
            best = (s["all_source"] + s["all_target"], t)
    data["thresholds"]["target"] = best[1]
    return data


def realdev() -> list[dict] | None:
    """realdev's actor annotations joined to its sentences, or None when absent."""
    from training.settings import realdev_path
    found = realdev_path(required=False)
    if found is None or not (found.parent / "actors.jsonl").exists():
        return None
    base = found.parent
    sents = {r["id"]: r for r in map(json.loads, (base / "sentences.jsonl").open(encoding="utf-8"))}
    out = []
    for a in map(json.loads, (base / "actors.jsonl").open(encoding="utf-8")):
        s = sents[a["id"]]
        out.append({"text": s["text"], "label": s["label"], "lang": s["lang"], "group": "realdev",
                    "source": a["source"], "target": a["target"],
                    "source_codes": a.get("source_actors") or [],
                    "target_codes": a.get("target_actors") or []})
    return out


def main() -> None:
    from training.train import HELDOUT_GROUPS

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--score", action="store_true", help="score the shipped role model only")
    args = ap.parse_args()
    examples = load_examples()
    held = [e for e in examples if e["group"] in HELDOUT_GROUPS]
    train = [e for e in examples if e["group"] not in HELDOUT_GROUPS]
    if args.score:
        roles = RoleModel.from_json(OUT.read_text(encoding="utf-8"))
    else:
        data = tune(held, fit(train))
        print(f"held-out stories ({len(held)} sentences), fitted on the rest:",
              _fmt(score(held, RoleModel.from_dict(data))))
        data = fit(examples) | {"thresholds": data["thresholds"]}
        OUT.write_text(json.dumps(data, ensure_ascii=False, allow_nan=False, sort_keys=True, indent=0) + "\n",
                       encoding="utf-8")
        roles = RoleModel.from_dict(data)
        print(f"wrote {OUT}: {len(data['weights'])} features")
    rd = realdev()
    if rd is not None:
        print(f"realdev ({len(rd)} sentences, gold labels):", _fmt(score(rd, roles)))


def _fmt(s: dict[str, float]) -> str:
    return " ".join(f"{k} {v:.3f}" for k, v in s.items() if k != "n")


if __name__ == "__main__":
    main()
