"""Word n-grams: the model's first block of features, and its vectorised inference.

Texts are tokenised once (:func:`stance.text.tokenize`), tokens become integer ids, and an
n-gram becomes one integer key (its token ids packed base ``len(tokens)``) found in an
open-addressing hash table probed for a whole array at a time. Term counts, tf-idf and the l2
norm are then a handful of numpy calls whatever the batch size. One text takes a path of its
own that builds none of the batch's tables: dict and list look-ups (n-grams by binary search
until a dict pays, see :class:`SortedLookup`) and a gather of :func:`weighted_coefficients`
rows; it gives the same scores.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from functools import cached_property
from itertools import repeat
from typing import Sequence

import numpy as np

from .text import TOKEN_RE, framing_word, quoted_word, tokenize
from .voiced import VoicedWords, quotes

MAX_ORDER = 3
"""Longest word n-gram the integer keys support (token ids are packed base ``len(tokens)``)."""

_TOKEN_OR_NUL = re.compile(TOKEN_RE.pattern + "|\x00")


def weighted_coefficients(coef: np.ndarray, idf: np.ndarray) -> np.ndarray:
    """Each feature's coefficients times its idf, and its idf squared, side by side, plus a
    last row of zeros: shape (features + 1, classes + 1). With term weights ``w`` of distinct
    features ``f``, ``w @ out[f, :-1]`` is a text's unnormalised class scores and
    ``w ** 2 @ out[f, -1]`` its squared norm: when every ``w`` is 1, as for most words'
    character n-grams, one gather and one sum give both."""
    out = np.zeros((coef.shape[0] + 1, coef.shape[1] + 1))
    np.multiply(coef, idf[:, None], out=out[:-1, :-1])
    np.multiply(idf, idf, out=out[:-1, -1])
    return out


class SortedLookup:
    """The value of keys held in a strictly increasing array, -1 for absent ones: by binary
    search (a few numpy calls, no table to build) until the keys searched add up to as many
    as the array holds, then by a dict built from it. A process that looks up little never
    pays for the dict; one that looks up much pays at most about twice the cheaper way.

    String keys are looked up as numpy compares them, without trailing NULs; a query ending
    in NUL is absent (a numpy string array cannot hold one), as it is from the dict.
    """

    def __init__(self, keys: np.ndarray, values: np.ndarray):
        self.keys = keys
        self.values = np.asarray(values, dtype=np.int64)
        self._budget = len(keys)

    @cached_property
    def table(self) -> dict:
        """Key -> value for every key, built on first use."""
        return dict(zip(self.keys.tolist(), self.values.tolist()))

    @property
    def built(self) -> bool:
        """Whether :attr:`table` is built (and look-ups go through it)."""
        return "table" in self.__dict__

    def __call__(self, query: Sequence, absent: int = -1) -> list[int]:
        """The value of each key of ``query``, ``absent`` for keys not held."""
        if not self.built and len(query) <= self._budget:
            self._budget -= len(query)
            return self._search(query, absent)
        return list(map(self.table.get, query, repeat(absent, len(query))))

    def _search(self, query: Sequence, absent: int = -1) -> list[int]:
        if not len(query) or not len(self.keys):
            return [absent] * len(query)
        q = np.asarray(query)
        at = np.searchsorted(self.keys, q)
        np.minimum(at, len(self.keys) - 1, out=at)
        found = np.where(self.keys[at] == q, self.values[at], absent).tolist()
        if q.dtype.kind == "U" and "\x00" in "".join(query):
            found = [absent if k.endswith("\x00") else f for k, f in zip(query, found)]
        return found


class KeyTable:
    """An open-addressing hash table from int64 n-gram keys to feature columns, looked up a
    whole array at a time: a few vectorised probes instead of a binary search per key."""

    _MULT = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing

    def __init__(self, keys: np.ndarray, values: np.ndarray):
        self.bits = max(4, int(np.ceil(np.log2(max(len(keys), 1) * 4))))  # load factor <= 1/4
        size = 1 << self.bits
        self.keys = np.full(size, -1, dtype=np.int64)
        self.values = np.full(size, -1, dtype=np.int64)
        home = self._home(keys)
        pending = np.arange(len(keys))
        probe = 0
        while pending.size:  # round r places keys at home + r; each slot has one winner
            slots = (home[pending] + probe) & (size - 1)
            free = self.keys[slots] == -1
            slot, first = np.unique(slots[free], return_index=True)
            winners = pending[free][first]
            self.keys[slot] = keys[winners]
            self.values[slot] = values[winners]
            pending = np.setdiff1d(pending, winners, assume_unique=True)
            probe += 1
        self.max_probe = probe

    def _home(self, keys: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            return ((keys.astype(np.uint64) * self._MULT) >> np.uint64(64 - self.bits)).astype(np.int64)

    def lookup(self, query: np.ndarray) -> np.ndarray:
        """The value of every key of ``query``, -1 where absent."""
        out = np.full(len(query), -1, dtype=np.int64)
        home = self._home(query)
        todo = np.arange(len(query))
        mask = len(self.keys) - 1
        for probe in range(self.max_probe):
            slots = (home[todo] + probe) & mask
            found = self.keys[slots]
            hit = found == query[todo]
            out[todo[hit]] = self.values[slots[hit]]
            todo = todo[~hit & (found != -1)]
            if not todo.size:
                break
        return out


class WordBlock:
    """Tf-idf rows of word n-grams (l2-normalised per text) from a fitted model's arrays:
    the ``tokens`` dictionary, the n-gram ``keys`` and their feature columns ``feats`` per
    order (1, 2, ...), the ``idf`` of every column, whether term counts are sublinear, the
    :func:`weighted_coefficients` that one text's scores need, and the feature column of each
    quoted and framing word (``voiced``: kind -> token -> column; see
    :class:`stance.text.Analyzer`), counted in the same rows."""

    def __init__(self, tokens: np.ndarray, keys: list[np.ndarray], feats: list[np.ndarray],
                 idf: np.ndarray, sublinear_tf: bool, weighted: np.ndarray,
                 voiced: dict[str, dict[str, int]] | None = None):
        self.tokens = tokens
        self.voiced = {kind: table for kind, table in (voiced or {}).items() if table}
        self.keys = keys
        self.feats = feats
        self.order = len(keys)
        self.idf = idf
        self.sublinear_tf = sublinear_tf
        self.weighted = weighted
        self._token_id: dict[str, int] = dict(zip(tokens.tolist(), range(len(tokens))))
        self.voiced_words = VoicedWords(self._token_id, self.voiced) if self.voiced else None
        n_tok = len(tokens)
        # unigram feature of each token id, -1 when the token is only part of longer n-grams
        self._unigram = np.full(n_tok + 2, -1, dtype=np.int64)
        if self.order >= 1 and len(keys[0]):
            self._unigram[keys[0]] = feats[0]
        self._base = max(n_tok, 1)
        self._lookups = [SortedLookup(keys[n - 1], feats[n - 1]) for n in range(2, self.order + 1)]

    @cached_property
    def _token_id_nul(self) -> dict[str, int]:
        """The token ids with the batch separator NUL as -2 (see :meth:`token_ids`); built on
        the first batch, like the hash tables: one sentence needs neither."""
        return {**self._token_id, "\x00": -2}

    @cached_property
    def _tables(self) -> list[KeyTable]:
        """The hash table of each n-gram order from 2, built on first use (a batch)."""
        return [KeyTable(self.keys[n - 1], self.feats[n - 1]) for n in range(2, self.order + 1)]

    @cached_property
    def _unigram_list(self) -> list[int]:
        """The unigram feature of every token id (and -1 at the two sentinel ids) as a list."""
        return self._unigram.tolist()

    # ------------------------------------------------------------------ batch path
    def token_ids(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Token ids of the whole batch in one array, texts separated by -2 (unknown tokens are
        -1, so no n-gram spans a separator or an unknown word), and the text index of every
        position.

        The fast way joins the batch with NUL, normalises, lower-cases and tokenises it in one
        pass each; NFC and lower-casing cannot cross a NUL, so the tokens are exactly those of
        :func:`stance.text.tokenize` per text. A batch whose texts hold NUL goes text by text.
        """
        n = len(texts)
        joined = "\x00".join(texts)
        if joined.count("\x00") == n - 1:
            toks = _TOKEN_OR_NUL.findall(unicodedata.normalize("NFC", joined).lower())
        else:
            toks = []
            for i, t in enumerate(texts):
                if i:
                    toks.append("\x00")
                toks.extend(tokenize(t))
        ids = np.fromiter(map(self._token_id_nul.get, toks, repeat(-1, len(toks))),
                          dtype=np.int64, count=len(toks))
        return ids, np.cumsum(ids == -2)

    def occurrences(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every (document, feature) occurrence in ``texts``, and which texts have any token."""
        n_texts = len(texts)
        if self.voiced_words is None:
            (ids, doc), voiced = self.token_ids(texts), []
        else:  # the same tokens, and which of them a text quotes or frames its quotation with
            ids, doc, voiced = self.voiced_words.token_ids(texts)
        has_tokens = np.bincount(doc[ids != -2], minlength=n_texts) > 0
        docs, feats = [], []
        f1 = self._unigram[ids]  # -1 and -2 index the two sentinel slots, both -1
        keep = f1 >= 0
        docs.append(doc[keep])
        feats.append(f1[keep])
        known = ids >= 0
        for n in range(2, self.order + 1):
            m = len(ids) - n + 1
            if m <= 0 or not len(self.keys[n - 1]):
                continue
            valid = known[:m].copy()
            key = ids[:m].copy()
            for j in range(1, n):
                valid &= known[j:j + m]
                key *= self._base
                key += ids[j:j + m]
            where = np.flatnonzero(valid)
            key = key[where]
            f = self._tables[n - 2].lookup(key)
            hit = f >= 0
            docs.append(doc[where[hit]])
            feats.append(f[hit])
        docs.extend(d for d, _ in voiced)
        feats.extend(f for _, f in voiced)
        return np.concatenate(docs), np.concatenate(feats), has_tokens

    def transform(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Sparse tf-idf rows as (document, feature, value) triples sorted by document,
        l2-normalised per document, plus which texts have any letter token."""
        doc, feat, has_tokens = self.occurrences(texts)
        n_features = len(self.idf)
        keys = np.sort(doc * n_features + feat, kind="stable")  # nearly sorted: runs per block
        first = np.empty(len(keys), dtype=bool)
        first[:1] = True
        np.not_equal(keys[1:], keys[:-1], out=first[1:])
        starts = np.flatnonzero(first)
        uniq = keys[starts]
        doc = uniq // n_features
        feat = uniq - doc * n_features
        tf = np.diff(np.append(starts, len(keys))).astype(np.float64)  # term counts
        if self.sublinear_tf:
            tf = np.log(tf) + 1.0
        val = tf * self.idf[feat]
        norm = np.sqrt(np.bincount(doc, weights=val * val, minlength=len(texts)))
        norm[norm == 0.0] = 1.0
        val /= norm[doc]
        return doc, feat, val, has_tokens

    # ------------------------------------------------------------------ one-text path
    def counts_one(self, text: str) -> tuple[bool, Counter]:
        """Whether ``text`` has any letter token, and its term counts (feature column -> count)
        from list and dict look-ups (see :class:`SortedLookup`): the path of
        :meth:`occurrences` for one text, without the batch's hash tables."""
        if self.voiced_words is not None and quotes(text):  # one pass gives both
            words, voiced = self.voiced_words.read_one(text)
        else:
            words, voiced = tokenize(text), []
        if not words:
            return False, Counter()
        ids = list(map(self._token_id.get, words, repeat(-1, len(words))))
        grams = list(map(self._unigram_list.__getitem__, ids))  # index -1: a sentinel, -1
        keys = ids
        for n in range(2, self.order + 1):  # keys of the n-grams from those of the (n-1)-grams
            keys = [k * self._base + i if k >= 0 <= i else -1 for k, i in zip(keys, ids[n - 1:])]
            grams.extend(self._lookups[n - 2](keys))
        grams.extend(voiced)
        counts = Counter(grams)
        counts.pop(-1, None)
        return True, counts

    def score_one(self, text: str) -> tuple[bool, list[float] | None]:
        """Whether ``text`` has any letter token, and the block's class scores for it (its
        l2-normalised tf-idf row times the coefficients), None when it has no known n-gram:
        what :meth:`transform` and the model's product give for one text, in four numpy
        calls when no n-gram repeats."""
        has_tokens, counts = self.counts_one(text)
        if not counts:
            return has_tokens, None
        rows = self.weighted.take(np.fromiter(counts, dtype=np.intp, count=len(counts)), axis=0)
        *scores, norm2 = np.add.reduce(rows).tolist()  # every term weighted 1 (tf 1: log 1 + 1)
        repeated = [i for i, c in enumerate(counts.values()) if c > 1]
        if repeated:  # the few terms seen more than once weigh tf, not 1: add the difference
            tfs = [c for c in counts.values() if c > 1]
            for tf, (*row, idf2) in zip(tfs, rows[repeated].tolist()):
                w = math.log(tf) + 1.0 if self.sublinear_tf else float(tf)
                scores = [s + (w - 1.0) * r for s, r in zip(scores, row)]
                norm2 += (w * w - 1.0) * idf2
        norm = math.sqrt(norm2)
        return True, [s / norm for s in scores]

    # ------------------------------------------------------------------ names
    def names(self) -> dict[int, str]:
        """Feature column -> its word n-gram (tokens joined by a space), or its quoted
        (``«w»``) or framing (``w «»``) word."""
        toks = [str(t) for t in self.tokens]
        out: dict[int, str] = {}
        for n, (keys, feats) in enumerate(zip(self.keys, self.feats), start=1):
            for key, f in zip(keys.tolist(), feats.tolist()):
                parts = []
                for _ in range(n):
                    key, t = divmod(key, self._base)
                    parts.append(toks[t])
                out[f] = " ".join(reversed(parts))
        for kind, table in self.voiced.items():
            name = quoted_word if kind == "quoted" else framing_word
            out.update((f, name(t)) for t, f in table.items())
        return out
