"""The specification of the actor machinery: the tokens and the token-by-token mention finder
as they stood before the fast path (commit c6040ad), frozen, then the role models' features as
strings and their scores feature by feature (``mention_features``, ``RoleModel.scores``, the
readable path training uses). Tests hold the fast path to it, mention for mention and role for
role; it reads the package's word lists, gazetteer, feature templates and rules, so it checks
the machinery, not the data, and a template or a rule added later needs no change here."""
from __future__ import annotations

import re
import unicodedata
from itertools import accumulate, repeat

from stance.gazetteer import (_APPOSED, _CONNECTORS, _DETERMINERS, _NOT_NAMES, _OF, _PRONOUNS,
                              _ROLE_WORDS, _SPEAKERS, _TITLES, Mention, _determined, _speaks,
                              apposed, gazetteer)
from stance.tokens import _TABLE, Token, _fold
from stance.lazy import once
from stance.roles import Actors, decide, mention_features, role_model

_TOKEN = re.compile(r"[^\W\d_]{1,3}['’](?=[^\W\d_])|[^\W_]+|[^\w\s\-‑–]")
_SPLIT = re.compile(f"({_TOKEN.pattern})")


def tokens(text: str) -> list[Token]:
    if not unicodedata.is_normalized("NFC", text):
        return [Token(m.start(), m.end(), m.group(), _fold(m.group())) for m in _TOKEN.finditer(text)]
    pieces = _SPLIT.split(text)
    bounds = list(accumulate(map(len, pieces)))
    starts, ends = bounds[0::2], bounds[1::2]
    folded = text.translate(_TABLE)
    keys = [folded[a:b] for a, b in zip(starts, ends)]
    return list(map(tuple.__new__, repeat(Token), zip(starts, ends, pieces[1::2], keys)))


@once
def _starts() -> dict[str, list[int]]:
    """First token -> the lengths of the forms it starts, longest first."""
    lengths: dict[str, set[int]] = {}
    for key in gazetteer().entries_:
        lengths.setdefault(key[0], set()).add(len(key))
    return {k: sorted(v, reverse=True) for k, v in lengths.items()}


def match(gaz, toks: list[Token], i: int) -> tuple[int, str, str] | None:
    lengths = _starts().get(toks[i].key)
    if lengths is None:
        return None
    for n in lengths:
        if i + n > len(toks):
            continue
        entry = gaz.entries_.get(tuple(t.key for t in toks[i:i + n]))
        if entry is None:
            continue
        code, kind, acronym = entry
        if acronym == "lower":  # a common noun ("the rebels"): written in lower case
            opens = i == 0 or toks[i - 1].raw in {"«", '"', "“", "(", ":", "—", "."}
            if not all(t.raw.islower() for t in toks[i + opens:i + n] if t.raw.isalpha()):
                continue
        elif acronym and not all(t.raw.upper() == t.raw or (acronym == "title" and t.raw.istitle())
                               for t in toks[i:i + n]):
            continue
        return n, code, kind
    return None


def _proper(tok: Token) -> bool:
    return (tok.raw[:1].isupper() and tok.raw[:1].isalpha() and tok.key not in _NOT_NAMES
            and tok.key not in _ROLE_WORDS)


def _starts_clause(toks: list[Token], i: int) -> bool:
    return i == 0 or toks[i - 1].raw in {"«", '"', "“", "(", ":", "—", "."} and not (
        toks[i - 1].raw == '"' and i > 1 and toks[i - 2].raw in {",", ".", "?", "!"})


def _titled(toks: list[Token], i: int) -> bool:
    j = i - 1 if i and toks[i - 1].raw == "." else i
    return j > 0 and toks[j - 1].key in _TITLES


