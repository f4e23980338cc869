"""Fit the role model behind ``stance.actors`` on the corpus's annotated actors, and score it
(on the stories and the sentence waves by cross-validation, on wave 10 of the stories, which
no model learns from, and on realdev).

    python -m training.actors            # cross-validate by situation, fit, write JSON
    python -m training.actors --score    # score the shipped role model (and realdev when present)
                                         # on the sentence waves and wave 10
    python -m training.actors --agree training/second_pass/wave_actors.jsonl
                                         # a second annotator's actors against the corpus's
                                         # (wave10_actors.jsonl: against wave 10's)

Each mention the gazetteer finds in an annotated sentence is a source when it overlaps the
annotated performer (or, when the annotator gave codes but no span, carries one of its codes),
a target likewise. Two L2 logistic regressions (scikit-learn) learn these roles from
``stance.roles.mention_features``; the weights go to ``stance/data/actor_roles.json``.
Whether the best target candidate is named at all is the gates' decision
(:mod:`stance.addressee`), learned from the role models' out-of-fold scores on the stories and
their scores on the sentence waves: those waves' annotators marked only the actors a sentence
names, as ``stance.actors`` must, where the stories' often coded an addressee known only from
the story, which taught the gates to withhold it.
A prediction is right when its span overlaps the gold span or its code is among the gold codes
(the rule of issue 12); a sentence with no gold actor for a role is right when none is given.
"""
from __future__ import annotations

import argparse
import json
import os
import re
from collections import defaultdict
from pathlib import Path

from stance.roles import (Actors, RoleModel, assign, mention_features, scored, spans_of,
                         target_evidence)
# wave 9: held out by the classifier, learned from here; wave 10: held out by both, scored here
from training.settings import HELDOUT_WAVE, ROOT, UNSEEN_WAVE

SENTENCES = ROOT / "seeds" / "sentences"
OUT = ROOT / "stance" / "data" / "actor_roles.json"


def load_examples(paths: list[Path] | None = None) -> list[dict]:
    """Annotated sentences with an act and its actors, ``part`` saying whose: the story
    waves' (news copy as it is filed, what the role models learn from) or the sentence waves'
    (sentences written one by one: adding them to the role models' training moved neither the
    stories' cross-validation nor realdev; the gates learn from them). ``paths``: the
    annotation files to read (by default the corpus's and wave 9's; :func:`unseen` reads
    wave 10's)."""
    out = []
    if paths is None:
        paths = sorted(SENTENCES.glob("**/*.jsonl")) + sorted(HELDOUT_WAVE.glob("*.jsonl"))
    for path in paths:
        part = "stories" if path.parent.name in ("stories", UNSEEN_WAVE.name) else "sentences"
        for line in path.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            if rec["label"] != "neutral" and rec.get("actors"):
                a = rec["actors"]
                out.append({"text": rec["text"], "label": rec["label"], "group": rec["group"],
                            "lang": rec["lang"], "part": part, "source": a.get("source"),
                            "target": a.get("target"),
                            "source_codes": a.get("source_codes") or [],
                            "target_codes": a.get("target_codes") or []})
    return out


def unseen() -> list[dict]:
    """Wave 10's sentences with an act and their actors (as :func:`load_examples` gives
    them): stories by eight writers whose copy no model learned from, marked with only the
    actors each sentence names (adding them to the role models' training moved neither the
    sentence waves nor realdev, so they measure instead)."""
    return load_examples(sorted(UNSEEN_WAVE.glob("*.jsonl")))


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


def hits(examples: list[dict], roles: RoleModel, rule=right) -> dict[str, list[int]]:
    """Right sources, right targets and sentences, overall (``all``) and per language."""
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for ex in examples:
        a: Actors = assign(ex["text"], roles, ex["label"])
        s = rule(a.source, ex["text"], ex["source"], ex["source_codes"])
        t = rule(a.target, ex["text"], ex["target"], ex["target_codes"])
        for key in ("all", ex["lang"]):
            out[key][0] += s
            out[key][1] += t
            out[key][2] += 1
    return out


def rates(counts: dict[str, list[int]]) -> dict[str, float]:
    """:func:`hits` as accuracies, ``all_source``, ``fr_target``..., and ``n``."""
    return {f"{k}_{role}": h[i] / h[2] for k, h in counts.items()
            for i, role in enumerate(("source", "target"))} | {"n": counts["all"][2]}


def score(examples: list[dict], roles: RoleModel, rule=right) -> dict[str, float]:
    """Source and target accuracy under issue 12's rule (or ``rule``), overall and per language."""
    return rates(hits(examples, roles, rule))


