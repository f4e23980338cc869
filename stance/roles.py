"""Who acts at whom: the performer (source) and the addressee (target) of a sentence's act.

    >>> a = stance.actors("Kiev et les puissances occidentales accusent Moscou de préparer une offensive.")
    >>> a.source.code, a.target.code
    ('UKR', 'RUS')

Mentions come from :mod:`stance.gazetteer`; which mention performs and which receives the act
is scored by two small logistic models (one for each role) over the words around each mention,
and its place in the sentence, trained on the team's annotated stories (``training/actors.py``)
and shipped as readable JSON; whether the best addressee candidate is named at all is the
gate's decision (:mod:`stance.addressee`). It does not need the sentence's label, so it runs
without the classifier, and a neutral sentence ("X met Y") has a source and a target too.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import cached_property
from importlib.resources import files
from typing import Iterable, Sequence

from .addressee import TargetGate, gate_features
from .errors import ModelError
from .gazetteer import Mention, located_spans
from .labels import LABELS
from .lazy import once
from .shapes import unvoiced_source
from .role_features import RoleScorer, quoted_tokens, sigmoid
from .role_features import mention_features as _features
from .tokens import Token, fold_words, token_columns, token_rows

__all__ = ["Actors", "Mention", "actors", "actors_many", "mention_features", "RoleModel"]

_LABELS = frozenset(LABELS)


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


def _choose(toks: list[Token], spans: Sequence[tuple[int, int, Mention]],
            scores: list[tuple[float, float]], roles: RoleModel) -> tuple:
    """Each mention's (P(source), P(target)) after the news shapes, the source and the best
    target candidate (mention indices or None; the candidate never shares the source's code),
    and which tokens are quoted."""
    probs = _news_shapes(toks, spans, scores)
    mentions = [m for _, _, m in spans]
    source = max(range(len(spans)), key=lambda k: probs[k][0])
    if mentions[source].code is None and mentions[source].kind in _STAND_INS:
        named = [k for k in range(len(spans)) if mentions[k].code is not None]
        best = max(named, key=lambda k: probs[k][0], default=None)
        if best is not None and probs[best][0] >= 0.5:
            source = best  # "He said Panama had replied…": the named actor performs
    if probs[source][0] < roles.thresholds_["source"]:
        source = None
    source = unvoiced_source(toks, spans, source)  # a quotation alone: its voice performs
    rest = [k for k in range(len(spans)) if k != source and
            (source is None or mentions[k].code is None or mentions[k].code != mentions[source].code)]
    quoted = quoted_tokens([t.key for t in toks], [t.raw for t in toks])
    return probs, source, max(rest, key=lambda k: probs[k][1], default=None), quoted


def scored(text: str, roles: RoleModel, label: str | None = None) -> tuple:
    """Tokens, mentions (with token ranges), and :func:`_choose`'s probabilities, source,
    target candidate and quoted tokens: what the gate is trained on (``training/actors.py``)."""
    cols = token_columns(text)
    toks, spans = token_rows(cols), located_spans(text, cols)
    if not spans:
        return toks, spans, [], None, None, []
    scores = roles.scorer.scores(cols[3], cols[2], spans, label if roles.use_label_ else None)
    return (toks, spans) + _choose(toks, spans, scores, roles)


def target_evidence(scores: tuple, label: str | None = None) -> dict[str, float]:
    """What the gate reads to decide whether the candidate of :func:`scored`'s ``scores`` is
    named (:func:`gate_features`)."""
    toks, spans, probs, source, target, quoted = scores
    return gate_features(toks, spans, probs, source, target, quoted, label)


def assign(text: str, roles: RoleModel | None = None, label: str | None = None) -> Actors:
    """The actors of ``text``; ``label`` (the sentence's stance, when known) tells the gate
    how often such an act names its addressee (:mod:`stance.addressee`)."""
    cols = token_columns(text)
    spans = located_spans(text, cols)
    if not spans:
        return Actors()
    roles = roles or role_model()
    scores = roles.scorer.scores(cols[3], cols[2], spans, label if roles.use_label_ else None)
    return decide(token_rows(cols), spans, scores, roles, label)


def decide(toks: list[Token], spans: Sequence[tuple[int, int, Mention]],
           scores: list[tuple[float, float]], roles: RoleModel, label: str | None = None) -> Actors:
    """The actors of a sentence from its tokens, its mentions and their (P(source),
    P(target)): the news shapes raise what syntax makes certain, the gate decides whether the
    best target candidate is named, thresholds pick the mentions sharing the roles."""
    mentions = tuple(m for _, _, m in spans)
    probs, source, target, quoted = _choose(toks, spans, scores, roles)
    th = roles.thresholds_
    gate, read = roles.gate(label)
    candidate = target
    if target is not None and gate is not None:
        if not gate.names(gate_features(toks, spans, probs, source, target, quoted, read)):
            target = None
    elif target is not None and probs[target][1] < th["target"]:
        target = None
    sources = [k for k in range(len(spans)) if k == source or
               (k != candidate and probs[k][0] >= th["also"] and probs[k][0] > probs[k][1])]
    targets = [k for k in range(len(spans)) if k == target or
               (target is not None and k not in sources and probs[k][1] >= th["also"])]
    sources = _coordinated(toks, spans, sources, exclude=target)
    targets = [k for k in _coordinated(toks, spans, targets, exclude=source)
               if k == target or k not in sources]
    pair = _mutual_pair(toks, spans)
    if pair is not None:
        source, target = pair
        sources = targets = sorted(set(pair) | set(k for k in sources if k not in targets))
    elif candidate is None and (other := _other_party(mentions, sources, source)) is not None:
        targets = sources = sorted(sources)  # "X and Y met": each the other's counterpart
        target = other
    pick = lambda ks: tuple(_unique(mentions[k] for k in sorted(ks)))  # noqa: E731
    return Actors(mentions[source] if source is not None else None,
                  mentions[target] if target is not None else None,
                  pick(sources), pick(targets), mentions)


_SAID = fold_words("""déclaré affirmé indiqué assuré estimé dit ajouté souligné expliqué précisé annoncé
    averti prévenu rappelé martelé insisté répondu réagi écrit confié lancé jugé poursuivi conclu
    démenti nié accusé dénoncé déplore dénonce affirme indique estime assure ajoute précise
    souligne explique selon said says told added stated warned insisted according wrote noted
    claimed alleged denied accused argued replied declared announced""")
_PASSIVE = fold_words("""accusé accusée accusés accusées visé visée visés critiqué critiquée critiqués
    condamné condamnée menacé menacée menacés pointé blâmé accused blamed criticised criticized
    condemned threatened targeted denounced dénoncé dénoncée attaqué attaquée attacked
    averti avertie avertis menacées condamnés condamnées dénoncés critiquées blâmée blâmés
    sommé sommée sommés exhorté exhortée exhortés garde warned urged pressed summoned rebuked
    slammed sanctioned reproached""")
_BY = fold_words("par by")
_TO = fold_words("à au aux on upon")
_ACT_VERBS = fold_words("""accuse accusent accusé accusait accusant accused accuses accusing garde
    menace menacent menacé menaçant threatened threatens threatening warned warns warning
    avertit averti avertissent prévient prévenu condamne condamné condemned condemns blamed
    blames blaming reproche reproché reprochent exhorte exhorté urged urges urging appelle
    appelé called calls somme sommé dénonce dénoncé denounced urge warn threaten condemn blame
    denounce accuser menacer avertir prévenir condamner exhorter reprocher dénoncer sommer""")
_AUX = fold_words("a ont avait avaient has have had")
_CLAUSE_END = frozenset({",", "»", '"', "”", ":", "—"})
_OF_BY = fold_words("de d' des du par by from of")
_CLAIMS = fold_words("""accusations accusation allégations allegations claims claim charges affirmations
    assertions""")
_DETERMINERS = fold_words("le la les l' the un une a an")
_AND = fold_words("et and ,")
_TOGETHER = fold_words("""mutuellement réciproquement each another autre conviennent convenu convenus
    agreed agree signed signé signent conclu concluded accord accusent accuse rencontrés met
    discuss discuté négocient negotiate""")


def _news_shapes(toks: list[Token], spans, probs: list[tuple[float, float]]
                 ) -> list[tuple[float, float]]:
    """Raise the roles that news syntax makes certain over the learned scores: the agent of
    a passive ("X est accusé par Y": Y acts, X receives) and the speaker a reporting verb
    follows when it comes last ("…," the ministry said), and the accuser of a denial ("les
    accusations de Y", "Y's claims")."""
    probs = list(probs)
    for k, (lo, hi, _m) in enumerate(spans):
        while lo > 0 and toks[lo - 1].key in _DETERMINERS:
            lo -= 1  # "par le Kosovo", "the Syrian Democratic Forces said"
        before = [t.key for t in toks[max(0, lo - 4):lo]]
        after = {t.key for t in toks[hi:hi + 4]}
        if (before and before[-1] in _OF_BY and _CLAIMS & set(before[-3:])) or _CLAIMS & after:
            probs[k] = (probs[k][0] * 0.5, max(probs[k][1], 0.9))  # "les accusations de X"
        elif before and before[-1] in _BY and _PASSIVE & set(before[:-1]):
            probs[k] = (0.99, probs[k][1] * 0.1)
            earlier = [j for j in range(k) if spans[j][1] <= lo]
            if earlier:  # the subject, with whatever "et"/"and" joins to it, receives the act
                for j in _coordinated(toks, spans, [earlier[-1]], exclude=None):
                    probs[j] = (probs[j][0] * 0.1, 0.99)
        elif _m.kind != "pronoun" and _after_quote(toks, lo):
            probs[k] = (max(probs[k][0], 0.95), probs[k][1] * 0.5)  # "…," warned the minister
        elif _addressed(before):
            probs[k] = (probs[k][0] * 0.5, max(probs[k][1], 0.9))  # "a mis en garde la Russie"
        elif _speaker_last(toks, lo, hi):
            probs[k] = (max(probs[k][0], 0.95), probs[k][1] * 0.5)  # "…, a affirmé le ministère."
        elif lo > 0 and hi < len(toks) and toks[hi].key in _SAID and toks[lo - 1].raw in _CLAUSE_END:
            probs[k] = (max(probs[k][0], 0.95), probs[k][1] * 0.5)  # "…," the ministry said
    return probs


def _coordinated(toks: list[Token], spans, chosen: list[int], exclude: int | None) -> list[int]:
    """``chosen`` with the mentions joined to them by "et"/"and"/commas ("Kiev et les
    puissances occidentales accusent…": both accuse)."""
    out = set(chosen)
    for k in sorted(chosen):
        for step in (-1, 1):
            j = k
            while 0 <= j + step < len(spans) and j + step != exclude:
                a, b = (spans[j], spans[j + step]) if step == 1 else (spans[j + step], spans[j])
                between = toks[a[1]:b[0]]
                if not between or not all(t.key in _AND | _DETERMINERS for t in between) or \
                        not any(t.key in _AND for t in between):
                    break
                j += step
                out.add(j)
    return sorted(out)


def _addressed(before: list[str]) -> bool:
    """Whether the words just before a mention (its determiner set aside) end with a verb of
    an act that takes its addressee as object: "accuse Moscou", "a mis en garde la Russie",
    "warned Washington", "reproche à Athènes", "called on Iran"."""
    if not before:
        return False
    last = before[-1]
    if last in _TO and len(before) > 1:
        last = before[-2]
    return last in _ACT_VERBS


_CLOSING = frozenset({"»", '"', "”"})


def _after_quote(toks: list[Token], lo: int) -> bool:
    """Whether the mention starting at token ``lo`` (its determiner included) is the speaker
    of an inverted reporting clause after a quotation: "« … », a averti le ministre",
    '"…," warned Prime Minister X' (the verb then takes no object)."""
    v = lo - 1
    if v < 2 or toks[v].key not in _SAID:
        return False
    p = v - 1 if toks[v - 1].key in _AUX else v
    return toks[p - 1].raw in _CLOSING or (toks[p - 1].raw == "," and p > 1
                                           and toks[p - 2].raw in _CLOSING)


def _speaker_last(toks: list[Token], lo: int, hi: int) -> bool:
    """Whether the mention (tokens ``lo:hi``) closes the sentence as the speaker of a reporting
    clause after what was said: "…, a affirmé mardi le ministère russe de la Défense."."""
    if any(t.raw.isalnum() for t in toks[hi:]):
        return False
    for v in range(max(1, lo - 3), lo):
        if toks[v].key in _SAID:
            p = v - 1 if toks[v - 1].key in _AUX else v
            return p > 0 and toks[p - 1].raw in _CLAUSE_END
    return False


def _mutual_pair(toks: list[Token], spans) -> tuple[int, int] | None:
    """Two actors joined by "et"/"and" as the subject of a mutual or joint act ("X et Y
    s'accusent mutuellement", "X and Y agreed"), as a pair of mention indices."""
    for k in range(len(spans) - 1):
        (_, hi1, m1), (lo2, hi2, m2) = spans[k], spans[k + 1]
        if m1.code is None or m2.code is None or m1.code == m2.code:
            continue
        if hi1 < lo2 and all(t.key in _AND for t in toks[hi1:lo2]) and \
                _TOGETHER & {t.key for t in toks[hi2:hi2 + 5]}:
            return k, k + 1
    return None


def _other_party(mentions: Sequence[Mention], sources: list[int], source: int | None
                  ) -> int | None:
    """Among several performers, the first that is not the source's own side (another code,
    or no code): the counterpart of "X and Y met"; None when all share the source's code
    ("the Kremlin spokesman Dmitry Peskov")."""
    code = mentions[source].code if source is not None else None
    return next((k for k in sources if k != source and
                 (mentions[k].code is None or mentions[k].code != code)), None)


def _unique(ms: Iterable[Mention]) -> list[Mention]:
    """Mentions with the same code listed once (the first), unknown ones all kept."""
    seen, out = set(), []
    for m in ms:
        if m.code is None or m.code not in seen:
            out.append(m)
            seen.add(m.code)
    return out


def actors(text: str, label: str | None = None) -> Actors:
    """Who performs the act of ``text`` at whom, and every actor it names. ``label``, the
    sentence's act when it is known for sure (an annotated sentence), helps decide whether the
    sentence names an addressee at all; the classifier's guess does not (it is wrong too often
    on real news for the gate to gain from it), so ``analyze`` passes none."""
    return assign(text, label=label)


def actors_many(texts: Iterable[str], labels: Iterable[str | None] | None = None) -> list[Actors]:
    """:func:`actors` for many sentences (the role model is read once), each with its label
    when ``labels`` are given."""
    roles = role_model()
    texts = list(texts)
    labels = [None] * len(texts) if labels is None else list(labels)
    if len(labels) != len(texts):
        raise ValueError(f"actors_many: {len(texts)} texts but {len(labels)} labels; give one "
                         f"label (or None) per text")
    return [assign(t, roles, lab) for t, lab in zip(texts, labels)]


_STAND_INS = frozenset({"pronoun", "speaker"})


def document_actors(texts: Sequence[str]) -> list[Actors]:
    """The actors of a document's sentences, in order. A performer named only by a pronoun or
    a generic speaker ("Il a ajouté…", "the ministry said…") takes the code of the last coded
    performer of the two sentences before: the coreference news copy relies on. (Addressees
    are not carried over: a mention's offsets always point into its own sentence.)"""
    out: list[Actors] = []
    for a in actors_many(texts):
        src = a.source
        if src is not None and src.code is None and src.kind in _STAND_INS:
            prev = next((p for p in reversed(out[-2:]) if p.source and p.source.code), None)
            if prev is not None:
                src = replace(src, code=prev.source.code)
                a = replace(a, source=src,
                            sources=tuple(src if m == a.source else m for m in a.sources))
        out.append(a)
    return out
