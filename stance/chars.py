"""Character n-grams of words: the model's second block of features, and its fast inference.

Each whitespace-separated word (lower-cased, NFC, apostrophes made straight, quotation marks
removed) is padded with spaces and cut into character n-grams, as scikit-learn's ``char_wb``
does. They see what word n-grams miss: inflections ("accus" in accuse, accusé, accusations),
elisions and punctuation ("n'a", "»,"), unseen words made of known pieces.

The block is linear in the words, which is what makes it fast: a sentence's vector is the sum
of its words' vectors (raw counts times idf), divided by ``sqrt(sum of the words' squared
norms)``. So every word's contribution to the five scores and to the norm is computed once,
cached, and a batch costs one dictionary look-up and one row gather per word, not a
re-analysis of the text. Training builds exactly the same vectors (see
:class:`stance.estimator.CharBlockVectorizer`).
"""
from __future__ import annotations

import math
import threading
import unicodedata
from collections import Counter
from itertools import repeat
from typing import Iterable, Sequence

import numpy as np

from .features import SortedLookup

_QUOTES = (("\u2019", "'"), ("\u2018", "'"), ("\u02bc", "'"), ("\u201c", " "), ("\u201d", " "),
           ("\u201e", " "), ('"', " "), ("\u00ab", " "), ("\u00bb", " "), ("\u2039", " "),
           ("\u203a", " "))
"""Apostrophes become straight; quotation marks, whatever their style, become spaces, so that
« ligne rouge », "ligne rouge" and “ligne rouge” give the same n-grams."""
SEPARATOR = "\x00"
"""Joins the texts of a batch; texts that hold it are handled one by one."""

MAX_CACHED_WORDS = 1 << 20
"""Words whose rows are kept; the cache starts afresh beyond this, bounding memory."""


def normalize(text: str) -> str:
    """The form character n-grams are read from: NFC, lower case, straight apostrophes, no
    quotation marks."""
    text = unicodedata.normalize("NFC", text).lower()
    for curly, straight in _QUOTES:  # str.replace is many times faster than str.translate
        text = text.replace(curly, straight)
    return text


def char_words(text: str) -> list[str]:
    """The words of ``text`` (whitespace-separated, normalised) that character n-grams come from."""
    return normalize(text).split()


def word_ngrams(word: str, ngram_range: tuple[int, int]) -> list[str]:
    """Character n-grams of one word padded with spaces; a word shorter than ``n`` gives itself
    once (scikit-learn's ``char_wb`` rule)."""
    w = f" {word} "
    size = len(w)
    lo, hi = ngram_range
    if hi < size:  # every n fits: one comprehension (the common case, and the fast one)
        return [w[i:i + n] for n in range(lo, hi + 1) for i in range(size - n + 1)]
    out: list[str] = []
    for n in range(lo, hi + 1):
        if n >= size:
            out.append(w)
            break
        out += [w[i:i + n] for i in range(size - n + 1)]
    return out


def text_ngrams(text: str, ngram_range: tuple[int, int]) -> list[str]:
    """Every character n-gram of ``text``, word by word (the training analyzer)."""
    return [g for w in char_words(text) for g in word_ngrams(w, ngram_range)]


