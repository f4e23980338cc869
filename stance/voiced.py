"""The quoted and framing words of the word block at inference (:func:`stance.text.voices`):
which tokens of a text lie inside a quotation, found in the very pass that tokenises it, and
the feature columns of those the model knows.

A batch is joined with NUL and tokenised once with the quotation marks kept as tokens, as
:meth:`stance.features.WordBlock.token_ids` does without them: a token lies inside a
quotation when an odd number of marks precede it in its text (numpy cumulative sums), and the
marks are then dropped, so that the word n-grams are those of the text without them. One text
is tokenised the same way, then split at its marks.
"""
from __future__ import annotations

import re
import unicodedata
from itertools import repeat
from typing import Sequence

import numpy as np

from .text import QUOTE_MARKS, QUOTE_RE, TOKEN_RE, VOICES

_TOKEN_OR_MARK = re.compile(f"{TOKEN_RE.pattern}|{QUOTE_RE.pattern}")
_TOKEN_NUL_OR_MARK = re.compile(f"{TOKEN_RE.pattern}|\x00|{QUOTE_RE.pattern}")
_MARKS = frozenset(QUOTE_MARKS)
_NUL, _MARK = -2, -3


def quotes(text: str) -> bool:
    """Whether ``text`` holds a quotation mark (and so may have voiced words)."""
    return not _MARKS.isdisjoint(text)


class VoicedWords:
    """The columns of a model's quoted and framing words (``voiced``: kind -> token ->
    column) beside its token dictionary (``token_id``). A voiced token the dictionary lacks
    gets an id past it, which the word n-grams read as unknown."""

    def __init__(self, token_id: dict[str, int], voiced: dict[str, dict[str, int]]):
        self.tables = [voiced.get(kind, {}) for kind in VOICES]
        self.n_tokens = len(token_id)
        extra = sorted({t for table in self.tables for t in table} - token_id.keys())
        ids = {**token_id, **{t: self.n_tokens + k for k, t in enumerate(extra)}}
        self._ids = {**ids, "\x00": _NUL, **dict.fromkeys(QUOTE_MARKS, _MARK)}
        self._by_id = []  # per kind: the column of every id, -1 where the kind lacks it
        for table in self.tables:
            by_id = np.full(len(ids), -1, dtype=np.int64)
            for t, f in table.items():
                by_id[ids[t]] = f
            self._by_id.append(by_id)

    def token_ids(self, texts: Sequence[str]
                  ) -> tuple[np.ndarray, np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
        """What :meth:`stance.features.WordBlock.token_ids` gives (the batch's token ids,
        texts separated by -2, and the text of every position), plus the (text, column)
        arrays of the quoted and of the framing words."""
        n = len(texts)
        joined = "\x00".join(texts)
        if joined.count("\x00") == n - 1:
            toks = _TOKEN_NUL_OR_MARK.findall(unicodedata.normalize("NFC", joined).lower())
        else:  # a text holds NUL: text by text
            toks = []
            for i, t in enumerate(texts):
                if i:
                    toks.append("\x00")
                toks.extend(_TOKEN_OR_MARK.findall(unicodedata.normalize("NFC", t).lower()))
        ids = np.fromiter(map(self._ids.get, toks, repeat(-1, len(toks))), dtype=np.int64,
                          count=len(toks))
        sep, mark = ids == _NUL, ids == _MARK
        doc = np.cumsum(sep)
        seen = np.cumsum(mark)  # marks up to each position, across texts
        before = seen - np.concatenate(([0], seen[sep]))[doc]  # ... within its text
        quoting = np.zeros(n, dtype=bool)
        quoting[doc[mark]] = True
        word = ~mark
        ids, doc, before = ids[word], doc[word], before[word]
        voiced = []
        found = quoting[doc] & (ids >= 0)
        for by_id, inside in zip(self._by_id, (True, False)):
            at = np.flatnonzero(found & ((before % 2 == 1) == inside))
            f = by_id[ids[at]]
            hit = f >= 0
            voiced.append((doc[at[hit]], f[hit]))
        ids[ids >= self.n_tokens] = -1  # voiced-only tokens are unknown to the n-grams
        return ids, doc, voiced

    def read_one(self, text: str) -> tuple[list[str], list[int]]:
        """The tokens of one text (:func:`stance.text.tokenize`) and the columns of its quoted
        words, then of its framing words, -1 for a word the model does not know as such: one
        tokenisation with the marks kept, then C-level splits and joins."""
        toks = _TOKEN_OR_MARK.findall(unicodedata.normalize("NFC", text).lower())
        pieces = QUOTE_RE.split(" ".join(toks))
        out: list[int] = []
        for table, first in zip(self.tables, (1, 0)):
            words = " ".join(pieces[first::2]).split()
            out.extend(map(table.get, words, repeat(-1, len(words))))
        return list(filter(_MARKS.isdisjoint, toks)), out
