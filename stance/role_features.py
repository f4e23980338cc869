"""The features of a mention for the role models, listed once, and their weights summed fast.

A mention's features are its base templates, ``name=value`` (:func:`base_features`: its place
among the mentions, its kind, the words next to it …), then the words around it, ``l:word``
and ``r:word`` (:func:`windows`). Training reads them as strings (:func:`mention_features`);
inference (:class:`RoleScorer`) sums their weights without building the bag features' strings,
in the same order and with the same float additions, so the scores are the very same numbers.
"""
from __future__ import annotations

import math
from typing import Mapping, Sequence

from .gazetteer import Mention

WINDOW = 5
"""Words on each side of a mention that its bag features read."""

_QUOTES = frozenset({"«", "»", '"', "“", "”"})
Spans = Sequence[tuple[int, int, Mention]]


def base_features(keys: Sequence[str], spans: Spans, k: int, quoted: Sequence[bool]) -> list[str]:
    """The base templates of mention ``k``, one feature ``name=value`` each, given the
    sentence's token keys, its mentions with their token ranges and which tokens stand inside
    a quotation. Add a template as a line here, then refit ``python -m training.actors``."""
    lo, hi, m = spans[k]
    left, right = keys[max(0, lo - WINDOW):lo], keys[hi:hi + WINDOW]
    return [
        f"k={min(k, 3)}",  # the mention's place, and how many the sentence names
        f"last={k == len(spans) - 1}",
        f"n={min(len(spans), 4)}",
        f"kind={m.kind}",
        f"coded={m.code is not None}",
        f"p1={left[-1] if left else '<s>'}",  # the words just before and just after it
        f"n1={right[0] if right else '</s>'}",
        f"p2={' '.join(left[-2:])}",
        f"n2={' '.join(right[:2])}",
        f"q={quoted[lo]}",
        f"start={lo == 0}",
        f"rel={min(4, 5 * lo // max(1, len(keys)))}",  # where in the sentence, in fifths
        f"dup={m.code is not None and any(o.code == m.code for _, _, o in spans[:k])}",
    ]


def windows(keys: Sequence[str], lo: int, hi: int) -> dict[str, Sequence[str]]:
    """The bag templates of the mention at tokens ``lo:hi``: one feature ``f"{name}:{word}"``
    per word, in order."""
    return {"l": keys[max(0, lo - WINDOW):lo], "r": keys[hi:hi + WINDOW]}


def quoted_tokens(raws: Sequence[str]) -> Sequence[bool]:
    """Whether each token lies inside a quotation (after an opening mark, before its closing
    one)."""
    if _QUOTES.isdisjoint(raws):
        return [False] * len(raws)
    inside, out = False, []
    for r in raws:
        if r in _QUOTES:
            inside = r in "«“" or (r == '"' and not inside)
            if r in "»”":
                inside = False
        out.append(inside)
    return out


def mention_features(keys: Sequence[str], raws: Sequence[str], spans: Spans,
                     label: str | None = None) -> list[list[str]]:
    """Features of each mention (given with its token range) as strings, as the role models
    are trained on; with a ``label``, each base feature also paired with it."""
    quoted = quoted_tokens(raws)
    feats = []
    for k, (lo, hi, _m) in enumerate(spans):
        base = base_features(keys, spans, k, quoted)
        f = base + [f"{name}:{w}" for name, words in windows(keys, lo, hi).items() for w in words]
        if label is not None:
            f += [f"{label}|{x}" for x in base]
        feats.append(f)
    return feats


class RoleScorer:
    """(P(source), P(target)) of every mention of a sentence from a role model's weights:
    the base features looked up as they are, the bag features by their word in a table per
    bag template (their strings are never built), all summed in :func:`mention_features`'s
    order.

    Parameters
    ----------
    weights : mapping of feature -> (source weight, target weight)
    bias : (source intercept, target intercept)
    """

    def __init__(self, weights: Mapping[str, tuple[float, float]], bias: tuple[float, float]):
        self.weights_ = weights
        self.bias_ = bias
        self.bags_ = {name: _table(weights, f"{name}:") for name in windows((), 0, 0)}

    def scores(self, keys: Sequence[str], raws: Sequence[str], spans: Spans,
               label: str | None = None) -> list[tuple[float, float]]:
        """The scores of each mention; equal, bit for bit, to summing the weights of
        :func:`mention_features` one by one."""
        get, bags = self.weights_.get, self.bags_
        quoted = quoted_tokens(raws)
        out = []
        for k, (lo, hi, _m) in enumerate(spans):
            s, t = self.bias_
            base = base_features(keys, spans, k, quoted)
            for f in base:
                w = get(f)
                if w is not None:
                    s += w[0]
                    t += w[1]
            for name, words in windows(keys, lo, hi).items():
                bag = bags[name].get
                for word in words:
                    w = bag(word)
                    if w is not None:
                        s += w[0]
                        t += w[1]
            if label is not None:
                for f in base:
                    w = get(f"{label}|{f}")
                    if w is not None:
                        s += w[0]
                        t += w[1]
            out.append((sigmoid(s), sigmoid(t)))
        return out


def _table(weights: Mapping[str, tuple[float, float]], prefix: str) -> dict[str, tuple[float, float]]:
    """The weights of the features starting with ``prefix``, by what follows it."""
    return {f[len(prefix):]: w for f, w in weights.items() if f.startswith(prefix)}


def sigmoid(x: float) -> float:
    """The logistic function, 0.0 far below zero (no overflow)."""
    return 1.0 / (1.0 + math.exp(-x)) if x > -50 else 0.0