def mention_spans(text: str, toks: list[Token]) -> list[tuple[int, int, Mention]]:
    gaz = gazetteer()
    spans: list[tuple[int, int, str | None, str]] = []
    hot, st = gaz.hot_, _starts()
    i = 0
    for start in [k for k, t in enumerate(toks) if t.key in hot or t.raw[0].isupper()]:
        if start < i:
            continue
        i = start
        hit = match(gaz, toks, i)
        if hit:
            n, code, kind = hit
            lo, hi = _grow(toks, i, i + n, spans[-1][1] if spans else 0)
            hi = _grow_right(toks, hi)
            spans.append((lo, hi, code, kind))
            i = hi
        elif _proper(toks[i]):
            j = i + 1
            while j < len(toks) and not (toks[j].key in st and match(gaz, toks, j)) and (
                    _proper(toks[j]) or (
                        toks[j].key in _CONNECTORS and j + 1 < len(toks) and _proper(toks[j + 1])
                        and not (toks[j + 1].key in st and match(gaz, toks, j + 1)))):
                j += 1
            code, kind = None, "name"
            hit = match(gaz, toks, j) if j < len(toks) and toks[j].key in st else None
            if hit and hit[2] == "leader":
                j, code, kind = j + hit[0], hit[1], "leader"
            floor = spans[-1][1] if spans else 0
            lo = max(floor, i - 2 if toks[i - 1].raw == "." else i - 1) if _titled(toks, i) else i
            if spans and spans[-1][1] == i and spans[-1][3] in _APPOSED and lo == i:
                p_lo, _, p_code, p_kind = spans.pop()
                spans.append((p_lo, j, p_code or code, p_kind))
            elif j - i == 1 and toks[i].key in _SPEAKERS:
                spans.append((i, j, None, "speaker"))
            elif lo < i or j - i > 1 or code or not _starts_clause(toks, i) or \
                    _speaks([t.key for t in toks], j):
                spans.append((lo, j, code, kind))
            i = j
        elif toks[i].key in _PRONOUNS:
            spans.append((i, i + 1, None, "pronoun"))
            i += 1
        elif toks[i].key in _SPEAKERS and _determined(tuple(t.key for t in toks), i):
            j = i + 1
            while j < len(toks) and toks[j].key in _SPEAKERS:
                j += 1
            if not _heads_actor(toks, j, gaz):
                spans.append(_grow(toks, i, j, spans[-1][1] if spans else 0) + (None, "speaker"))
            i = j
    spans = apposed([t.key for t in toks], [t.raw for t in toks], spans)
    return [(lo, hi, Mention(text[toks[lo].start:toks[hi - 1].end], toks[lo].start,
                             toks[hi - 1].end, code, kind)) for lo, hi, code, kind in spans]


def _heads_actor(toks: list[Token], j: int, gaz) -> bool:
    for k in range(j, min(j + 4, len(toks))):
        if match(gaz, toks, k):
            return True
        if toks[k].key not in _OF | _DETERMINERS | _SPEAKERS | _ROLE_WORDS:
            return False
    return False


def _grow_right(toks: list[Token], hi: int) -> int:
    j, end = hi, hi
    while j < len(toks) and j - hi < 5 and (toks[j].key in _OF | _ROLE_WORDS | _SPEAKERS
                                             or toks[j].key in {"'", "s", "la", "l'"}):
        j += 1
        if toks[j - 1].key in _ROLE_WORDS | _SPEAKERS:
            end = j
    return end


def _grow(toks: list[Token], lo: int, hi: int, floor: int) -> tuple[int, int]:
    j = lo
    while j > floor and (toks[j - 1].key in _SPEAKERS | _OF | _ROLE_WORDS):
        j -= 1
    while j < lo and toks[j].key in _OF:
        j += 1
    if j < lo and j > floor and toks[j - 1].key in _DETERMINERS:
        j -= 1
    return j, hi


def actors(text: str, roles=None, label: str | None = None) -> Actors:
    """The Actors of ``text`` by the frozen machinery and the package's rules."""
    toks = tokens(text)
    spans = mention_spans(text, toks)
    if not spans:
        return Actors()
    roles = roles or role_model()
    feats = mention_features(toks, spans, label if roles.use_label_ else None)
    return decide(tuple(t.key for t in toks), [t.raw for t in toks], spans,
                  [roles.scores(f) for f in feats], roles, label)