def gate_rows(examples: list[dict], roles: list[RoleModel]) -> list[dict]:
    """For each example, scored by its own role model (out of fold), the gate's features with
    and without the label, and whether naming the best candidate is right and naming none is
    right (:func:`right_in_sentence`); None for a sentence without a candidate."""
    rows = []
    for ex, r in zip(examples, roles):
        scores = scored(ex["text"], r, ex["label"])
        spans, target = scores[1], scores[4]
        if target is None:
            rows.append(None)
            continue
        rows.append({"label": target_evidence(scores, ex["label"]),
                     "plain": target_evidence(scores),
                     "named": right_in_sentence(spans[target][2], ex["text"], ex["target"],
                                                ex["target_codes"]),
                     "none": right_in_sentence(None, ex["text"], ex["target"], ex["target_codes"])})
    return rows


def fit_gates(rows: list[dict | None], c: float = 1.0) -> dict[str, dict]:
    """The two gates (with the label, and without) learned from :func:`gate_rows`: naming the
    candidate against naming none, on the sentences where only one of the two is right."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    useful = [r for r in rows if r is not None and r["named"] != r["none"]]
    gates = {}
    for kind in ("label", "plain"):
        vec = DictVectorizer()
        x = vec.fit_transform([r[kind] for r in useful])
        lr = LogisticRegression(C=c, max_iter=3000).fit(x, [r["named"] for r in useful])
        gates[kind] = {"weights": {f: round(float(lr.coef_[0][i]), 4)
                                   for f, i in sorted(vec.vocabulary_.items())},
                       "bias": round(float(lr.intercept_[0]), 4), "threshold": 0.5}
    return gates


def cross_validate(examples: list[dict], folds: int = 5, c: float = 0.5
                   ) -> tuple[dict[str, dict[str, float]], list[dict | None]]:
    """Source and target accuracy (:func:`right_in_sentence`) of role models and gates fitted
    without the stories' situations they are scored on (grouped k-fold), for sentences read
    without a label (as ``stance.actors`` and ``analyze`` read them) and with the annotated
    one; the gates of a fold learn from the other folds' out-of-fold scores. Also returns
    those scores' gate rows, which the shipped gates learn from."""
    from sklearn.model_selection import GroupKFold

    splits = list(GroupKFold(folds).split(examples, groups=[e["group"] for e in examples]))
    fold_of, models = [0] * len(examples), []
    for f, (tr, te) in enumerate(splits):
        models.append(fit([examples[i] for i in tr], c))
        for i in te:
            fold_of[i] = f
    fold_roles = [RoleModel.from_dict(m) for m in models]
    rows = gate_rows(examples, [fold_roles[f] for f in fold_of])
    totals: dict[str, dict[str, list[int]]] = {"no label": defaultdict(lambda: [0, 0, 0]),
                                               "annotated label": defaultdict(lambda: [0, 0, 0])}
    for f, (tr, te) in enumerate(splits):
        roles = RoleModel.from_dict(models[f] | {"gates": fit_gates([rows[i] for i in tr])})
        test = [examples[i] for i in te]
        for name, part in (("no label", [e | {"label": None} for e in test]),
                           ("annotated label", test)):
            for key, h in hits(part, roles, right_in_sentence).items():
                totals[name][key] = [a + b for a, b in zip(totals[name][key], h)]
    return {name: rates(t) for name, t in totals.items()}, rows


def waves_cross_validate(waves: list[dict], base: dict, story_rows: list[dict | None],
                         wave_rows: list[dict | None], folds: int = 5) -> dict[str, float]:
    """Source and target accuracy (:func:`right_in_sentence`, no label) on the sentence waves
    of the role models ``base`` (fitted on the stories alone) with gates learned from the
    stories' rows and the other folds' wave rows (grouped by conflict)."""
    from sklearn.model_selection import GroupKFold

    total: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for tr, te in GroupKFold(folds).split(waves, groups=[e["group"] for e in waves]):
        gates = fit_gates(story_rows + [wave_rows[i] for i in tr])
        roles = RoleModel.from_dict(base | {"gates": gates})
        for key, h in hits([waves[i] | {"label": None} for i in te], roles,
                           right_in_sentence).items():
            total[key] = [a + b for a, b in zip(total[key], h)]
    return rates(total)


