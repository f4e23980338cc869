"""Evaluation: per-label precision, recall and F1, macro-F1, accuracy and the confusion matrix,
overall and per language, and the plain-text report the training recipe prints."""
from __future__ import annotations

from typing import Any, Sequence

from .labels import LABELS


def scores(gold: Sequence[str], pred: Sequence[str]) -> dict[str, Any]:
    """Precision, recall, F1 and support per label, macro-F1, accuracy and the confusion
    matrix (rows = gold, columns = predicted, in :data:`LABELS` order)."""
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold labels but {len(pred)} predictions")
    idx = {lab: i for i, lab in enumerate(LABELS)}
    cm = [[0] * len(LABELS) for _ in LABELS]
    for g, p in zip(gold, pred):
        cm[idx[g]][idx[p]] += 1
    per_label = {}
    for i, lab in enumerate(LABELS):
        tp = cm[i][i]
        predicted = sum(row[i] for row in cm)
        support = sum(cm[i])
        prec = tp / predicted if predicted else 0.0
        rec = tp / support if support else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per_label[lab] = {"precision": prec, "recall": rec, "f1": f1, "support": support}
    present = [lab for lab in LABELS if per_label[lab]["support"] or
               sum(row[idx[lab]] for row in cm)]
    macro = sum(per_label[lab]["f1"] for lab in present) / len(present) if present else 0.0
    acc = sum(cm[i][i] for i in range(len(LABELS))) / len(gold) if gold else 0.0
    return {"macro_f1": macro, "accuracy": acc, "n": len(gold), "per_label": per_label,
            "confusion": cm}


def evaluate(gold: Sequence[str], pred: Sequence[str], langs: Sequence[str]) -> dict[str, Any]:
    """:func:`scores` for all sentences (``"all"``) and for each language."""
    out = {"all": scores(gold, pred)}
    for lang in sorted(set(langs)):
        sel = [i for i, lg in enumerate(langs) if lg == lang]
        out[lang] = scores([gold[i] for i in sel], [pred[i] for i in sel])
    return out


def format_report(result: dict[str, Any], title: str) -> str:
    """A plain-text report: macro-F1 per language, per-label table and confusion matrix."""
    lines = [f"== {title}"]
    langs = " ".join(f"{k}: {v['macro_f1']:.3f} (n={v['n']})" for k, v in result.items())
    lines.append(f"macro-F1  {langs}")
    allr = result["all"]
    lines.append(f"{'label':<14}{'precision':>10}{'recall':>9}{'f1':>8}{'support':>9}   " +
                 "  ".join(f"f1[{k}]" for k in result if k != "all"))
    for lab in LABELS:
        r = allr["per_label"][lab]
        extra = "  ".join(f"{result[k]['per_label'][lab]['f1']:>6.3f}" for k in result if k != "all")
        lines.append(f"{lab:<14}{r['precision']:>10.3f}{r['recall']:>9.3f}{r['f1']:>8.3f}"
                     f"{r['support']:>9}   {extra}")
    lines.append("confusion (rows gold, columns predicted): " + " ".join(lab[:5] for lab in LABELS))
    for lab, row in zip(LABELS, allr["confusion"]):
        lines.append(f"  {lab:<14}" + "".join(f"{v:>6}" for v in row))
    return "\n".join(lines)
