"""Text as the model reads it: the check every entry point makes on its input, tokens, and
the analyzer that turns a sentence into the model's word n-grams.

The same analyzer feeds scikit-learn at training time and the numpy fast path at inference,
so the two see identical features. Tokens are runs of letters (digits and punctuation split
them), lower-cased after Unicode NFC normalisation: typographic and straight apostrophes and
quotes, non-breaking spaces and NFD accents therefore all give the same tokens
(``l’Otan`` and ``l'Otan`` are both ``l`` + ``otan``), and elisions keep their negation
signal (``n'a pas`` -> ``n a pas``).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable

TOKEN_RE = re.compile(r"[^\W\d_]+")
"""A token: a maximal run of letters (any script)."""


def check_texts(texts: Iterable[Any], where: str) -> list[str]:
    """Return ``texts`` as a list, or raise ``TypeError`` naming the first non-``str`` and its index."""
    if isinstance(texts, (str, bytes)):
        raise TypeError(f"{where}() expects an iterable of str, got a single {type(texts).__name__}")
    out = list(texts)
    for i, t in enumerate(out):
        if not isinstance(t, str):
            raise TypeError(f"{where}() expects str items, got {type(t).__name__} at position {i}")
    return out


def tokenize(text: str) -> list[str]:
    """Lower-cased letter tokens of ``text`` (NFC), the unit every word n-gram is built from."""
    return TOKEN_RE.findall(unicodedata.normalize("NFC", text).lower())


QUOTE_MARKS = '«»“”"'
QUOTE_RE = re.compile(f"[{QUOTE_MARKS}]")
"""A quotation mark: guillemets, curly or straight double quotes (a single quote is mostly an
apostrophe)."""


def voices(text: str) -> tuple[list[str], list[str]]:
    """The tokens a sentence quotes and the tokens of the frame around its quotations (who
    reports them and how: "a dénoncé", "said"); both empty when it quotes nothing. The text
    is cut at every quotation mark, the pieces alternating from outside."""
    pieces = QUOTE_RE.split(text)
    if len(pieces) == 1:
        return [], []
    return tokenize(" ".join(pieces[1::2])), tokenize(" ".join(pieces[0::2]))


def quoted_word(token: str) -> str:
    """The feature of a token inside a quotation: ``«token»``."""
    return f"«{token}»"


def framing_word(token: str) -> str:
    """The feature of a token outside the quotations of a sentence that quotes: ``token «»``."""
    return f"{token} «»"


VOICES = ("quoted", "framing")
"""The two kinds of word feature :class:`Analyzer` adds with ``quotes``."""


def voice_of(gram: str) -> tuple[str | None, str]:
    """The kind of a word-block feature (``"quoted"``, ``"framing"``, or None for a plain
    n-gram: its tokens are letters only) and its token (or the n-gram itself)."""
    if gram.startswith("«") and gram.endswith("»"):
        return "quoted", gram[1:-1]
    if gram.endswith(" «»"):
        return "framing", gram[:-3]
    return None, gram


@dataclass(frozen=True)
class Analyzer:
    """Callable turning a text into word n-grams (joined by a space), for scikit-learn's
    ``TfidfVectorizer``; with ``quotes``, also each word of a sentence that quotes marked
    as quoted or framing (:func:`voices`): what a speaker says and how the copy reports it
    weigh differently ("« mensonges »" is the speaker's word; "a dénoncé «»" frames it).
    A frozen dataclass, so that it is picklable, comparable and clonable with its estimator.
    Character n-grams are a block of their own: :mod:`stance.chars`."""

    ngram_range: tuple[int, int] = (1, 2)
    quotes: bool = False

    def __call__(self, text: str) -> list[str]:
        tokens = tokenize(text)
        lo, hi = self.ngram_range
        grams: list[str] = []
        for n in range(lo, hi + 1):
            if n == 1:
                grams.extend(tokens)
            else:
                grams.extend(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
        if self.quotes:
            inside, frame = voices(text)
            grams.extend(map(quoted_word, inside))
            grams.extend(map(framing_word, frame))
        return grams


def fold(text: str) -> str:
    """Case-, accent-, punctuation- and spacing-insensitive form of a text, to find duplicates."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return " ".join(re.findall(r"\w+", "".join(c for c in text if not unicodedata.combining(c))))


def shingles(text: str, n: int = 2) -> frozenset[str]:
    """The set of word n-grams of ``text`` with case, accents and punctuation folded away."""
    toks = fold(text).split()
    if len(toks) < n:
        return frozenset([" ".join(toks)]) if toks else frozenset()
    return frozenset(" ".join(toks[i:i + n]) for i in range(len(toks) - n + 1))


def similar_pairs(sets: list[frozenset[str]], threshold: float) -> list[tuple[int, int, float]]:
    """Index pairs (i < j) whose sets have a Jaccard similarity of at least ``threshold``,
    found through an inverted index (only pairs that share an element are compared)."""
    index: dict[str, list[int]] = {}
    for i, s in enumerate(sets):
        for g in s:
            index.setdefault(g, []).append(i)
    pairs = []
    for i, s in enumerate(sets):
        shared: dict[int, int] = {}
        for g in s:
            for j in index[g]:
                if j > i:
                    shared[j] = shared.get(j, 0) + 1
        for j, c in shared.items():
            sim = c / (len(s) + len(sets[j]) - c)
            if sim >= threshold:
                pairs.append((i, j, sim))
    return pairs
