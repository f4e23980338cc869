"""Who acts at whom: the performer (source) and the addressee (target) of a sentence's act.

    >>> a = stance.actors("Kiev et les puissances occidentales accusent Moscou de préparer une offensive.")
    >>> a.source.code, a.target.code
    ('UKR', 'RUS')

Mentions come from :mod:`stance.gazetteer`; which mention performs and which receives the act
is scored by two small logistic models (one for each role) over the words around each mention,
and its place in the sentence, trained on the team's annotated stories (``training/actors.py``)
and shipped as readable JSON (their features: :mod:`stance.role_features`); the rules that
turn the scores into roles are :mod:`stance.role_rules`, and whether the best addressee
candidate is named at all is the gate's decision (:mod:`stance.addressee`). It does not need
the sentence's label, so it runs without the classifier, and a neutral sentence ("X met Y")
has a source and a target too. This module holds the API, the role model and the order of
the work: tokens, mentions, scores (skipped for a sentence naming one actor), rules.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import cached_property
from operator import itemgetter
from importlib.resources import files
from typing import Iterable, Sequence

from . import role_rules as rules
from .addressee import TargetGate, gate_features
from .errors import ModelError
from .gazetteer import Mention, located_spans
from .labels import LABELS
from .lazy import once
from .role_features import RoleScorer, Sentence, sigmoid
from .role_features import mention_features as _features
from .role_rules import STAND_INS, choose, lone
from .text import check_texts
from .tokens import Token, token_columns, token_rows

__all__ = ["Actors", "Mention", "actors", "actors_many", "mention_features", "RoleModel"]

_LABELS = frozenset(LABELS)
_MENTION = itemgetter(2)  # the mention of a (first token, past-last token, mention) span


@dataclass(frozen=True)
class Actors:
    """The actors of one sentence: ``source`` performs its act, ``target`` receives it
    (None when the sentence names none); ``sources``/``targets`` list every mention sharing the
    role (both list the parties of a mutual act); ``mentions`` are all the actors named."""

    source: Mention | None = None
    target: Mention | None = None
    sources: tuple[Mention, ...] = ()
    targets: tuple[Mention, ...] = ()
    mentions: tuple[Mention, ...] = field(default=(), repr=False)

    @property
    def dyad(self) -> tuple[str, str] | None:
        """(source code, target code) when both are known and differ, else None."""
        if self.source and self.target and self.source.code and self.target.code \
                and self.source.code != self.target.code:
            return self.source.code, self.target.code
        return None


def mention_features(toks: list[Token], spans: Sequence[tuple[int, int, Mention]],
                     label: str | None = None) -> list[list[str]]:
    """Features of each mention (given with its token range) for the role models, as strings
    (:mod:`stance.role_features` lists them); with a ``label``, each base feature also paired
    with it."""
    return _features(tuple(t.key for t in toks), [t.raw for t in toks], spans, label)


class RoleModel:
    """Two logistic scores per mention, P(source) and P(target), from sparse string features.

    ``weights_`` maps a feature to its (source, target) weights; ``bias_`` holds the two
    intercepts. ``gates_`` decide whether the best target candidate is named at all
    (:mod:`stance.addressee`): ``"label"`` for a sentence whose act is known, ``"plain"``
    otherwise; without gates, a candidate is named when P(target) reaches its threshold.
    Built by ``training/actors.py``; read from ``stance/data/actor_roles.json``.
    """

    def __init__(self, weights: dict[str, Sequence[float]], bias: Sequence[float],
                 thresholds: dict[str, float], use_label: bool = True,
                 gates: dict[str, TargetGate] | None = None):
        self.weights_ = {k: (float(v[0]), float(v[1])) for k, v in weights.items()}
        self.bias_ = (float(bias[0]), float(bias[1]))
        self.thresholds_ = {k: float(thresholds[k]) for k in ("source", "target", "also")}
        self.use_label_ = bool(use_label)
        self.gates_ = dict(gates or {})

    @classmethod
    def from_dict(cls, data: dict) -> "RoleModel":
        """A role model from its JSON form (``weights``, ``bias``, ``thresholds``, ``use_label``,
        ``gates``)."""
        gates = {k: TargetGate.from_dict(v) for k, v in (data.get("gates") or {}).items()}
        return cls(data["weights"], data["bias"], data["thresholds"], data.get("use_label", True),
                   gates)

    def gate(self, label: str | None) -> tuple[TargetGate | None, str | None]:
        """The gate for a sentence of ``label`` and the label it reads (None: the plain gate,
        for a sentence without a label or a neutral one)."""
        if label is not None and label not in _LABELS:
            raise ValueError(f"unknown label {label!r}: give one of {', '.join(LABELS)} or None")
        if label is not None and label != "neutral" and "label" in self.gates_:
            return self.gates_["label"], label
        return self.gates_.get("plain"), None

    def scores(self, feats: list[str]) -> tuple[float, float]:
        """(P(source), P(target)) of one mention."""
        s, t = self.bias_
        for f in feats:
            w = self.weights_.get(f)
            if w is not None:
                s += w[0]
                t += w[1]
        return sigmoid(s), sigmoid(t)

    @cached_property
    def scorer(self) -> RoleScorer:
        """The fast path of :meth:`scores`, for every mention of a sentence at once."""
        return RoleScorer(self.weights_, self.bias_)

    @classmethod
    def from_json(cls, text: str, where: str = "actor_roles.json") -> "RoleModel":
        try:
            return cls.from_dict(json.loads(text))
        except (ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
            raise ModelError(f"{where}: not a stance role model ({exc}); rebuild it with "
                             f"python -m training.actors") from None


@once
def role_model() -> RoleModel:
    """The shipped role model, read on first use and cached."""
    path = files(__package__) / "data" / "actor_roles.json"
    return RoleModel.from_json(path.read_text(encoding="utf-8"))


def spans_of(text: str) -> tuple[list[Token], list[tuple[int, int, Mention]]]:
    """Tokens of ``text`` and its mentions with their token ranges."""
    cols = token_columns(text)
    return token_rows(cols), located_spans(text, cols)


def scored(text: str, roles: RoleModel, label: str | None = None) -> tuple:
    """Raw texts of the tokens, mentions (with token ranges), and their probabilities after
    the news shapes, the source, the target candidate and the quoted tokens: what the gate is
    trained on (``training/actors.py``)."""
    cols = token_columns(text)
    raws, spans = cols[2], located_spans(text, cols)
    if not spans:
        return raws, spans, [], None, None, []
    c = Sentence(cols[3], raws, spans)
    scores = roles.scorer.sentence_scores(c, label if roles.use_label_ else None)
    return (raws, spans) + choose(cols[3], raws, spans, scores, roles) + (c.quoted,)


def target_evidence(scores: tuple, label: str | None = None) -> dict[str, float]:
    """What the gate reads to decide whether the candidate of :func:`scored`'s ``scores`` is
    named (:func:`gate_features`)."""
    raws, spans, probs, source, target, quoted = scores
    return gate_features(raws, spans, probs, source, target, quoted, label)


def assign(text: str, roles: RoleModel | None = None, label: str | None = None) -> Actors:
    """The actors of ``text``; ``label`` (the sentence's stance, when known) tells the gate
    how often such an act names its addressee (:mod:`stance.addressee`)."""
    cols = token_columns(text)
    spans = located_spans(text, cols)
    if not spans:
        return Actors()
    roles = roles or role_model()
    mentions = tuple(map(_MENTION, spans))
    if len(spans) == 1 and (known := lone(roles, cols[2])) is not None:
        roles.gate(label)  # an unknown label is refused all the same
        return _actors(mentions, known)  # its scores cannot change what it is
    c = Sentence(cols[3], cols[2], spans)
    scores = roles.scorer.sentence_scores(c, label if roles.use_label_ else None)
    return _actors(mentions, rules.decide(c.keys, cols[2], spans, scores, roles, label, c.quoted))


def decide(keys: Sequence[str], raws: Sequence[str], spans: Sequence[tuple[int, int, Mention]],
           scores: list[tuple[float, float]], roles: RoleModel, label: str | None = None
           ) -> Actors:
    """The actors of a sentence from its token keys and raw texts, its mentions (with token
    ranges) and their (P(source), P(target)), as :mod:`stance.role_rules` decides them."""
    return _actors(tuple(map(_MENTION, spans)),
                   rules.decide(keys, raws, spans, scores, roles, label))


def _actors(mentions: tuple[Mention, ...], d: rules.Decision) -> Actors:
    """The :class:`Actors` of a decision on ``mentions``."""
    return Actors(mentions[d.source] if d.source is not None else None,
                  mentions[d.target] if d.target is not None else None,
                  tuple(map(mentions.__getitem__, d.sources)),
                  tuple(map(mentions.__getitem__, d.targets)),
                  mentions)


def actors(text: str, label: str | None = None) -> Actors:
    """Who performs the act of ``text`` at whom, and every actor it names. ``label``, the
    sentence's act when it is known for sure (an annotated sentence), helps decide whether the
    sentence names an addressee at all; the classifier's guess does not (it is wrong too often
    on real news for the gate to gain from it), so ``analyze`` passes none."""
    if not isinstance(text, str):
        raise TypeError(f"actors() expects str, got {type(text).__name__}")
    return assign(text, label=label)


def actors_many(texts: Iterable[str], labels: Iterable[str | None] | None = None) -> list[Actors]:
    """:func:`actors` for many sentences (the role model is read once), each with its label
    when ``labels`` are given."""
    roles = role_model()
    texts = check_texts(texts, "actors_many")
    labels = [None] * len(texts) if labels is None else list(labels)
    if len(labels) != len(texts):
        raise ValueError(f"actors_many: {len(texts)} texts but {len(labels)} labels; give one "
                         f"label (or None) per text")
    return [assign(t, roles, lab) for t, lab in zip(texts, labels)]


def document_actors(texts: Sequence[str]) -> list[Actors]:
    """The actors of a document's sentences, in order, with the coreference news copy relies
    on: an unknown name takes the code of a coded mention ending with the same name earlier in
    the document ("Morita said…" after "Japan's chief cabinet secretary, Kenji Morita"),
    and a performer named only by a pronoun or a generic speaker ("Il a ajouté…", "the ministry
    said…") takes the code of the last coded performer of the two sentences before.
    (Addressees are not carried over: a mention's offsets always point into its own
    sentence.)"""
    out: list[Actors] = []
    names: dict[str, str | None] = {}
    for a in actors_many(texts):
        a = _recoded(a, names)
        src = a.source
        if src is not None and src.code is None and src.kind in STAND_INS:
            prev = next((p for p in reversed(out[-2:]) if p.source and p.source.code), None)
            if prev is not None:
                src = replace(src, code=prev.source.code)
                a = replace(a, source=src,
                            sources=tuple(src if m == a.source else m for m in a.sources))
        out.append(a)
    return out


def _recoded(a: Actors, names: dict[str, str | None]) -> Actors:
    """``a`` with each unknown name that ``names`` (last word -> code, None when two codes
    claimed it) knows given its code; then ``a``'s coded mentions added to ``names``."""
    words = [_last_word(m.text) for m in a.mentions]
    new = {m: replace(m, code=names[w]) for m, w in zip(a.mentions, words)
           if m.code is None and m.kind == "name" and names.get(w)}
    for m, w in zip(a.mentions, words):
        if m.code is not None and w[:1].isupper():
            names[w] = m.code if names.setdefault(w, m.code) == m.code else None
    if not new:
        return a
    swap = lambda m: new.get(m, m) if m is not None else None  # noqa: E731
    return Actors(swap(a.source), swap(a.target), tuple(map(swap, a.sources)),
                  tuple(map(swap, a.targets)), tuple(map(swap, a.mentions)))


def _last_word(text: str) -> str:
    """The last word of a mention's text, its punctuation set aside ("Morita" of "Kenji
    Morita", "Kremlin" of "le porte-parole du Kremlin")."""
    words = text.split()
    return words[-1].strip(".,;:!?»«\"'’()") if words else ""
