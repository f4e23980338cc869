"""Tokens as the actor finder reads them: words, elided articles and punctuation marks, with
their offsets and their keys (folded: case, accents and apostrophe style set aside).

These are not the classifier's tokens (:mod:`stance.text`): the finder needs offsets, keeps
punctuation (clauses, quotations) and compares names, not n-grams.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from itertools import accumulate, chain, compress, count, repeat
from operator import is_, itemgetter
from typing import NamedTuple, Sequence

_TOKEN = re.compile(r"[^\W\d_]{1,3}+['’](?=[^\W\d_])|[^\W_]+|[^\w\s\-‑–]")


class Token(NamedTuple):
    start: int
    end: int
    raw: str
    key: str


_FOLDED: dict[str, str] = {}
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
    """The tokens of ``text`` as four columns: starts, ends, raw texts (a list) and keys (a
    tuple).

    Read a word at a time (tokens never span a space), each word's tokens and keys from a cache
    (news copy repeats its words): raw texts and keys are a C-level pass each, and offsets are
    found when asked (:class:`Offsets`; a sentence needs those of its few mentions)."""
    if not unicodedata.is_normalized("NFC", text):
        return columns_of(_tokens_one_by_one(text))
    words = text.split(" ")
    parts = cached(_WORDS, words, _word_tokens, _MAX_WORDS)
    upto = list(accumulate(map(_COUNT, parts)))
    return (Offsets(words, parts, upto, 2), Offsets(words, parts, upto, 3),
            list(_flat(map(_RAWS, parts))), tuple(_flat(map(_KEYS_OF, parts))))


_WORDS: dict[str, tuple] = {}
_MAX_WORDS = 100_000  # a word costs about 470 bytes here: under 50 MB
_RAWS, _KEYS_OF, _COUNT = itemgetter(0), itemgetter(1), itemgetter(4)
_flat = chain.from_iterable


def _word_tokens(word: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[int, ...],
                                     tuple[int, ...], int]:
    """The tokens of one space-free word: raw texts, keys, starts and ends in the word, and
    their number. A word of letters and digits only, as most are, is one token; the others
    are split by the token pattern (the tokens at odd places, their offsets the running sum
    of the pieces' lengths)."""
    if word.isalnum():
        n = len(word)
        return (word,), (_key(word),), _AT_ZERO, _ENDS[n] if n < len(_ENDS) else (n,), 1
    head, last = word[:-1], word[-1:]
    if last in _CLOSERS and head.isalnum():  # "Moscou," "offensive." "Kremlin»"
        n = len(head)
        return (head, last), (_key(head), last), (0, n), (n, n + 1), 2
    pieces = _PIECES.split(word)
    bounds = tuple(accumulate(map(len, pieces)))
    raws = tuple(pieces[1::2])
    return raws, tuple(map(_key, raws)), bounds[0:-1:2], bounds[1::2], len(raws)


_PIECES = re.compile(f"({_TOKEN.pattern})")
_AT_ZERO = (0,)
_CLOSERS = frozenset(',.;:!?)»"”')  # punctuation marks: each its own token, its own key
_ENDS = tuple((n,) for n in range(64))  # shared: fewer objects for the cache to hold


class Offsets(Sequence[int]):
    """The start (``side`` 2) or end (``side`` 3) offsets of a sentence's tokens, computed when
    asked from its words' cached tokens: token ``i``'s word by bisection on the running count of
    tokens (``upto``), the word's place from the lengths of the words before it."""

    __slots__ = ("words", "parts", "upto", "side")

    def __init__(self, words: list[str], parts: list[tuple], upto: list[int], side: int):
        self.words, self.parts, self.upto, self.side = words, parts, upto, side

    def __len__(self) -> int:
        return self.upto[-1] if self.upto else 0

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return list(self)[i]
        upto = self.upto
        if i < 0:
            i += len(self)
        w = bisect_right(upto, i)
        if i < 0 or w == len(upto):
            raise IndexError("token index out of range")
        return sum(map(len, self.words[:w])) + w + self.parts[w][self.side][i - upto[w - 1] if w
                                                                          else i]

    def span(self, lo: int, hi: int) -> tuple[int, int]:
        """The start of token ``lo`` and the end of token ``hi - 1`` (``lo < hi``), at once."""
        upto, words, parts = self.upto, self.words, self.parts
        w = bisect_right(upto, lo)
        v = bisect_right(upto, hi - 1, w)
        at_w = sum(map(len, words[:w])) + w
        at_v = at_w + sum(map(len, words[w:v])) + v - w
        return (at_w + parts[w][2][lo - upto[w - 1] if w else lo],
                at_v + parts[v][3][hi - 1 - upto[v - 1] if v else hi - 1])

    def __iter__(self):
        pos = 0
        for word, part in zip(self.words, self.parts):
            for x in part[self.side]:
                yield pos + x
            pos += len(word) + 1

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(list(self))


def token_span(cols: Columns, lo: int, hi: int) -> tuple[int, int]:
    """Where tokens ``lo`` to ``hi - 1`` of :func:`token_columns` lie: (start, end)."""
    starts = cols[0]
    if type(starts) is Offsets:
        return starts.span(lo, hi)
    return starts[lo], cols[1][hi - 1]


def cached(cache: dict, items: Sequence, compute, bound: int | None = None) -> list:
    """``[compute(x) for x in items]``, read from ``cache`` (one C-level pass when every item
    is known, as most are: news copy repeats its words) and filled as new items are met, up
    to ``bound`` entries (by default :data:`_MAX_FOLDED`)."""
    out = list(map(cache.get, items))
    if None in out:
        limit = _MAX_FOLDED if bound is None else bound
        for i in list(compress(count(), map(is_, out, repeat(None)))):
            out[i] = value = compute(items[i])
            if len(cache) < limit:
                cache[items[i]] = value
    return out


def _key(raw: str) -> str:
    """The key of a token: folded character by character, so that it keeps the token's
    length (as a slice of the folded text would); an ASCII token's is its lower case."""
    return raw.lower() if raw.isascii() else raw.translate(_TABLE)


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
