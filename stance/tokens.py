"""Tokens as the actor finder reads them: words, elided articles and punctuation marks, with
their offsets and their keys (folded: case, accents and apostrophe style set aside).

These are not the classifier's tokens (:mod:`stance.text`): the finder needs offsets, keeps
punctuation (clauses, quotations) and compares names, not n-grams.
"""
from __future__ import annotations

import re
import unicodedata
from itertools import compress, count, repeat
from operator import is_
from typing import NamedTuple, Sequence

_TOKEN = re.compile(r"[^\W\d_]{1,3}+['’](?=[^\W\d_])|[^\W_]+|[^\w\s\-‑–]")


class Token(NamedTuple):
    start: int
    end: int
    raw: str
    key: str


_FOLDED: dict[str, str] = {}
_KEYS: dict[str, str] = {}
_MAX_FOLDED = 200_000


def _fold(word: str) -> str:
    """Case- and accent-insensitive form of one token; curly apostrophes straightened.
    Cached: news copy repeats its words, and folding is the matcher's main cost."""
    key = _FOLDED.get(word)
    if key is None:
        key = unicodedata.normalize("NFKD", word.replace("’", "'"))
        key = "".join(c for c in key if not unicodedata.combining(c)).casefold()
        if len(_FOLDED) < _MAX_FOLDED:
            _FOLDED[word] = key
    return key


def fold_words(words: str) -> frozenset[str]:
    """The folded forms of the whitespace-separated ``words``: a word list of the rules."""
    return frozenset(_fold(w) for w in words.split())


Columns = tuple[Sequence[int], Sequence[int], Sequence[str], tuple[str, ...]]


def tokens(text: str) -> list[Token]:
    """Tokens with their offsets: words, elided articles ("l'", "d'") and single punctuation
    marks; hyphens are dropped so that "Corée-du-Nord" and "Corée du Nord" are the same."""
    return token_rows(token_columns(text))


def token_rows(cols: Columns) -> list[Token]:
    """The :class:`Token` of each row of :func:`token_columns`."""
    return list(map(tuple.__new__, repeat(Token), zip(*cols)))


def token_columns(text: str) -> Columns:
    """The tokens of ``text`` as four columns: starts, ends, raw texts and keys (a tuple).

    Read a word at a time (tokens never span a space): a word of letters and digits only, as
    most are, is one token; the others go through the token pattern. Keys come from a cache of
    folded tokens (news copy repeats its words)."""
    if not unicodedata.is_normalized("NFC", text):
        return columns_of(_tokens_one_by_one(text))
    starts: list[int] = []
    ends: list[int] = []
    raws: list[str] = []
    pos = 0
    for word in text.split(" "):
        if word.isalnum():
            starts.append(pos)
            pos += len(word)
            ends.append(pos)
            raws.append(word)
        elif word:
            for m in _TOKEN.finditer(word):
                a, b = m.span()
                starts.append(pos + a)
                ends.append(pos + b)
                raws.append(m.group())
            pos += len(word)
        pos += 1
    return starts, ends, raws, tuple(cached(_KEYS, raws, _key))


def cached(cache: dict, items: Sequence, compute) -> list:
    """``[compute(x) for x in items]``, read from ``cache`` (one C-level pass when every item
    is known, as most are: news copy repeats its words) and filled as new items are met, up
    to a bounded size."""
    out = list(map(cache.get, items))
    if None in out:
        for i in list(compress(count(), map(is_, out, repeat(None)))):
            out[i] = value = compute(items[i])
            if len(cache) < _MAX_FOLDED:
                cache[items[i]] = value
    return out


def _key(raw: str) -> str:
    """The key of a token: folded character by character, so that it keeps the token's
    length (as a slice of the folded text would)."""
    return raw.translate(_TABLE)


def _tokens_one_by_one(text: str) -> list[Token]:
    """:func:`tokens` for text that is not in NFC (decomposed accents): token by token."""
    return [Token(m.start(), m.end(), m.group(), _fold(m.group())) for m in _TOKEN.finditer(text)]


class _FoldTable(dict):
    """``str.translate`` table folding one character at a time (case, accents, apostrophes),
    filled as characters are met; a character whose folded form is not one character long
    stays as it is, so that the folded text keeps every offset."""

    def __missing__(self, code: int) -> str:
        folded = _fold(chr(code))
        value = folded if len(folded) == 1 else chr(code).lower() if len(chr(code).lower()) == 1 \
            else chr(code)
        self[code] = value
        return value


_TABLE = _FoldTable()


def columns_of(toks: list[Token]) -> Columns:
    """The columns of :func:`token_columns` from :class:`Token` rows."""
    return tuple(zip(*toks)) if toks else ((), (), (), ())  # type: ignore[return-value]
