"""Model files: writing a :class:`stance.Model` to an ``.npz`` with its card, and reading it back
checked.

The ``.npz`` holds the arrays and the model card, whose SHA-256 of the arrays loading
verifies: the file alone is the model. It is read without trusting it (:mod:`stance.archive`:
layout checked before anything is decompressed, ``allow_pickle=False``, so no code from the
file runs) and its card and arrays are checked against :mod:`stance.schema` on load and on
save. The ``.card.json`` beside it is a readable copy of the card, written after the model:
when it disagrees with the model it is ignored with a :class:`stance.StanceWarning`. Each
file is written to a temporary file, flushed to disk and renamed over the old one, so a
crash at any point leaves the last good model loadable. The same model always gives the same
bytes.
"""
from __future__ import annotations

import hashlib
import io
import os
import warnings
import zipfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

import numpy as np

from . import schema
from .archive import open_archive
from .errors import ModelError, StanceWarning
from .paths import what_is

if TYPE_CHECKING:  # pragma: no cover
    from .model import Model

STORE_ABOVE = 0.75
"""An array whose deflated size would exceed this share of its size is stored uncompressed:
the coefficients barely deflate (to 83 %) and inflating them was a sixth of a cold start."""
FORMAT_VERSION = 3
"""Version of the ``.npz`` layout; a file of another version is refused with the reason.
Version 3 adds the optional quoted and framing words; version 2 files read as version 3
without them, and version 1 files without character n-grams as well."""


def card_path(path: str | os.PathLike) -> Path:
    """Where the human-readable card of the model at ``path`` lives."""
    path = Path(path)
    return path.with_name(path.name.removesuffix(".npz") + ".card.json")


def arrays_digest(arrays: Mapping[str, np.ndarray]) -> str:
    """SHA-256 over every array's name, dtype, shape and bytes, in name order; the bytes are
    hashed in place, not copied."""
    h = hashlib.sha256()
    for name in sorted(arrays):
        if name == schema.CARD:
            continue
        a = np.ascontiguousarray(arrays[name])
        h.update(f"{name}|{a.dtype.str}|{a.shape}|".encode())
        h.update(a.reshape(-1).view(np.uint8))
    return h.hexdigest()


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file that is flushed to disk and then
    renamed over ``path`` (and the rename flushed too): readers see the old file or the new
    one, never a part, even after a crash."""
    import tempfile  # here, not at the top: loading a model (a cold start) never writes one

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
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    """Flush a folder's entries (a rename) to disk, where the system allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def save_model(arrays: Mapping[str, np.ndarray], card: Mapping[str, Any],
               path: str | os.PathLike) -> dict[str, Any]:
    """Check ``arrays`` and ``card`` against the schema, complete the card with the format
    version and the arrays' SHA-256, and write the model to ``path`` (card inside) and then
    its readable copy to ``.card.json``, each atomically; return the completed card."""
    path = Path(path)
    arrays = {k: np.asarray(v) for k, v in arrays.items() if k != schema.CARD}
    schema.check_values(arrays)
    full = schema.check_card(dict(card, format_version=FORMAT_VERSION,
                                  arrays_sha256=arrays_digest(arrays)), arrays)
    arrays[schema.CARD] = np.frombuffer(schema.dump_card(full), dtype=np.uint8)
    atomic_write(path, zip_arrays(arrays))  # the model first: it is the truth
    atomic_write(card_path(path), schema.dump_card(full, indent=2) + b"\n")
    return full


def zip_arrays(arrays: Mapping[str, np.ndarray]) -> bytes:
    """The ``.npz`` bytes of ``arrays``: one ``.npy`` entry each, deflated unless that saves
    less than a quarter (see :data:`STORE_ABOVE`), without time stamps, so the same arrays
    always give the same bytes. Any ``.npz`` reader (``numpy.load``) reads it."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, array in arrays.items():
            npy = io.BytesIO()
            np.lib.format.write_array(npy, np.asanyarray(array), allow_pickle=False)
            data = npy.getvalue()
            deflated = len(zlib.compress(data, 6)) <= STORE_ABOVE * len(data)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED if deflated else zipfile.ZIP_STORED
            zf.writestr(info, data)
    return buf.getvalue()


def _check_model_path(path: Path) -> None:
    """Refuse a path that is not a regular file, saying what it is (a named pipe given as a
    model would block the load)."""
    problem = what_is(path)
    if problem == "missing":
        raise ModelError(f"{path}: no such model file")
    if problem is not None:
        raise ModelError(f"{path}: not a model file: it is {problem}")


def read_card(path: str | os.PathLike) -> dict[str, Any]:
    """The card inside the model file at ``path``, checked, without reading the arrays
    (whose SHA-256 it holds): what a client pins a model by."""
    path = Path(path)
    _check_model_path(path)
    with open_archive(path) as archive:
        card = archive.card()
    try:
        return schema.check_card(card)
    except ModelError as exc:
        raise ModelError(f"{path}: {exc}") from None


def load_model(path: str | os.PathLike) -> "Model":
    """Load a model saved by :meth:`stance.Model.save`, checking its layout, card, checksum
    and values.

    Raises :class:`stance.ModelError` naming the problem; never unpickles anything.
    """
    from .model import Model

    path = Path(path)
    _check_model_path(path)
    with open_archive(path) as archive:
        card = archive.card()
        try:
            schema.check_card(card)
        except ModelError as exc:
            raise ModelError(f"{path}: {exc}") from None
        arrays = archive.read_all()
    try:
        if card["format_version"] < 3 and any(name in arrays for name in schema.VOICED_ARRAYS):
            raise ModelError(f"model format version {card['format_version']} holding quoted "
                             f"words, which only version 3 has")
        if card["format_version"] == 1 and len(arrays["char_ngram_range"]):
            raise ModelError(f"model format version 1 with character n-grams, this stance reads "
                             f"it only without them (and version {FORMAT_VERSION})")
        if arrays_digest(arrays) != card["arrays_sha256"]:
            raise ModelError("the arrays do not match the SHA-256 in the model card (file altered?)")
        schema.check_values(arrays)
        schema.check_card(card, arrays)
    except ModelError as exc:
        raise ModelError(f"{path}: {exc}") from None
    _check_side_card(path, card)
    return Model(arrays, card)


def _check_side_card(path: Path, card: Mapping[str, Any]) -> None:
    """Warn, and go on with the card inside the model, when the readable copy beside it is
    unreadable or describes other arrays (a save interrupted between the two files, or a
    copy that was not kept with its model)."""
    side = card_path(path)
    try:
        if not side.is_file():
            return
        if side.stat().st_size > 4 * schema.MAX_CARD_BYTES:
            raise ModelError("too large")
        digest = schema.parse_card(side.read_bytes()).get("arrays_sha256")
    except (OSError, ModelError, AttributeError) as exc:
        reason = f"is unreadable ({exc})"
    else:
        if digest == card["arrays_sha256"]:
            return
        reason = "describes another model"
    warnings.warn(f"{side} {reason}: ignored, the card inside {path.name} is used; saving the "
                  "model again rewrites it", StanceWarning, stacklevel=3)
