"""Word n-grams: the model's first block of features, and its vectorised inference.

Texts are tokenised once (:func:`stance.text.tokenize`), tokens become integer ids, and an
n-gram becomes one integer key (its token ids packed base ``len(tokens)``) found in an
open-addressing hash table probed for a whole array at a time. Term counts, tf-idf and the l2
norm are then a handful of numpy calls whatever the batch size. One text can also take a
scalar path (dicts and lists, no numpy per call) that gives the same values.
"""
from __future__ import annotations

import math
import re
import unicodedata
from itertools import repeat
from typing import Any, Sequence

import numpy as np

from .text import TOKEN_RE, tokenize

MAX_ORDER = 3
"""Longest word n-gram the integer keys support (token ids are packed base ``len(tokens)``)."""

_TOKEN_OR_NUL = re.compile(TOKEN_RE.pattern + "|\x00")


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
    order (1, 2, ...), the ``idf`` of every column and whether term counts are sublinear."""

    def __init__(self, tokens: np.ndarray, keys: list[np.ndarray], feats: list[np.ndarray],
                 idf: np.ndarray, sublinear_tf: bool):
        self.tokens = tokens
        self.keys = keys
        self.feats = feats
        self.order = len(keys)
        self.idf = idf
        self.sublinear_tf = sublinear_tf
        self._token_id: dict[str, int] = {str(t): i for i, t in enumerate(tokens)}
        self._token_id_nul = dict(self._token_id)
        self._token_id_nul["\x00"] = -2  # the batch separator, see token_ids
        n_tok = len(tokens)
        # unigram feature of each token id, -1 when the token is only part of longer n-grams
        self._unigram = np.full(n_tok + 2, -1, dtype=np.int64)
        if self.order >= 1 and len(keys[0]):
            self._unigram[keys[0]] = feats[0]
        self._base = max(n_tok, 1)
        self._tables = [KeyTable(keys[n - 1], feats[n - 1]) for n in range(2, self.order + 1)]

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
        ids, doc = self.token_ids(texts)
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

    # ------------------------------------------------------------------ scalar path
    def terms_one(self, text: str) -> tuple[bool, list[int], list[float]]:
        """Whether ``text`` has any letter token, and its tf-idf row (feature columns and
        l2-normalised values) computed with dicts and lists: :meth:`transform` for one text."""
        words = tokenize(text)
        get = self._token_id.get
        ids = [get(w, -1) for w in words]
        counts: dict[int, int] = {}
        scalar = self._scalar()
        unigram = scalar["unigram"]
        for i in ids:
            if i >= 0 and unigram[i] >= 0:
                counts[unigram[i]] = counts.get(unigram[i], 0) + 1
        base = self._base
        for n in range(2, self.order + 1):
            table = scalar["ngrams"][n]
            for start in range(len(ids) - n + 1):
                key = 0
                for i in ids[start:start + n]:
                    if i < 0:
                        break
                    key = key * base + i
                else:
                    f = table.get(key)
                    if f is not None:
                        counts[f] = counts.get(f, 0) + 1
        if not counts:
            return bool(words), [], []
        idf = scalar["idf"]
        if self.sublinear_tf:
            vals = [(math.log(c) + 1.0) * idf[f] for f, c in counts.items()]
        else:
            vals = [c * idf[f] for f, c in counts.items()]
        norm = math.sqrt(sum(v * v for v in vals))
        return True, list(counts), [v / norm for v in vals]

    def _scalar(self) -> dict[str, Any]:
        """Python lists and dicts for the scalar path, built on its first use."""
        tables = self.__dict__.get("_scalar_tables")
        if tables is None:
            tables = {"unigram": self._unigram.tolist(), "idf": self.idf.tolist(),
                      "ngrams": {n: dict(zip(self.keys[n - 1].tolist(), self.feats[n - 1].tolist()))
                                 for n in range(2, self.order + 1)}}
            self._scalar_tables = tables
        return tables

    # ------------------------------------------------------------------ names
    def names(self) -> dict[int, str]:
        """Feature column -> its word n-gram (tokens joined by a space)."""
        toks = [str(t) for t in self.tokens]
        out: dict[int, str] = {}
        for n, (keys, feats) in enumerate(zip(self.keys, self.feats), start=1):
            for key, f in zip(keys.tolist(), feats.tolist()):
                parts = []
                for _ in range(n):
                    key, t = divmod(key, self._base)
                    parts.append(toks[t])
                out[f] = " ".join(reversed(parts))
        return out
