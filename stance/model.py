"""The fitted model as plain arrays, and the numpy-only inference that runs on them.

A :class:`Model` holds what a fitted :class:`stance.StanceClassifier` computes with — token
dictionary, n-gram keys, idf, coefficients, intercept, temperature — as numpy arrays saved in
an ``.npz`` file loaded with ``allow_pickle=False``: loading runs no code from the file and
gives the same answers whatever scikit-learn release is installed (none is needed). The
model card travels inside the file, with a SHA-256 of the arrays that loading verifies.

Inference is vectorised over a batch: texts are tokenised once, tokens become integer ids,
n-grams become integer keys found by binary search, and tf-idf, l2 norm, the linear scores and
the softmax are a handful of numpy calls whatever the batch size.
"""
from __future__ import annotations

import hashlib
from collections import abc
import io
import json
import math
import os
import re
import tempfile
import unicodedata
from itertools import repeat
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, NamedTuple, Sequence

import numpy as np

from .errors import ModelError
from .labels import LABELS
from .chars import CharBlock
from .text import TOKEN_RE, tokenize

FORMAT_VERSION = 2
"""Version of the ``.npz`` layout; a file of another version is refused with the reason.
Version 1 files without character n-grams read as version 2 (their layout is the same)."""

_TOKEN_OR_NUL = re.compile(TOKEN_RE.pattern + "|\x00")

BLOCK = 8192
"""Texts per vectorised pass of :meth:`Model.predict_proba`; larger batches go block by block."""

MAX_ORDER = 3
"""Longest word n-gram the integer keys support (token ids are packed base ``len(tokens)``)."""


class Probabilities(abc.Mapping):
    """A read-only mapping of the five labels to their probabilities, in :data:`LABELS` order."""

    __slots__ = ("_values",)

    def __init__(self, values: Sequence[float]):
        self._values = tuple(values)

    def __getitem__(self, label: str) -> float:
        try:
            return self._values[_LABEL_INDEX[label]]
        except KeyError:
            raise KeyError(label) from None

    def __iter__(self) -> Iterator[str]:
        return iter(LABELS)

    def __len__(self) -> int:
        return len(LABELS)

    def __repr__(self) -> str:
        return repr(dict(self))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Probabilities):
            return self._values == other._values
        return abc.Mapping.__eq__(self, other)

    def __hash__(self) -> int:
        return hash(self._values)

    def __reduce__(self) -> tuple:
        return (Probabilities, (self._values,))


_LABEL_INDEX = {label: i for i, label in enumerate(LABELS)}


class Prediction(NamedTuple):
    """The answer for one text: its ``label``, the label's probability (``confidence``), and
    ``probabilities`` over all five labels (a read-only mapping). Immutable and picklable."""

    label: str
    confidence: float
    probabilities: Probabilities

    def __repr__(self) -> str:
        return f"Prediction(label={self.label!r}, confidence={self.confidence:.3f})"


def check_texts(texts: Iterable[Any], where: str) -> list[str]:
    """Return ``texts`` as a list, or raise ``TypeError`` naming the first non-``str`` and its index."""
    if isinstance(texts, (str, bytes)):
        raise TypeError(f"{where}() expects an iterable of str, got a single {type(texts).__name__}")
    out = list(texts)
    for i, t in enumerate(out):
        if not isinstance(t, str):
            raise TypeError(f"{where}() expects str items, got {type(t).__name__} at position {i}")
    return out


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


def best_index(proba: np.ndarray) -> np.ndarray:
    """Column of the most probable label per row; ties go to the later label in
    :data:`stance.LABELS`, so a "don't know" (uniform) row is ``neutral``."""
    return proba.shape[1] - 1 - proba[:, ::-1].argmax(axis=1)


def no_evidence_proba(has_tokens: np.ndarray, n_classes: int, neutral: int) -> np.ndarray:
    """Probabilities for texts without evidence: one-hot ``neutral`` if the text has no letters
    at all (nothing to read, whatever digits or symbols it holds), uniform if it has words but
    no n-gram the model knows (don't know)."""
    out = np.full((len(has_tokens), n_classes), 1.0 / n_classes)
    out[~has_tokens] = 0.0
    out[~has_tokens, neutral] = 1.0
    return out


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


