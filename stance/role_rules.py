"""The rules of :func:`stance.actors`: who performs a sentence's act and who receives it, from
the role models' scores of its mentions.

The news shapes raise what syntax makes certain over the learned scores (passives, reported
speech, the accuser of a denial, an addressee after its verb), the source is the best
performer, the gate (:mod:`stance.addressee`) decides whether the best addressee candidate is
named, thresholds pick the mentions sharing the roles, and "et"/"and" and mutual acts join
them. The rules read a sentence as its token keys and raw texts (:func:`stance.tokens.
token_columns`) and its mentions with their token ranges; they decide mention indices, and
:mod:`stance.roles` builds the :class:`~stance.roles.Actors`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple, Sequence

from .addressee import gate_features
from .gazetteer import AUX, MONTHS, SPEECH, Mention
from .role_features import quoted_tokens
from .shapes import quotes, unvoiced_source, voiced_tokens
from .tokens import fold_words

if TYPE_CHECKING:
    from .roles import RoleModel

Spans = Sequence[tuple[int, int, Mention]]
Probs = list[tuple[float, float]]


class Decision(NamedTuple):
    """The roles decided for a sentence, as mention indices: ``source`` and ``target`` (None
    when not named), every mention sharing each role (a code listed once, the first)."""

    source: int | None
    target: int | None
    sources: tuple[int, ...]
    targets: tuple[int, ...]


STAND_INS = frozenset({"pronoun", "speaker"})
"""Kinds of mention that stand for an actor without naming it ("il", "the ministry")."""


def decide(keys: Sequence[str], raws: Sequence[str], spans: Spans, scores: Probs,
           roles: RoleModel, label: str | None = None, quoted: Sequence[bool] | None = None
           ) -> Decision:
    """The roles of a sentence's mentions from its token keys and raw texts, its mentions
    (with token ranges) and their (P(source), P(target)): the news shapes raise what syntax
    makes certain, the gate of ``roles`` decides whether the best target candidate is named,
    thresholds pick the mentions sharing the roles. ``quoted``
    (:func:`stance.role_features.quoted_tokens`) is computed when not given."""
    mentions = [m for _, _, m in spans]
    probs, source, target = choose(keys, raws, spans, scores, roles)
    th = roles.thresholds_
    gate, read = roles.gate(label)
    candidate = target
    if target is not None and gate is not None:
        if quoted is None:
            quoted = quoted_tokens(keys, raws)
        if not gate.names(gate_features(raws, spans, probs, source, target, quoted, read)):
            target = None
    elif target is not None and probs[target][1] < th["target"]:
        target = None
    sources = [k for k in range(len(spans)) if k == source or
               (k != candidate and probs[k][0] >= th["also"] and probs[k][0] > probs[k][1])]
    targets = [k for k in range(len(spans)) if k == target or
               (target is not None and k not in sources and probs[k][1] >= th["also"])]
    sources = _coordinated(keys, spans, sources, exclude=target)
    targets = [k for k in _coordinated(keys, spans, targets, exclude=source)
               if k == target or k not in sources]
    pair = _mutual_pair(keys, spans)
    if pair is not None:
        source, target = pair
        sources = targets = sorted(set(pair) | set(k for k in sources if k not in targets))
    elif candidate is None and (other := _other_party(mentions, sources, source)) is not None:
        targets = sources = sorted(sources)  # "X and Y met": each the other's counterpart
        target = other
    return Decision(source, target, _unique(mentions, sources), _unique(mentions, targets))


def lone(roles: RoleModel, raws: Sequence[str]) -> Decision | None:
    """What :func:`decide` gives a sentence naming one actor, whatever its scores, or None when
    its scores matter: with a source threshold of 0 or less the one mention performs (scores
    are probabilities, never below 0) and no other is left to receive, unless the sentence
    quotes (:func:`stance.shapes.unvoiced_source` may then give the performer to the unnamed
    voice), or opens with a word in capitals (:func:`_dateline`); so its scores need not be
    computed (``tests/test_actors_fast.py`` holds this to
    :func:`decide`). ``raws``: the raw texts of the sentence's tokens."""
    if roles.thresholds_["source"] > 0.0 or quotes(raws) or raws[0].isupper():
        return None  # a capital first word may open a dateline, whose place never acts
    return _LONE


_LONE = Decision(0, None, (0,), ())


