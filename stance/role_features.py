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


BASE = ("k", "last", "n", "kind", "coded", "p1", "n1", "p2", "n2", "q", "start", "rel", "dup")
"""The base templates, by name, in the order :func:`templates` gives their values."""
BAGS = ("l", "r")
"""The bag templates: the words on the left of a mention, and on its right."""


def templates(c: Sentence, k: int) -> tuple[tuple, Sequence[str], Sequence[str]]:
    """The features of mention ``k`` of sentence ``c``: the values of the base templates, one
    each in :data:`BASE`'s order (the feature ``name=value``), then the words of the bag
    templates (:data:`BAGS`, one feature ``name:word`` per word). A tuple, not a dict: the
    role scores read it for every mention. Add a template as a name in ``BASE`` and a line
    here (every mention gets a value, of one type per template), then refit the role model
    (``python -m training.actors``)."""
    lo, hi, m = c.spans[k]
    keys, code = c.keys, m.code
    left, right = keys[max(0, lo - WINDOW):lo], keys[hi:hi + WINDOW]
    return (
        min(k, 3),  # k: the mention's place
        k == c.n - 1,  # last: whether it is the last one
        min(c.n, 4),  # n: how many the sentence names
        m.kind,  # kind
        code is not None,  # coded
        left[-1] if left else "<s>",  # p1, n1: the words just before and just after it
        right[0] if right else "</s>",  # n1
        " ".join(left[-2:]),  # p2
        " ".join(right[:2]),  # n2
        c.quoted[lo],  # q: inside a quotation
        lo == 0,  # start
        min(4, 5 * lo // c.width),  # rel: where in the sentence, in fifths
        code is not None and c.first[code] < k,  # dup: its code named before it
    ), left, right


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
        values, *bags = templates(c, k)
        base = [f"{name}={v}" for name, v in zip(BASE, values)]
        f = base + [f"{name}:{w}" for name, words in zip(BAGS, bags) for w in words]
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
        known: dict[str, dict[str, complex]] = {name: {} for name in BASE}
        for f, w in weights.items():  # "p2=de la": the weights of the value "de la" of p2
            name, _, value = f.partition("=")
            if name in known:
                known[name][value] = complex(*w)
        self.tables_ = [_ByValue(name, weights, known[name]) for name in BASE]
        self.left_, self.right_ = ({f[len(name) + 1:]: complex(*w) for f, w in weights.items()
                                    if f.startswith(f"{name}:")} for name in BAGS)
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
        get, tables, start = self.labelled_.get, self.tables_, self.start_
        lget, rget = self.left_.get, self.right_.get
        out = []
        for k in range(c.n):
            values, left, right = templates(c, k)
            z = sum(filter(None, map(rget, right)),
                    sum(filter(None, map(lget, left)), sum(map(getitem, tables, values), start)))
            if label is not None:
                z = sum(filter(None, map(get, [f"{label}|{name}={v}"
                                               for name, v in zip(BASE, values)])), z)
            out.append((sigmoid(z.real), sigmoid(z.imag)))
        return out


class _ByValue(dict):
    """The weights of one base template's features by the template's value: the words (or
    pairs of words) it is given ``known`` (the values of its features ``name=value``), so that
    a word first met needs no string built to find it has none; a number's or a truth's read
    from its feature's string when first met (numbers and truths are few)."""

    def __init__(self, name: str, weights: Mapping[str, tuple[float, float]],
                 known: dict[str, complex]):
        super().__init__(known)
        self.name, self.weights = name, weights

    def __missing__(self, value: object) -> complex:
        if type(value) is str:
            w = _UNKNOWN  # all the words the model knows are in already
        else:
            w = complex(*self.weights.get(f"{self.name}={value}", _NONE))
        if len(self) < _MAX_VALUES:
            self[value] = w
        return w


_NONE = (-0.0, -0.0)
"""The weights of a feature the model does not know: -0.0 is the one float whose addition
changes no float (0.0 would turn -0.0 into 0.0)."""
_UNKNOWN = complex(*_NONE)
_MAX_VALUES = 50_000  # per template: words and pairs of words are many


def sigmoid(x: float) -> float:
    """The logistic function, 0.0 far below zero (no overflow)."""
    return 1.0 / (1.0 + math.exp(-x)) if x > -50 else 0.0