class Model:
    """A fitted stance model in plain arrays; use :func:`load_model` or
    :meth:`stance.StanceClassifier.export` to get one."""

    def __init__(self, arrays: Mapping[str, np.ndarray], card: Mapping[str, Any]):
        self.card: dict[str, Any] = dict(card)
        self.labels: tuple[str, ...] = tuple(str(x) for x in arrays["labels"])
        if self.labels != LABELS:
            raise ModelError(f"model labels {list(self.labels)} are not stance's {list(LABELS)}")
        self.idf = np.asarray(arrays["idf"], dtype=np.float64)
        self.coef = np.ascontiguousarray(arrays["coef"], dtype=np.float64)
        self.intercept = np.asarray(arrays["intercept"], dtype=np.float64)
        self.temperature = float(arrays["temperature"])
        self.sublinear_tf = bool(arrays["sublinear_tf"])
        self.tokens = arrays["tokens"]
        self.order = int(arrays["order"])
        self.keys = [np.asarray(arrays[f"keys{n}"], dtype=np.int64) for n in range(1, self.order + 1)]
        self.feats = [np.asarray(arrays[f"feats{n}"], dtype=np.int64) for n in range(1, self.order + 1)]
        cr = arrays["char_ngram_range"]
        self.char_ngram_range: tuple[int, int] | None = (int(cr[0]), int(cr[1])) if len(cr) else None
        self.char_vocab: dict[str, int] = dict(zip(arrays["chars"].tolist(),
                                                   arrays["char_feats"].tolist()))
        self._chars = None if self.char_ngram_range is None else CharBlock(
            self.char_vocab, self.idf, self.coef, self.char_ngram_range)
        self._arrays = {k: np.asarray(v) for k, v in arrays.items()}
        self._token_id: dict[str, int] = {str(t): i for i, t in enumerate(self.tokens)}
        self._token_id_nul = dict(self._token_id)
        self._token_id_nul["\x00"] = -2  # the batch separator, see _token_ids
        n_tok = len(self.tokens)
        # unigram feature of each token id, -1 when the token is only part of longer n-grams
        self._unigram = np.full(n_tok + 2, -1, dtype=np.int64)
        if self.order >= 1 and len(self.keys[0]):
            self._unigram[self.keys[0]] = self.feats[0]
        self._base = max(n_tok, 1)
        self._tables = [KeyTable(self.keys[n - 1], self.feats[n - 1]) for n in range(2, self.order + 1)]
        self._neutral = self.labels.index("neutral")
        n_features, n_classes = self.coef.shape
        if self.idf.shape != (n_features,) or self.intercept.shape != (n_classes,):
            raise ModelError("model arrays have inconsistent shapes (idf, coef, intercept)")

    # ------------------------------------------------------------------ features
    def _token_ids(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
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

    def _occurrences(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every (document, feature) occurrence in ``texts``, and which texts have any token."""
        n_texts = len(texts)
        ids, doc = self._token_ids(texts)
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
        """Sparse tf-idf rows of the word block as (document, feature, value) triples,
        l2-normalised per document, plus which texts have any letter token."""
        doc, feat, has_tokens = self._occurrences(texts)
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

    # ------------------------------------------------------------------ prediction
    def decision_function(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Linear scores (before temperature) per text and class, which texts had any known
        feature, and which had any letter token."""
        doc, feat, val, has_tokens = self.transform(texts)
        n = len(texts)
        scores = np.zeros((n, self.coef.shape[1]))
        has_features = np.zeros(n, dtype=bool)
        if len(doc):  # rows come sorted by document: one reduceat sums each document's terms
            starts = np.flatnonzero(np.concatenate(([True], doc[1:] != doc[:-1])))
            contrib = self.coef[feat]
            contrib *= val[:, None]
            scores[doc[starts]] = np.add.reduceat(contrib, starts, axis=0)
            has_features[doc[starts]] = True
        if self._chars is not None:
            char_scores, has_chars = self._chars.scores(texts)
            scores += char_scores
            has_features |= has_chars
        scores += self.intercept
        return scores, has_features, has_tokens

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities, shape (n_texts, 5), columns in :data:`stance.LABELS` order."""
        if not isinstance(texts, list) or not all(type(t) is str for t in texts):
            texts = check_texts(texts, "predict_proba")
        if len(texts) > BLOCK:  # blocks that stay in cache beat one huge pass
            return np.concatenate([self.predict_proba(texts[i:i + BLOCK])
                                   for i in range(0, len(texts), BLOCK)])
        if not texts:
            return np.zeros((0, len(self.labels)))
        scores, has_features, has_tokens = self.decision_function(texts)
        proba = _softmax(scores / self.temperature)
        blank = ~(has_features & has_tokens)  # no known n-gram, or no word to read at all
        if blank.any():
            proba[blank] = no_evidence_proba(has_tokens[blank], len(self.labels), self._neutral)
        return proba

    def predict(self, texts: Sequence[str]) -> list[str]:
        """The most probable label of each text."""
        return [self.labels[i] for i in best_index(self.predict_proba(texts))]

    def classify_many(self, texts: Iterable[str]) -> list[Prediction]:
        """A :class:`Prediction` per text, computed in one vectorised pass."""
        proba = self.predict_proba(check_texts(texts, "classify_many"))
        labels = self.labels
        make = tuple.__new__  # Prediction's own __new__, without the keyword-argument layer
        return [make(Prediction, (labels[b], row[b], Probabilities(row)))
                for row, b in zip(proba.tolist(), best_index(proba).tolist())]

    def classify(self, text: str) -> Prediction:
        """The :class:`Prediction` for one text, by a scalar path (dicts and a handful of
        float operations) that skips numpy's per-call overhead; equal to :meth:`classify_many`."""
        if not isinstance(text, str):
            raise TypeError(f"classify() expects str, got {type(text).__name__}")
        row = self._proba_one(text)
        best = max(range(len(row) - 1, -1, -1), key=row.__getitem__)  # ties: the later label
        return Prediction(self.labels[best], row[best], Probabilities(row))

    def _proba_one(self, text: str) -> list[float]:
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
        char_scores = None
        if self._chars is not None:
            char_scores = self._chars.score_one(text)
        if not words or (not counts and char_scores is None):
            return no_evidence_proba(np.array([bool(words)]), len(self.labels), self._neutral)[0].tolist()
        scores = self.intercept if char_scores is None else self.intercept + char_scores
        if counts:
            idf = scalar["idf"]
            feats = list(counts)
            if self.sublinear_tf:
                vals = [(math.log(c) + 1.0) * idf[f] for f, c in counts.items()]
            else:
                vals = [c * idf[f] for f, c in counts.items()]
            norm = math.sqrt(sum(v * v for v in vals))
            scores = (np.asarray(vals) / norm) @ self.coef[feats] + scores
        z = (scores / self.temperature).tolist()
        top = max(z)
        e = [math.exp(v - top) for v in z]
        total = sum(e)
        return [v / total for v in e]

    def _scalar(self) -> dict[str, Any]:
        """Python lists and dicts for the scalar path, built on its first use."""
        tables = self.__dict__.get("_scalar_tables")
        if tables is None:
            tables = {"unigram": self._unigram.tolist(), "idf": self.idf.tolist(),
                      "ngrams": {n: dict(zip(self.keys[n - 1].tolist(), self.feats[n - 1].tolist()))
                                 for n in range(2, self.order + 1)}}
            self._scalar_tables = tables
        return tables

    # ------------------------------------------------------------------ explanation
    def feature_names(self) -> list[str]:
        """The n-gram of every feature column (word n-grams joined by a space, char n-grams ``#``-prefixed)."""
        if not hasattr(self, "_names"):
            names = [""] * len(self.idf)
            toks = [str(t) for t in self.tokens]
            base = self._base
            for n, (keys, feats) in enumerate(zip(self.keys, self.feats), start=1):
                for key, f in zip(keys.tolist(), feats.tolist()):
                    parts = []
                    for _ in range(n):
                        key, t = divmod(key, base)
                        parts.append(toks[t])
                    names[f] = " ".join(reversed(parts))
            for s, f in self.char_vocab.items():
                names[f] = "#" + s
            self._names = names
        return self._names

    def explain(self, text: str, top: int = 10, label: str | None = None) -> list[tuple[str, float]]:
        """The n-grams of ``text`` that pushed ``label`` (default: the predicted one) hardest,
        as (n-gram, contribution to the label's logit) pairs, strongest first."""
        if not isinstance(text, str):
            raise TypeError(f"explain() expects str, got {type(text).__name__}")
        if label is None:
            label = self.classify(text).label
        if label not in self.labels:
            raise ValueError(f"unknown label {label!r}; expected one of {list(self.labels)}")
        c = self.labels.index(label)
        _, feat, val, _ = self.transform([text])
        if self._chars is not None:
            char_feat, char_val = self._chars.contributions(text)
            feat, val = np.concatenate([feat, char_feat]), np.concatenate([val, char_val])
        weight = val * self.coef[feat, c] / self.temperature
        names = self.feature_names()
        order = np.argsort(-weight, kind="stable")[:max(int(top), 0)]
        return [(names[feat[i]], float(weight[i])) for i in order]

    def top_features(self, label: str, top: int = 20) -> list[tuple[str, float]]:
        """The n-grams with the largest coefficient for ``label`` over the whole vocabulary."""
        c = self.labels.index(label)
        w = self.coef[:, c]
        order = np.argsort(-w, kind="stable")[:top]
        names = self.feature_names()
        return [(names[i], float(w[i])) for i in order]

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | os.PathLike) -> Path:
        """Write the model (``.npz``) and a readable copy of its card (``.card.json``) atomically."""
        path = Path(path)
        arrays = dict(self._arrays)
        card = dict(self.card, format_version=FORMAT_VERSION, arrays_sha256=arrays_digest(arrays))
        arrays["card"] = np.frombuffer(json.dumps(card, sort_keys=True).encode(), dtype=np.uint8)
        buf = io.BytesIO()
        np.savez_compressed(buf, **arrays)
        atomic_write(path, buf.getvalue())
        atomic_write(card_path(path), (json.dumps(card, indent=2, sort_keys=True) + "\n").encode())
        self.card = card
        return path

    def __repr__(self) -> str:
        return (f"Model({len(self.idf)} features, order={self.order}, "
                f"char_ngram_range={self.char_ngram_range}, "
                f"data={self.card.get('trained_on', {}).get('sha256', '?')[:12]})")


def card_path(path: str | os.PathLike) -> Path:
    """Where the human-readable card of the model at ``path`` lives."""
    path = Path(path)
    return path.with_name(path.name.removesuffix(".npz") + ".card.json")


def arrays_digest(arrays: Mapping[str, np.ndarray]) -> str:
    """SHA-256 over every array's name, dtype, shape and bytes, in name order."""
    h = hashlib.sha256()
    for name in sorted(arrays):
        if name == "card":
            continue
        a = np.ascontiguousarray(arrays[name])
        h.update(f"{name}|{a.dtype.str}|{a.shape}|".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename: never a half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def load_model(path: str | os.PathLike) -> Model:
    """Load a model saved by :meth:`Model.save`, verifying its format, labels and checksum.

    Raises :class:`stance.ModelError` naming the problem; never unpickles anything.
    """
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"{path}: no such model file")
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except Exception as exc:  # zipfile, zlib, ValueError on object arrays ...
        raise ModelError(f"{path}: not a readable stance model ({type(exc).__name__}: {exc})") from None
    if "card" not in arrays:
        raise ModelError(f"{path}: not a stance model (no model card inside)")
    try:
        card = json.loads(arrays.pop("card").tobytes().decode())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"{path}: the model card inside is corrupt ({exc})") from None
    version = card.get("format_version")
    if version == 1 and not len(arrays.get("char_ngram_range", ())):
        version = FORMAT_VERSION  # same layout when there are no character n-grams
    if version != FORMAT_VERSION:
        raise ModelError(f"{path}: model format version {version!r}, this stance reads {FORMAT_VERSION}")
    if card.get("labels") != list(LABELS):
        raise ModelError(f"{path}: model built for labels {card.get('labels')}, stance uses {list(LABELS)}")
    if arrays_digest(arrays) != card.get("arrays_sha256"):
        raise ModelError(f"{path}: the arrays do not match the SHA-256 in the model card (file altered?)")
    side = card_path(path)
    if side.is_file():
        try:
            side_card = json.loads(side.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ModelError(f"{side}: unreadable model card ({exc})") from None
        if side_card.get("arrays_sha256") != card["arrays_sha256"]:
            raise ModelError(f"{side}: this card belongs to another model than {path.name}")
    try:
        return Model(arrays, card)
    except KeyError as exc:
        raise ModelError(f"{path}: model is missing the array {exc}") from None
