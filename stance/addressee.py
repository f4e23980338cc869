"""Whether a sentence names the addressee of its act: the "no target" decision of
:func:`stance.actors`.

The role models score each mention alone; whether the best-scored candidate is the addressee
or the sentence names none ("Pékin dément", a quote whose target is known only from the story)
is a decision about the sentence. A small logistic model, the gate, takes it from the
candidate's scores, its kind and place, and the sentence's label when one is known (a denial
often names no accuser, a warning nearly always names whom it warns). It is trained on the
role models' out-of-fold scores on the annotated stories (``training/actors.py``) and shipped
in ``stance/data/actor_roles.json``, one gate for sentences with a label and one without.
"""
from __future__ import annotations

import math
from itertools import repeat
from operator import mul
from typing import Sequence

from .gazetteer import Mention
from .shapes import QUOTE_MARKS, quotes

__all__ = ["TargetGate", "gate_features"]


def _logit(p: float) -> float:
    """log(p / (1 - p)), ``p`` kept within [1e-4, 1 - 1e-4]."""
    p = 1e-4 if p < 1e-4 else _HIGH if p > _HIGH else p
    return math.log(p / (1 - p))


_HIGH = 1 - 1e-4


def gate_features(raws: Sequence[str], spans: Sequence[tuple[int, int, Mention]],
                  probs: Sequence[tuple[float, float]], source: int | None, target: int | None,
                  quoted: Sequence[bool], label: str | None = None) -> dict[str, float]:
    """Features of the decision to name ``target`` (the best-scored candidate, a mention
    index, or None when there is none) as the addressee: its scores as logits, their margin
    over the next candidate, its kind and place, and, with a ``label``, the label and the
    target score for that label (so each label has its own threshold). ``raws``: the raw
    texts of the sentence's tokens."""
    f: dict[str, float] = {f"n={min(len(spans), 4)}": 1.0,
                           "sl": _logit(probs[source][0]) if source is not None else 0.0,
                           "quote": float(quotes(raws))}
    if source is not None:
        f[f"s_kind={spans[source][2].kind}"] = 1.0
    else:
        f["no_source"] = 1.0  # the voice of a quotation: an indicator, not an extreme score
    f["opens_quote"] = float(bool(raws) and raws[0] in QUOTE_MARKS)
    if label is not None:
        f[f"lab={label}"] = 1.0
    if target is None:
        f["no_cand"] = 1.0
        return f
    lo, _, m = spans[target]
    tl = _logit(probs[target][1])
    rest = [probs[k][1] for k in range(len(spans)) if k not in (source, target)]
    f.update({"tl": tl, "tps": _logit(probs[target][0]), f"kind={m.kind}": 1.0,
              "coded": float(m.code is not None), "tq": float(quoted[lo]),
              "t_low": float(m.text[:1].islower()),
              "t_before_s": float(source is not None and lo < spans[source][0]),
              "gap": tl - (_logit(max(rest)) if rest else -6.0)})
    if label is not None:
        f[f"tl|{label}"] = tl
    return f


class TargetGate:
    """P(the best candidate is the addressee rather than none), a logistic model over
    :func:`gate_features`; the candidate is kept when it reaches ``threshold``.

    Parameters
    ----------
    weights : dict of str to float
        One weight per feature.
    bias : float
        The intercept.
    threshold : float
        The probability at which the candidate is named.
    """

    def __init__(self, weights: dict[str, float], bias: float, threshold: float = 0.5):
        self.weights_ = {k: float(v) for k, v in weights.items()}
        self.bias_ = float(bias)
        self.threshold_ = float(threshold)

    @classmethod
    def from_dict(cls, data: dict) -> "TargetGate":
        """A gate from its JSON form (``weights``, ``bias``, ``threshold``)."""
        return cls(data["weights"], data["bias"], data["threshold"])

    def to_dict(self) -> dict:
        return {"weights": self.weights_, "bias": self.bias_, "threshold": self.threshold_}

    def probability(self, feats: dict[str, float]) -> float:
        """P(name the candidate) for one sentence's :func:`gate_features`."""
        z = self.bias_ + sum(map(mul, map(self.weights_.get, feats, repeat(0.0)), feats.values()))
        return 1.0 / (1.0 + math.exp(-z)) if z > -50 else 0.0

    def names(self, feats: dict[str, float]) -> bool:
        """Whether the candidate is the addressee."""
        return self.probability(feats) >= self.threshold_