def agreement(path: Path) -> dict[str, float]:
    """How often a second annotator's actors (``path``: records with ``text`` and ``actors``)
    agree with the corpus's for the same sentences: by issue 12's rule made symmetric (the
    spans overlap, or the codes share one; both none), and as the very same span. The corpus
    here includes wave 10, which no model learns from."""
    corpus = {e["text"]: e for e in load_examples() + unseen()}
    agree = {"source": 0, "target": 0, "source_span": 0, "target_span": 0, "n": 0}
    for rec in map(json.loads, path.read_text(encoding="utf-8").splitlines()):
        first, a = corpus.get(rec["text"]), rec["actors"]
        if first is None:
            raise SystemExit(f"{path}: a sentence the corpus has no actors for: {rec['text']!r}")
        agree["n"] += 1
        for role in ("source", "target"):
            codes = (set(first[f"{role}_codes"]), set(a.get(f"{role}_codes") or []))
            if first[role] or a.get(role):
                same = bool(first[role] and a.get(role) and any(
                    lo < d and c < hi for lo, hi in _gold_ranges(rec["text"], first[role])
                    for c, d in _gold_ranges(rec["text"], a[role]))) or bool(codes[0] & codes[1])
            else:
                same = codes[0] == codes[1] or bool(codes[0] & codes[1])
            agree[role] += same
            agree[f"{role}_span"] += first[role] == a.get(role)
    return {k: v / agree["n"] for k, v in agree.items() if k != "n"} | {"n": agree["n"]}


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


def unreached(examples: list[dict]) -> dict[str, int]:
    """How many annotated performers and addressees (given as spans) no mention overlaps,
    and how many mentions the sentences hold: what the gazetteer leaves the role models."""
    out = {"source": 0, "target": 0, "mentions": 0}
    for ex in examples:
        spans = spans_of(ex["text"])[1]
        out["mentions"] += len(spans)
        for role in ("source", "target"):
            if ex[role] and not any(_plays(m, ex["text"], ex[role], []) for _, _, m in spans):
                out[role] += 1
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--score", action="store_true", help="score the shipped role model only")
    ap.add_argument("--folds", type=int, default=5, help="folds of the cross-validation (5)")
    ap.add_argument("--agree", type=Path, metavar="FILE",
                    help="only print a second annotator's agreement with the corpus's actors")
    args = ap.parse_args()
    if args.agree:
        a = agreement(args.agree)
        print(f"{a['n']} sentences: source {a['source']:.3f} (same span {a['source_span']:.3f}), "
              f"target {a['target']:.3f} (same span {a['target_span']:.3f})")
        return
    annotated = load_examples()
    waves = [e for e in annotated if e["part"] == "sentences"]
    if args.score:
        roles = RoleModel.from_json(OUT.read_text(encoding="utf-8"))
        if waves:
            print(f"sentence waves ({len(waves)} sentences, no label; the gates learned from "
                  f"them):", _fmt(score([e | {"label": None} for e in waves], roles,
                                        right_in_sentence)))
    else:
        examples = [e for e in annotated if e["part"] == "stories"]
        gaps = unreached(examples)
        print(f"stories: {gaps['mentions'] / len(examples):.2f} mentions a sentence; "
              f"annotated spans no mention overlaps: {gaps['source']} performers, "
              f"{gaps['target']} addressees")
        cv, rows = cross_validate(examples, args.folds)
        for name, s in cv.items():
            print(f"stories ({s['n']} sentences), {args.folds}-fold cross-validation by "
                  f"situation, {name}:", _fmt(s))
        base = fit(examples)
        wave_rows = gate_rows(waves, [RoleModel.from_dict(base)] * len(waves))
        if waves:
            print(f"sentence waves ({len(waves)} sentences, role models never trained on them, "
                  f"gates by {args.folds}-fold cross-validation by conflict, no label):",
                  _fmt(waves_cross_validate(waves, base, rows, wave_rows, args.folds)))
        data = base | {"gates": fit_gates(rows + wave_rows)}
        tmp = OUT.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, allow_nan=False, sort_keys=True,
                                  indent=0) + "\n", encoding="utf-8")
        os.replace(tmp, OUT)
        roles = RoleModel.from_dict(data)
        print(f"wrote {OUT}: {len(data['weights'])} features")
    wave10 = unseen()
    if wave10:
        print(f"wave 10 ({len(wave10)} sentences, never trained on, no label):",
              _fmt(score([e | {"label": None} for e in wave10], roles, right_in_sentence)))
    rd = realdev()
    if rd is not None:
        print(f"realdev ({len(rd)} sentences, no label):",
              _fmt(score([r | {"label": None} for r in rd], roles)))
        print(f"realdev ({len(rd)} sentences, the annotated label):", _fmt(score(rd, roles)))


def _fmt(s: dict[str, float]) -> str:
    return " ".join(f"{k} {v:.3f}" for k, v in s.items() if k != "n")


if __name__ == "__main__":
    main()