class CharBlock:
    """Scores of the character block for a batch, from per-word rows cached on first sight.

    A word's row holds its contribution to each class score (``sum_f count * idf * coef``)
    and to the squared norm (``sum_f (count * idf) ** 2``). The vocabulary is the sorted
    array ``chars`` (feature columns ``char_feats``), searched as a :class:`SortedLookup`:
    a process that classifies a few sentences never builds its dictionary.
    """

    def __init__(self, chars: np.ndarray, char_feats: np.ndarray, idf: np.ndarray,
                 weighted: np.ndarray, ngram_range: tuple[int, int]):
        self.columns = SortedLookup(chars, char_feats)
        """The feature column of each of a list of n-grams, -1 for those the model lacks."""
        self.idf = idf
        self.weighted = weighted  # see stance.features.weighted_coefficients
        self.ngram_range = ngram_range
        self._lock = threading.Lock()
        self._reset()

    @property
    def vocab(self) -> dict[str, int]:
        """Character n-gram -> feature column, built on first use."""
        return self.columns.table

    def _reset(self) -> None:
        self._row: dict[str, int] = {SEPARATOR: -2}
        self._rows = np.zeros((1024, self.weighted.shape[1]))
        self._n = 0

    def features(self, word: str) -> Counter:
        """Feature column -> count of the known character n-grams of ``word``."""
        counts = Counter(self.columns(word_ngrams(word, self.ngram_range)))
        counts.pop(-1, None)
        return counts

    def _add(self, words: list[str]) -> None:
        """Compute and cache the rows of ``words`` (not yet cached)."""
        if not words:
            return
        need = self._n + len(words)
        if need > len(self._rows):
            grown = np.zeros((max(need, 2 * len(self._rows)), self._rows.shape[1]))
            grown[:self._n] = self._rows[:self._n]
            self._rows = grown
        grams: list[str] = []
        starts = []  # where each word's n-grams begin (a word has at least one)
        for w in words:
            starts.append(len(grams))
            grams += word_ngrams(w, self.ngram_range)
        zero = len(self.weighted) - 1  # the row of zeros, for n-grams the model lacks
        cols = self.columns(grams, zero)  # one look-up for all the words
        # a word's scores are linear in its n-grams' counts: one row per occurrence, summed
        block = self._rows[self._n:need]
        block[:] = np.add.reduceat(
            self.weighted.take(np.fromiter(cols, dtype=np.intp, count=len(cols)), axis=0), starts)
        # its squared norm is not: an n-gram found c times adds (c * idf) ** 2, not c * idf ** 2
        for j, (a, b) in enumerate(zip(starts, starts[1:] + [len(cols)])):
            own = cols[a:b]
            distinct = set(own)
            if len(distinct) - (zero in distinct) < len(own) - own.count(zero):  # rare
                block[j, -1] += sum((c * c - c) * self.weighted[f, -1]
                                    for f, c in Counter(own).items() if c > 1 and f != zero)
        self._row.update(zip(words, range(self._n, need)))
        self._n = need

    def _add_missing(self, words: list[str], missing: Iterable[str]) -> bool:
        """Cache the rows of the ``missing`` words of ``words`` (under the lock); beyond
        :data:`MAX_CACHED_WORDS` the cache starts afresh with ``words``, and the answer is
        True: the row ids looked up before are no longer valid."""
        new = list(dict.fromkeys(missing))
        afresh = self._n + len(new) > MAX_CACHED_WORDS
        if afresh:
            self._reset()
            new = [w for w in dict.fromkeys(words) if w != SEPARATOR]
        self._add(new)
        return afresh

    def _lookup(self, words: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Row ids of ``words`` (-2 for the separator) and a snapshot of the row table."""
        get = self._row.get
        with self._lock:
            ids = np.fromiter(map(get, words, repeat(-1, len(words))), dtype=np.int64, count=len(words))
            if (ids == -1).any():
                self._add_missing(words, (w for w, i in zip(words, ids.tolist()) if i == -1))
                ids = np.fromiter(map(self._row.__getitem__, words), dtype=np.int64, count=len(words))
            return ids, self._rows

    def _lookup_one(self, words: list[str]) -> tuple[list[int], np.ndarray]:
        """:meth:`_lookup` for the words of one text, in a list: no numpy call."""
        get = self._row.get
        with self._lock:
            ids = list(map(get, words, repeat(-1, len(words))))
            if -1 in ids:
                if self._add_missing(words, (w for w, i in zip(words, ids) if i == -1)):
                    ids = list(map(self._row.__getitem__, words))
                else:  # only the new words need their (just made) row ids
                    ids = [i if i >= 0 else get(w) for w, i in zip(words, ids)]
            return ids, self._rows

    def scores(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Class scores of the block per text (shape (n, n_classes)) and whether the text had
        any known character n-gram."""
        n = len(texts)
        joined = f" {SEPARATOR} ".join(texts)
        if joined.count(SEPARATOR) == n - 1:
            words = normalize(joined).split()
        else:
            # a NUL standing alone in a text is no separator here, and has no known n-gram
            words = [w for i, t in enumerate(texts)
                     for w in ([SEPARATOR] if i else []) + [x for x in char_words(t) if x != SEPARATOR]]
        ids, rows = self._lookup(words)
        sep = ids == -2
        picked = rows[ids[~sep]]  # words in text order: each text's rows are contiguous
        sizes = np.diff(np.flatnonzero(np.concatenate(([True], sep, [True])))) - 1
        sums = np.zeros((n, rows.shape[1]))
        some = sizes > 0
        if some.any():  # one reduceat sums every text's rows
            starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
            sums[some] = np.add.reduceat(picked, starts[some], axis=0)
        norm2 = sums[:, -1]
        has = norm2 > 0.0
        out = np.zeros((n, rows.shape[1] - 1))
        out[has] = sums[has, :-1] / np.sqrt(norm2[has])[:, None]
        return out, has

    def score_one(self, text: str) -> list[float] | None:
        """Class scores of the block for one text, or None when it has no known n-gram."""
        words = char_words(text)
        if SEPARATOR in words:  # a lone NUL is no word here
            words = [w for w in words if w != SEPARATOR]
        if not words:
            return None
        ids, rows = self._lookup_one(words)
        *total, norm2 = np.add.reduce(rows.take(ids, axis=0)).tolist()
        if norm2 <= 0.0:
            return None
        norm = math.sqrt(norm2)
        return [s / norm for s in total]

    def contributions(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Feature columns of ``text``'s block and their values (count * idf / norm), for
        explanations."""
        total: Counter = Counter()
        norm2 = 0.0
        for w in char_words(text):
            counts = self.features(w)
            total.update(counts)
            norm2 += sum((c * self.idf[f]) ** 2 for f, c in counts.items())
        if not total:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        cols = np.fromiter(total.keys(), dtype=np.int64, count=len(total))
        vals = np.fromiter(total.values(), dtype=np.float64, count=len(total)) * self.idf[cols]
        return cols, vals / np.sqrt(norm2)
