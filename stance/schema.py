"""What a model file may hold: its arrays (names, dtypes, shapes, values) and its card.

Loading checks a file against these rules twice: the layout (names, dtypes and shapes, read
from the ``.npy`` headers) before any array data is decompressed, and the values (finite
numbers, ranges, sorted keys, the labels) once they are read. Saving checks the same, so a
model that would be refused on load is never written. Every failure is a
:class:`stance.ModelError` naming the array or card field and what was expected.
"""
from __future__ import annotations

import json
import math
import re
from typing import Any, Mapping

import numpy as np

from .errors import ModelError
from .features import MAX_ORDER
from .labels import LABELS
from .text import VOICES

MAX_FEATURES = 1 << 22
"""Most feature columns (and tokens) a model may have: 19 times the shipped model's 219,835.
Raise it, in your own process, to load a larger model you trust."""
MAX_MODEL_BYTES = 1 << 30
"""Most bytes a model's arrays may take once decompressed (the shipped model: 16 MB)."""
MAX_CARD_BYTES = 1 << 22
"""Most bytes of the model card's JSON (the shipped card: 30 kB)."""
MAX_CHAR_NGRAM = 16
"""Longest character n-gram a model may use."""
SUPPORTED_FORMATS = (1, 2, 3)
"""Format versions this stance reads (1 and 2 share the layout below; 3 adds the optional
quoted and framing words)."""

CARD = "card"
WORD_ARRAYS = tuple(f"{kind}{n}" for n in range(1, MAX_ORDER + 1) for kind in ("keys", "feats"))
ARRAYS = ("labels", "order", "tokens", "chars", "char_feats", "char_ngram_range", "sublinear_tf",
          "idf", "coef", "intercept", "temperature")
"""The arrays every model holds, beside ``keys<n>``/``feats<n>`` for n = 1 .. order."""
VOICED_ARRAYS = tuple(f"{kind}_{part}" for kind in VOICES for part in ("tokens", "feats"))
"""Optional (format 3): the quoted and framing words of the word block and their columns."""
NAMES = frozenset(ARRAYS + WORD_ARRAYS + VOICED_ARRAYS + (CARD,))
"""Every array name a model file may hold."""

# name -> (dtype kinds allowed, number of dimensions)
_LAYOUT: dict[str, tuple[str, int]] = {
    "labels": ("U", 1), "order": ("iu", 0), "tokens": ("U", 1), "chars": ("U", 1),
    "char_feats": ("iu", 1), "char_ngram_range": ("iu", 1), "sublinear_tf": ("b", 0),
    "idf": ("f", 1), "coef": ("f", 2), "intercept": ("f", 1), "temperature": ("f", 0),
    CARD: ("u", 1), **{f"keys{n}": ("i", 1) for n in range(1, MAX_ORDER + 1)},
    **{f"feats{n}": ("iu", 1) for n in range(1, MAX_ORDER + 1)},
    **{f"{kind}_tokens": ("U", 1) for kind in VOICES},
    **{f"{kind}_feats": ("iu", 1) for kind in VOICES},
}
_KIND_NAMES = {"U": "unicode strings", "iu": "integers", "i": "signed integers", "b": "bool",
               "f": "floats", "u": "bytes (uint8)"}
_SHA256 = re.compile(r"[0-9a-f]{64}")


def check_dtype(name: str, dtype: np.dtype, shape: tuple[int, ...]) -> None:
    """Refuse an array whose name, dtype kind or number of dimensions a model never has."""
    if name not in _LAYOUT:
        raise ModelError(f"unexpected array {name!r} (a model holds only {', '.join(sorted(NAMES))})")
    kinds, ndim = _LAYOUT[name]
    if (dtype.kind not in kinds or dtype.hasobject or dtype.fields is not None
            or (dtype.kind != "U" and dtype.itemsize > 8) or (name == CARD and dtype.itemsize != 1)):
        raise ModelError(f"array {name!r} has dtype {dtype.str}, expected {_KIND_NAMES[kinds]}")
    if len(shape) != ndim:
        raise ModelError(f"array {name!r} has shape {shape}, expected {ndim} dimension(s)")


