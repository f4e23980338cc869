"""Model files: writing a :class:`stance.Model` to an ``.npz`` with its card, and reading it back
checked.

The arrays are saved in an ``.npz`` file loaded with ``allow_pickle=False``: loading runs no
code from the file and gives the same answers whatever scikit-learn release is installed (none
is needed). The model card travels inside the file, with a SHA-256 of the arrays that loading
verifies; a readable copy of it is written beside the model (``.card.json``). Both files are
written to temporary files first and renamed only when both are on disk, so an interrupted
save leaves the previous pair whole. The same model always gives the same bytes.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

import numpy as np

from .errors import ModelError
from .labels import LABELS

if TYPE_CHECKING:  # pragma: no cover
    from .model import Model

FORMAT_VERSION = 2
"""Version of the ``.npz`` layout; a file of another version is refused with the reason.
Version 1 files without character n-grams read as version 2 (their layout is the same)."""


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


def atomic_write(files: Mapping[Path, bytes]) -> None:
    """Write every ``path: data`` of ``files`` through temporary files that are renamed only
    once all of them are flushed to disk: an interruption leaves the previous files whole."""
    tmps: dict[Path, str] = {}
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmps[path] = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            os.chmod(tmps[path], 0o644)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        for path, tmp in list(tmps.items()):
            os.replace(tmp, path)
            del tmps[path]
    finally:
        for tmp in tmps.values():  # not renamed: interrupted
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass


def save_model(arrays: Mapping[str, np.ndarray], card: Mapping[str, object],
               path: str | os.PathLike) -> dict[str, object]:
    """Write ``arrays`` and ``card`` (completed with the format version and the arrays'
    SHA-256) to ``path`` and its ``.card.json`` atomically; return the completed card."""
    path = Path(path)
    arrays = dict(arrays)
    full = dict(card, format_version=FORMAT_VERSION, arrays_sha256=arrays_digest(arrays))
    arrays["card"] = np.frombuffer(json.dumps(full, sort_keys=True).encode(), dtype=np.uint8)
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)  # zip entries without time stamps: same arrays, same bytes
    atomic_write({path: buf.getvalue(),
                  card_path(path): (json.dumps(full, indent=2, sort_keys=True) + "\n").encode()})
    return full


def load_model(path: str | os.PathLike) -> "Model":
    """Load a model saved by :meth:`stance.Model.save`, verifying its format, labels and
    checksum.

    Raises :class:`stance.ModelError` naming the problem; never unpickles anything.
    """
    from .model import Model

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