def choose(keys: Sequence[str], raws: Sequence[str], spans: Spans, scores: Probs,
           roles: RoleModel) -> tuple[Probs, int | None, int | None]:
    """Each mention's (P(source), P(target)) after the news shapes, the source and the best
    target candidate (mention indices or None; the candidate never shares the source's code)."""
    probs = _news_shapes(keys, raws, spans, scores)
    mentions = [m for _, _, m in spans]
    performs = [p[0] for p in probs]
    filed = _dateline(raws, spans)
    acting = [k for k in range(len(spans)) if spans[k][0] >= filed]
    if len(acting) < len(spans):  # where the copy was filed neither acts nor receives
        probs = [p if k in acting else (0.0, 0.0) for k, p in enumerate(probs)]
        performs = [p[0] for p in probs]
        if not acting:
            return probs, None, None
    source = max(acting, key=performs.__getitem__)
    if mentions[source].code is None and mentions[source].kind in STAND_INS:
        named = [k for k in range(len(spans)) if mentions[k].code is not None]
        best = max(named, key=performs.__getitem__, default=None)
        if best is not None and probs[best][0] >= 0.5:
            source = best  # "He said Panama had replied…": the named actor performs
    source = _reported_subject(keys, spans, source)  # "Okafor said he had warned…": Okafor
    if probs[source][0] < roles.thresholds_["source"]:
        source = None
    source = unvoiced_source(keys, raws, spans, source)  # a quotation alone: its voice performs
    code = None if source is None else mentions[source].code
    rest = [k for k in acting if k != source and (code is None or mentions[k].code != code)]
    places = [k for k in rest if _place(keys, spans[k])]
    if places and len(places) < len(rest):  # a place is the addressee only when alone
        rest = [k for k in rest if k not in places]
    return probs, source, max(rest, key=[p[1] for p in probs].__getitem__, default=None)


_DASHES = frozenset({"—", "–"})  # a hyphen is no token: "VIENNA - Iran" reads "VIENNA Iran"


def _dateline(raws: Sequence[str], spans: Spans) -> int:
    """The token count of a dateline opening the sentence ("WASHINGTON —", "VIENNA - ",
    "KINSHASA, 14 février (AFP) -", "ODESA, Ukraine, Aug 14 (Reuters) -"), whose place says
    where the copy was filed, not who acts; 0 when it opens with none. A dateline is a place
    in capitals, then a dash, a capitalised word (the hyphen before it is no token), or a
    comma and a date, an agency in brackets or a dash."""
    if not raws or len(raws[0]) < 3 or not raws[0].isupper() or \
            spans and spans[0][0] == 0 and spans[0][2].kind not in _FILED_AT:
        return 0
    k = 1
    while k < len(raws) and raws[k].isupper() and raws[k][:1].isalpha():
        k += 1  # "ABU DHABI", "PORT-SOUDAN"
    if k >= len(raws) - 1:
        return 0
    if raws[k] in _DASHES or raws[k] == "(":
        return _agency(raws, k)
    if raws[k] != ",":  # "VIENNA - Iran…"; not "USA Today"
        titled = raws[k][:1].isupper() and raws[k][1:2].islower()
        return k if titled and not (spans and spans[0][2].kind == "state") else 0
    dated = False
    for j in range(k + 1, min(k + 13, len(raws))):
        r = raws[j]
        if r in _DASHES or r == "(":
            return _agency(raws, j)
        dated = dated or r.isdigit()
        if dated and r[:1].isupper() and r.lower() not in MONTHS:
            return j  # "KINSHASA, 11 juillet - Le ministre…"
    return 0


def _agency(raws: Sequence[str], k: int) -> int:
    """The token count of a dateline whose token ``k`` is its dash or opens its agency in
    brackets ("(AFP) -", "(Reuters) —")."""
    if raws[k] == "(":
        k = next((j for j in range(k + 1, min(k + 4, len(raws))) if raws[j] == ")"), -1)
        if k < 0:
            return 0
        if k + 1 < len(raws) and raws[k + 1] in _DASHES:
            k += 1
    return k + 1


_FILED_AT = frozenset({"capital", "state", "name"})
"""Kinds of mention a dateline's place can be (a known or unknown city, a country)."""


_PLACE_PREP = fold_words("in near")  # English only: "en"/"dans" cost French addressees


def _place(keys: Sequence[str], span: tuple[int, int, Mention]) -> bool:
    """Whether a mention names where something happens rather than an actor: a state, a
    capital or a name after "in"/"near" ("the talks in Oman", "told the board in Vienna")."""
    lo, _, m = span
    return lo > 0 and keys[lo - 1] in _PLACE_PREP and m.kind in ("capital", "state", "name")


_THIRD_PERSON = fold_words("il elle ils elles he she they it")
_THAT = fold_words("que qu' that")


