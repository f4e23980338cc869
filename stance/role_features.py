"""The features of a mention for the role models, listed once, and their weights summed fast.

A mention's features (:func:`templates`) are its base templates, ``name=value`` (its place
among the mentions, its kind, the words next to it …), then its bag templates, ``l:word`` and
``r:word`` for the words around it. Training reads them as strings (:func:`mention_features`);
inference (:class:`RoleScorer`) sums their weights without building the features' strings
(their weights are found by value or by word), in the same order and with the same float
additions, so the scores are the very same numbers.
"""
from __future__ import annotations

import math
from operator import getitem
from typing import Mapping, Sequence

from .gazetteer import Mention
from .shapes import QUOTE_MARKS

WINDOW = 5
"""Words on each side of a mention that its bag features read."""

_QUOTES = QUOTE_MARKS
Spans = Sequence[tuple[int, int, Mention]]


def templates(c: Sentence, k: int) -> tuple[dict[str, object], dict[str, Sequence[str]]]:
    """The features of mention ``k`` of sentence ``c``: the base templates, a value each (the
    feature ``name=value``), and the bag templates, one feature ``name:word`` per word. Add a
    template as a line here (every mention gets a value, of one type per template), then
    refit the role model (``python -m training.actors``)."""
    lo, hi, m = c.spans[k]
    left, right = c.keys[max(0, lo - WINDOW):lo], c.keys[hi:hi + WINDOW]
    base = {
        "k": min(k, 3),  # the mention's place, and how many the sentence names
        "last": k == c.n - 1,
        "n": min(c.n, 4),
        "kind": m.kind,
        "coded": m.code is not None,
        "p1": left[-1] if left else "<s>",  # the words just before and just after it
        "n1": right[0] if right else "</s>",
        "p2": " ".join(left[-2:]),
        "n2": " ".join(right[:2]),
        "q": c.quoted[lo],  # inside a quotation
        "start": lo == 0,
        "rel": min(4, 5 * lo // c.width),  # where in the sentence, in fifths
        "dup": m.code is not None and c.first[m.code] < k,  # its code named before it
    }
    return base, {"l": left, "r": right}


class Sentence:
    """What the templates read of a sentence: its token keys, its mentions with their token
    ranges (``spans``), their number ``n``, ``width`` (tokens, at least 1), whether each token
    stands inside a quotation (``quoted``), and where each code is ``first`` named."""

    __slots__ = ("keys", "spans", "n", "width", "quoted", "first")

    def __init__(self, keys: Sequence[str], raws: Sequence[str], spans: Spans):
        self.keys, self.spans, self.n, self.width = keys, spans, len(spans), max(1, len(keys))
        self.quoted = quoted_tokens(keys, raws)
        self.first: dict[str | None, int] = {}
        for k, (_, _, m) in enumerate(spans):
            self.first.setdefault(m.code, k)


def quoted_tokens(keys: Sequence[str], raws: Sequence[str]) -> list[bool]:
    """Whether each token lies inside a quotation (after an opening mark, before its closing
    one)."""
    if _QUOTES.isdisjoint(keys):  # quotation marks fold to themselves: none in the raw text
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
    c = Sentence(keys, raws, spans)
    feats = []
    for k in range(c.n):
        values, bags = templates(c, k)
        base = [f"{name}={v}" for name, v in values.items()]
        f = base + [f"{name}:{w}" for name, words in bags.items() for w in words]
        if label is not None:
            f += [f"{label}|{x}" for x in base]
        feats.append(f)
    return feats


class RoleScorer:
    """(P(source), P(target)) of every mention of a sentence from a role model's weights:
    the base features looked up by their value in a table per base template, the bag
    features by their word in a table per bag template (their strings never built), all
    summed in :func:`mention_features`'s order, float addition by float addition: the very
    numbers of :meth:`stance.roles.RoleModel.scores`. Each weight pair is held as one complex
    number (source + target·j), so that ``sum`` adds both scores in C: a complex addition adds
    the real parts and the imaginary parts, each the same float addition.

    Parameters
    ----------
    weights : mapping of feature -> (source weight, target weight)
    bias : (source intercept, target intercept)
    """

    def __init__(self, weights: Mapping[str, tuple[float, float]], bias: tuple[float, float]):
        self.weights_ = weights
        self.bias_ = bias
        one = Sentence(("x",), ("x",), [(0, 1, Mention("X", 0, 1, None))])
        base, bags = templates(one, 0)
        self.tables_ = [_ByValue(name, weights) for name in base]  # in the templates' order
        self.bags_ = {name: {f[len(name) + 1:]: complex(*w) for f, w in weights.items()
                             if f.startswith(f"{name}:")} for name in bags}
        self.labelled_ = {f: complex(*w) for f, w in weights.items() if "|" in f}
        self.start_ = complex(*bias)

    def scores(self, keys: Sequence[str], raws: Sequence[str], spans: Spans,
               label: str | None = None) -> list[tuple[float, float]]:
        """The scores of each mention, as :meth:`stance.roles.RoleModel.scores` gives them
        for :func:`mention_features`."""
        return self.sentence_scores(Sentence(keys, raws, spans), label)

    def sentence_scores(self, c: Sentence, label: str | None = None
                        ) -> list[tuple[float, float]]:
        """:meth:`scores` of a :class:`Sentence` already read: the weights of each mention's
        features gathered in C (a base feature without weights adds -0.0 to each score, which
        leaves any float as it is; ``filter`` drops the bag words without), then added in
        their order by ``sum`` over their complex pairs."""
        get, tables, bag_tables = self.labelled_.get, self.tables_, self.bags_
        out = []
        for k in range(c.n):
            values, bags = templates(c, k)
            found = list(map(getitem, tables, values.values()))
            for name, words in bags.items():
                found += filter(None, map(bag_tables[name].get, words))
            if label is not None:
                found += filter(None, map(get, [f"{label}|{name}={v}"
                                                for name, v in values.items()]))
            z = sum(found, self.start_)
            out.append((sigmoid(z.real), sigmoid(z.imag)))
        return out


class _ByValue(dict):
    """The weights of one base template's features by the template's value, each read from
    the feature's string ``name=value`` when the value is first met (up to a bound)."""

    def __init__(self, name: str, weights: Mapping[str, tuple[float, float]]):
        super().__init__()
        self.name, self.weights = name, weights

    def __missing__(self, value: object) -> complex:
        w = complex(*self.weights.get(f"{self.name}={value}", _NONE))
        if len(self) < _MAX_VALUES:
            self[value] = w
        return w


_NONE = (-0.0, -0.0)
"""The weights of a feature the model does not know: -0.0 is the one float whose addition
changes no float (0.0 would turn -0.0 into 0.0)."""
_MAX_VALUES = 50_000  # per template: words and pairs of words are many


def sigmoid(x: float) -> float:
    """The logistic function, 0.0 far below zero (no overflow)."""
    return 1.0 / (1.0 + math.exp(-x)) if x > -50 else 0.0
