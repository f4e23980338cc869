"""News shapes that decide the performer beyond the role models' scores, kept apart from
:mod:`stance.roles` so that each reads in a few lines.

A sentence wholly inside a quotation names its speaker only around it (the sentence before
or after it in the story: '"Pretoria has chosen to blame Kigali."', « Si le Niger a des
preuves, qu'il les transmette. »): the actors it names are what the voice speaks about, the
addressee more often than not, and its performer is the voice itself, which the sentence
does not name, unless it speaks in the first person ("We will answer").
"""
from __future__ import annotations

from typing import Sequence

from .gazetteer import Mention
from .text import QUOTE_MARKS as _QUOTE_CHARS
from .tokens import fold_words

__all__ = ["QUOTE_MARKS", "quotes", "unvoiced_source", "voiced_tokens"]

QUOTE_MARKS = frozenset(_QUOTE_CHARS)
"""The marks that open or close a quotation (a straight quote does both), as the classifier
reads them (:func:`stance.text.voices`)."""
_OPEN = frozenset({"«", "“"})
_CLOSE = frozenset({"»", "”"})
_MARKS = QUOTE_MARKS
_FIRST_PERSON = fold_words("je j' nous on moi i we us me")


def voiced_tokens(raws: Sequence[str]) -> list[bool]:
    """Whether each token (by its raw text) lies inside a quotation, counting the words before
    a closing mark that no mark opened (the end of a quotation begun in an earlier sentence)
    and after an opening mark that none closes; the marks themselves count as inside."""
    inside = _closes_first(raws)
    out: list[bool] = []
    append = out.append
    for r in raws:
        if r in _MARKS:  # a mark opens, or a straight quote toggles, or it closes
            inside = r in _OPEN or (r == '"' and not inside)
            append(True)
        else:
            append(inside)
    return out


def quotes(raws: Sequence[str]) -> bool:
    """Whether a sentence (the raw texts of its tokens) holds a quotation mark."""
    return not _MARKS.isdisjoint(raws)


def _closes_first(raws: Sequence[str]) -> bool:
    """Whether the first quotation mark of a sentence closes a quotation (» or ”)."""
    return next((r for r in raws if r in _MARKS), None) in _CLOSE


def unvoiced_source(keys: Sequence[str], raws: Sequence[str],
                    spans: Sequence[tuple[int, int, Mention]], source: int | None) -> int | None:
    """``source``, or None when every mention stands inside a quotation and the chosen one
    is not the speaker's first person: the performer is the unnamed voice. ``keys`` and
    ``raws``: the folded keys and raw texts of the sentence's tokens."""
    if source is None or not quotes(raws):
        return source  # no quotation (most sentences): nothing to read
    voiced = voiced_tokens(raws)
    if not all(voiced[lo] for lo, _, _ in spans):
        return source
    lo = spans[source][0]
    if spans[source][2].kind == "pronoun" and keys[lo] in _FIRST_PERSON:
        return source
    return None