def _reported_subject(keys: Sequence[str], spans: Spans, source: int) -> int:
    """The subject of a reporting verb when the chosen source is the pronoun that takes it up
    right after the verb ("Okafor said he had warned Niamey…", "Le ministre a affirmé qu'il…"):
    the pronoun stands for that subject."""
    lo, _, m = spans[source]
    if source == 0 or m.kind != "pronoun" or keys[lo] not in _THIRD_PERSON:
        return source
    v = lo - 1 if lo > 0 and keys[lo - 1] in _THAT else lo
    v -= 1
    if v < 1 or keys[v] not in _SAID:
        return source
    p = v - 1 if keys[v - 1] in AUX else v
    prev = spans[source - 1]
    return source - 1 if prev[1] == p and prev[2].kind != "pronoun" else source


_SAID = SPEECH | fold_words("""déclaré affirmé indiqué assuré estimé dit ajouté souligné expliqué précisé annoncé
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
_CLAUSE_END = frozenset({",", "»", '"', "”", ":", "—"})
_OF_BY = fold_words("de d' des du par by from of")
_CLAIMS = fold_words("""accusations accusation allégations allegations claims claim charges affirmations
    assertions""")
_DETERMINERS = fold_words("le la les l' the un une a an")
_AND = fold_words("et and ,")
_TOGETHER = fold_words("""mutuellement réciproquement each another autre conviennent convenu convenus
    agreed agree signed signé signent conclu concluded accord accusent accuse rencontrés met
    discuss discuté négocient negotiate""")
_JOINING = _AND | _DETERMINERS
_CLOSING = frozenset({"»", '"', "”"})


def _news_shapes(keys: Sequence[str], raws: Sequence[str], spans: Spans, probs: Probs) -> Probs:
    """Raise the roles that news syntax makes certain over the learned scores: the agent of
    a passive ("X est accusé par Y": Y acts, X receives) and the speaker a reporting verb
    follows when it comes last ("…," the ministry said), and the accuser of a denial ("les
    accusations de Y", "Y's claims"). A sentence holding none of the words they read (nearly
    half of them) keeps its scores as they are."""
    probs = list(probs)
    if _SHAPE_WORDS.isdisjoint(keys):
        return probs
    for k, (lo, hi, _m) in enumerate(spans):
        while lo > 0 and keys[lo - 1] in _DETERMINERS:
            lo -= 1  # "par le Kosovo", "the Syrian Democratic Forces said"
        before = keys[max(0, lo - 4):lo]
        if (before and before[-1] in _OF_BY and not _CLAIMS.isdisjoint(before[-3:])) or \
                not _CLAIMS.isdisjoint(keys[hi:hi + 4]):
            probs[k] = (probs[k][0] * 0.5, max(probs[k][1], 0.9))  # "les accusations de X"
        elif before and before[-1] in _BY and not _PASSIVE.isdisjoint(before[:-1]):
            probs[k] = (0.99, probs[k][1] * 0.1)
            earlier = [j for j in range(k) if spans[j][1] <= lo]
            if earlier:  # the subject, with whatever "et"/"and" joins to it, receives the act
                for j in _coordinated(keys, spans, [earlier[-1]], exclude=None):
                    probs[j] = (probs[j][0] * 0.1, 0.99)
        elif _m.kind != "pronoun" and _after_quote(keys, raws, lo):
            probs[k] = (max(probs[k][0], 0.95), probs[k][1] * 0.5)  # "…," warned the minister
        elif _m.kind == "pronoun" and (mark := _inverted_tag(keys, raws, spans, k)):
            probs[k] = (max(probs[k][0], 0.99), probs[k][1] * 0.1)  # « … », a-t-il ajouté
            for j in range(k):  # what the voice says names whom it speaks of, not itself
                if spans[j][1] <= mark:
                    probs[j] = (probs[j][0] * 0.5, probs[j][1])
        elif _addressed(before):
            probs[k] = (probs[k][0] * 0.5, max(probs[k][1], 0.9))  # "a mis en garde la Russie"
        elif _speaker_last(keys, raws, lo, hi):
            probs[k] = (max(probs[k][0], 0.95), probs[k][1] * 0.5)  # "…, a affirmé le ministère."
        elif lo > 0 and hi < len(keys) and keys[hi] in _SAID and raws[lo - 1] in _CLAUSE_END:
            probs[k] = (max(probs[k][0], 0.95), probs[k][1] * 0.5)  # "…," the ministry said
    return probs


_SHAPE_WORDS = _CLAIMS | _BY | _SAID | _ACT_VERBS | _CLOSING  # each shape reads one at least


def _coordinated(keys: Sequence[str], spans: Spans, chosen: list[int], exclude: int | None
                 ) -> list[int]:
    """``chosen`` with the mentions joined to them by "et"/"and"/commas ("Kiev et les
    puissances occidentales accusent…": both accuse)."""
    out = set(chosen)
    for k in sorted(chosen):
        for step in (-1, 1):
            j = k
            while 0 <= j + step < len(spans) and j + step != exclude:
                a, b = (spans[j], spans[j + step]) if step == 1 else (spans[j + step], spans[j])
                between = keys[a[1]:b[0]]
                if not between or not all(map(_JOINING.__contains__, between)) or \
                        _AND.isdisjoint(between):
                    break
                j += step
                out.add(j)
    return sorted(out)


def _addressed(before: Sequence[str]) -> bool:
    """Whether the words just before a mention (its determiner set aside) end with a verb of
    an act that takes its addressee as object: "accuse Moscou", "a mis en garde la Russie",
    "warned Washington", "reproche à Athènes", "called on Iran"."""
    if not before:
        return False
    last = before[-1]
    if last in _TO and len(before) > 1:
        last = before[-2]
    return last in _ACT_VERBS


def _after_quote(keys: Sequence[str], raws: Sequence[str], lo: int) -> bool:
    """Whether the mention starting at token ``lo`` (its determiner included) is the speaker
    of an inverted reporting clause after a quotation: "« … », a averti le ministre",
    '"…," warned Prime Minister X' (the verb then takes no object)."""
    v = lo - 1
    if v < 2 or keys[v] not in _SAID:
        return False
    p = v - 1 if keys[v - 1] in AUX else v
    return raws[p - 1] in _CLOSING or (raws[p - 1] == "," and p > 1 and raws[p - 2] in _CLOSING)


_EUPHONIC = fold_words("t")
_INVERTED = fold_words("il elle ils elles on")  # English puts the speaker before the verb
_NOT_VERBS = _THAT | fold_words("""et mais si s' car ou quand lorsque lorsqu' puis donc or ni comme
    dont où""")


def _inverted_tag(keys: Sequence[str], raws: Sequence[str], spans: Spans, k: int) -> int:
    """The closing mark before mention ``k`` when it is the pronoun of an inverted reporting
    clause right after a quotation ("« … », a-t-il ajouté", "…», poursuit-elle") and every
    mention before the mark stands inside the quotation (the voice names no one but whom it
    speaks of), else 0."""
    lo = spans[k][0]
    v = lo - 2 if lo > 1 and keys[lo - 1] in _EUPHONIC else lo - 1
    if v < 3 or keys[lo] not in _INVERTED or keys[v] in _NOT_VERBS or raws[v - 1] != "," \
            or not raws[v][:1].isalpha():
        return 0
    mark = v - 2
    if raws[mark] not in _CLOSING:
        return 0
    voiced = voiced_tokens(raws)
    return mark if all(voiced[a] for a, b, _ in spans[:k] if b <= mark) else 0


def _speaker_last(keys: Sequence[str], raws: Sequence[str], lo: int, hi: int) -> bool:
    """Whether the mention (tokens ``lo:hi``) closes the sentence as the speaker of a reporting
    clause after what was said: "…, a affirmé mardi le ministère russe de la Défense."."""
    if any(map(str.isalnum, raws[hi:])):
        return False
    for v in range(max(1, lo - 3), lo):
        if keys[v] in _SAID:
            p = v - 1 if keys[v - 1] in AUX else v
            return p > 0 and raws[p - 1] in _CLAUSE_END
    return False


def _mutual_pair(keys: Sequence[str], spans: Spans) -> tuple[int, int] | None:
    """Two actors joined by "et"/"and" as the subject of a mutual or joint act ("X et Y
    s'accusent mutuellement", "X and Y agreed"), as a pair of mention indices."""
    for k in range(len(spans) - 1):
        (_, hi1, m1), (lo2, hi2, m2) = spans[k], spans[k + 1]
        if m1.code is None or m2.code is None or m1.code == m2.code:
            continue
        if hi1 < lo2 and all(map(_AND.__contains__, keys[hi1:lo2])) and \
                not _TOGETHER.isdisjoint(keys[hi2:hi2 + 5]):
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


def _unique(mentions: Sequence[Mention], ks: Sequence[int]) -> tuple[int, ...]:
    """The indices ``ks`` in order, a mention whose code an earlier one has left out (unknown
    ones all kept)."""
    seen, out = set(), []
    for k in sorted(ks):
        code = mentions[k].code
        if code is None or code not in seen:
            out.append(k)
            seen.add(code)
    return tuple(out)