def check_layout(specs: Mapping[str, tuple[np.dtype, tuple[int, ...]]]) -> None:
    """Check the names, dtypes and shapes of a model's arrays against each other, from
    ``{name: (dtype, shape)}`` alone: no array data is needed, so a file is checked before
    anything is decompressed."""
    for name, (dtype, shape) in specs.items():
        check_dtype(name, dtype, shape)
    missing = [n for n in ARRAYS if n not in specs]
    if missing:
        raise ModelError(f"model is missing the array(s) {', '.join(missing)}")

    def size(name: str) -> int:
        return specs[name][1][0]

    n_labels, n_features = len(LABELS), size("idf")
    if specs["labels"][1] != (n_labels,):
        raise ModelError(f"array 'labels' has shape {specs['labels'][1]}, expected ({n_labels},)")
    if not 0 < n_features <= MAX_FEATURES:
        raise ModelError(f"array 'idf' has {n_features} features, expected 1 to {MAX_FEATURES} "
                         "(stance.schema.MAX_FEATURES)")
    for name, want in (("coef", (n_features, n_labels)), ("intercept", (n_labels,))):
        if specs[name][1] != want:
            raise ModelError(f"array {name!r} has shape {specs[name][1]}, expected {want} "
                             f"({n_features} features of idf, {n_labels} labels)")
    if size("tokens") > MAX_FEATURES:
        raise ModelError(f"array 'tokens' has {size('tokens')} entries, more than {MAX_FEATURES}")
    if size("chars") != size("char_feats"):
        raise ModelError(f"arrays 'chars' and 'char_feats' differ in length "
                         f"({size('chars')} and {size('char_feats')})")
    if specs["char_ngram_range"][1] not in ((0,), (2,)):
        raise ModelError(f"array 'char_ngram_range' has shape {specs['char_ngram_range'][1]}, "
                         "expected (2,) or (0,) for a model without character n-grams")
    orders = [n for n in range(1, MAX_ORDER + 1) if f"keys{n}" in specs or f"feats{n}" in specs]
    if orders != list(range(1, len(orders) + 1)) or not orders:
        raise ModelError(f"word n-gram arrays for orders {orders}, expected keys1/feats1 up to "
                         f"the model's order (at most {MAX_ORDER})")
    voiced = [kind for kind in VOICES if f"{kind}_tokens" in specs or f"{kind}_feats" in specs]
    pairs = [(f"keys{n}", f"feats{n}") for n in orders]
    for a, b in pairs + [(f"{kind}_tokens", f"{kind}_feats") for kind in voiced]:
        if a not in specs or b not in specs:
            raise ModelError(f"model has only one of the arrays {a!r} and {b!r}")
        if size(a) != size(b):
            raise ModelError(f"arrays {a!r} and {b!r} differ in length ({size(a)} and {size(b)})")
    n_grams = (size("chars") + sum(size(f"keys{n}") for n in orders)
               + sum(size(f"{kind}_feats") for kind in voiced))
    if n_grams > n_features:
        raise ModelError(f"arrays 'keys<n>', 'chars' and the voiced words hold {n_grams} "
                         f"n-grams for {n_features} features")
    if CARD in specs and size(CARD) > MAX_CARD_BYTES:
        raise ModelError(f"model card of {size(CARD)} bytes, more than {MAX_CARD_BYTES}")
    total = sum(math.prod(shape) * dtype.itemsize for dtype, shape in specs.values())
    if total > MAX_MODEL_BYTES:
        raise ModelError(f"arrays of {total:,} bytes, more than a model may hold ({MAX_MODEL_BYTES:,}; "
                         "raise stance.schema.MAX_MODEL_BYTES to load a larger model you trust)")


def _range(name: str, a: np.ndarray, low: int, high: int) -> None:
    """Refuse integers of ``a`` outside ``low <= v < high``."""
    if a.size and (int(a.min()) < low or int(a.max()) >= high):
        raise ModelError(f"array {name!r} holds values outside [{low}, {high}): "
                         f"{int(a.min())} to {int(a.max())}")


def _increasing(name: str, a: np.ndarray) -> None:
    """Refuse an array that is not strictly increasing (sorted, without duplicates)."""
    if a.size > 1 and not bool(np.all(a[1:] > a[:-1])):
        raise ModelError(f"array {name!r} is not sorted without duplicates, as stance writes it")


def _finite(name: str, a: np.ndarray) -> None:
    if not bool(np.isfinite(a).all()):
        raise ModelError(f"array {name!r} holds NaN or infinite values")


def check_values(arrays: Mapping[str, np.ndarray]) -> None:
    """Check the layout and the values of a model's arrays (the card excepted): labels,
    order, finite coefficients, positive idf and temperature, keys and feature indices in
    range. Raises :class:`stance.ModelError` naming the array."""
    check_layout({k: (np.asarray(v).dtype, np.shape(v)) for k, v in arrays.items()})
    if [str(x) for x in arrays["labels"]] != list(LABELS):
        raise ModelError(f"array 'labels' is {[str(x) for x in arrays['labels']]}, "
                         f"stance uses {list(LABELS)}")
    order = int(arrays["order"])
    words = [n for n in range(1, MAX_ORDER + 1) if f"keys{n}" in arrays]
    if order != len(words):
        raise ModelError(f"array 'order' is {order}, but the model has word n-grams of orders {words}")
    n_features = len(arrays["idf"])
    for name in ("idf", "coef", "intercept"):
        _finite(name, arrays[name])
    if arrays["idf"].size and float(arrays["idf"].min()) <= 0:
        raise ModelError("array 'idf' holds values <= 0, expected positive inverse document frequencies")
    temperature = float(arrays["temperature"])
    if not (math.isfinite(temperature) and temperature > 0):
        raise ModelError(f"array 'temperature' is {temperature}, expected a finite number > 0")
    base = max(len(arrays["tokens"]), 1)
    if base ** order >= 2 ** 63:
        raise ModelError(f"{base} tokens are too many for word n-grams of order {order}")
    _increasing("tokens", arrays["tokens"])
    _increasing("chars", arrays["chars"])
    for n in words:
        _range(f"keys{n}", arrays[f"keys{n}"], 0, base ** n)
        _increasing(f"keys{n}", arrays[f"keys{n}"])
        _range(f"feats{n}", arrays[f"feats{n}"], 0, n_features)
    _range("char_feats", arrays["char_feats"], 0, n_features)
    for kind in VOICES:
        if f"{kind}_tokens" in arrays:
            _increasing(f"{kind}_tokens", arrays[f"{kind}_tokens"])
            _range(f"{kind}_feats", arrays[f"{kind}_feats"], 0, n_features)
    cr = arrays["char_ngram_range"]
    if len(cr) and not 1 <= int(cr[0]) <= int(cr[1]) <= MAX_CHAR_NGRAM:
        raise ModelError(f"array 'char_ngram_range' is {cr.tolist()}, expected "
                         f"1 <= low <= high <= {MAX_CHAR_NGRAM}")
    if not len(cr) and len(arrays["chars"]):
        raise ModelError("array 'chars' holds character n-grams but 'char_ngram_range' is empty")


# ---------------------------------------------------------------------------- the card
_CARD_FIELDS: dict[str, type | tuple[type, ...]] = {
    "hyperparameters": dict, "versions": dict, "trained_on": dict, "metrics": dict,
    "cross_validation": dict, "heldout_groups": list, "note": str, "n_features": int,
    "temperature": (int, float),
}
"""Optional card fields stance writes, and their JSON types; other fields are kept as they are."""


def check_card(card: Any, arrays: Mapping[str, np.ndarray] | None = None) -> dict[str, Any]:
    """Check a model card's schema (and, given the arrays, that it describes them); return it.

    Required: ``format_version`` (a version stance reads), ``labels`` (stance's labels) and
    ``arrays_sha256`` (64 hex digits). The optional fields stance writes must have their
    types. Raises :class:`stance.ModelError` naming the field."""
    if not isinstance(card, dict):
        raise ModelError(f"the model card must be a JSON object, got {_json_type(card)}")
    version = card.get("format_version")
    if type(version) is not int or version not in SUPPORTED_FORMATS:
        raise ModelError(f"model format version {version!r}, this stance reads "
                         f"{' and '.join(map(str, SUPPORTED_FORMATS))}")
    if card.get("labels") != list(LABELS):
        raise ModelError(f"model built for labels {card.get('labels')!r}, stance uses {list(LABELS)}")
    digest = card.get("arrays_sha256")
    if not isinstance(digest, str) or not _SHA256.fullmatch(digest):
        raise ModelError(f"model card field 'arrays_sha256' is {digest!r}, expected 64 hex digits")
    for key, typ in _CARD_FIELDS.items():
        value = card.get(key)
        if value is None:
            continue
        if not isinstance(value, typ) or isinstance(value, bool):
            raise ModelError(f"model card field {key!r} is {_json_type(value)}, expected "
                             f"{_json_type(typ() if isinstance(typ, type) else 0.0)}")
    if arrays is not None and card.get("n_features") not in (None, len(arrays["idf"])):
        raise ModelError(f"model card field 'n_features' is {card['n_features']}, "
                         f"the arrays hold {len(arrays['idf'])}")
    return card


def _json_type(value: Any) -> str:
    """The JSON name of a Python value's type, for messages."""
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string",
            list: "an array", dict: "an object"}.get(type(value), type(value).__name__)


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def parse_card(data: bytes) -> dict[str, Any]:
    """The card from its JSON bytes: strict JSON (no NaN or Infinity), bounded in size and
    nesting; raises :class:`stance.ModelError` saying what is wrong."""
    if len(data) > MAX_CARD_BYTES:
        raise ModelError(f"model card of {len(data)} bytes, more than {MAX_CARD_BYTES}")
    try:
        return json.loads(data.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ModelError(f"the model card is not valid JSON ({type(exc).__name__}: {exc})") from None


def dump_card(card: Mapping[str, Any], indent: int | None = None) -> bytes:
    """The card as strict JSON bytes (sorted keys); a NaN, infinity or an object JSON cannot
    hold raises :class:`stance.ModelError` naming the field."""
    try:
        return json.dumps(card, sort_keys=True, indent=indent, allow_nan=False).encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise ModelError(f"model card field {_bad_field(card)!r} cannot be written as JSON "
                         f"({exc})") from None


def _bad_field(value: Any, path: str = "") -> str:
    """The path (``metrics.heldout.all.macro_f1``) of the first value JSON cannot hold."""
    if isinstance(value, Mapping):
        for k, v in value.items():
            found = _bad_field(v, f"{path}.{k}" if path else str(k))
            if found:
                return found
        return ""
    if isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            found = _bad_field(v, f"{path}[{i}]")
            if found:
                return found
        return ""
    if value is None or isinstance(value, (str, bool, int)):
        return ""
    if isinstance(value, float) and math.isfinite(value):
        return ""
    return path or "<card>"
