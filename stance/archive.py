"""Reading a model archive (``.npz``) without trusting it.

A model file is a zip of ``.npy`` arrays, and a zip can lie: an entry of a few kilobytes may
inflate to gigabytes, an ``.npy`` header may declare a shape that allocates them, an entry
may hold pickled objects. So nothing is decompressed before the whole layout is known to be
one a model may have (:mod:`stance.schema`): every entry's name, compression and declared
size (zip central directory), then every array's dtype and shape (its ``.npy`` header, the
first bytes of the entry). Arrays are then read from the same open file (it cannot be
swapped meanwhile), never more bytes than declared, into arrays of the declared size, with
``allow_pickle=False``.
"""
from __future__ import annotations

import math
import os
import struct
import zipfile
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from . import schema
from .errors import ModelError

NOT_A_MODEL = "not a stance model file (expected .npz written by stance train)"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_CORRUPT = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError,
            ValueError, struct.error, NotImplementedError, KeyError)
"""What zipfile, zlib and numpy raise on a truncated or corrupted archive."""


class Archive:
    """An opened model archive whose layout has been checked: ``specs`` maps each array
    name to its (dtype, shape); :meth:`read` reads one array."""

    def __init__(self, zf: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo]):
        self._zf = zf
        self._entries = entries
        self.specs: dict[str, tuple[np.dtype, tuple[int, ...]]] = {}
        for name, info in entries.items():
            self.specs[name] = _header(zf, name, info)
        schema.check_layout(self.specs)

    def read(self, name: str) -> np.ndarray:
        """The array ``name``, read from at most its declared number of bytes."""
        with self._zf.open(self._entries[name]) as fh:
            return np.lib.format.read_array(fh, allow_pickle=False)

    def read_all(self) -> dict[str, np.ndarray]:
        """Every array but the card."""
        return {name: self.read(name) for name in self._entries if name != schema.CARD}

    def card(self) -> dict[str, Any]:
        """The model card inside the archive, parsed (not yet checked against the schema)."""
        if schema.CARD not in self._entries:
            raise ModelError("not a stance model (no model card inside)")
        return schema.parse_card(self.read(schema.CARD).tobytes())


@contextmanager
def open_archive(path: str | os.PathLike) -> Iterator[Archive]:
    """Open the model file at ``path`` and check its layout before any array is read;
    errors are :class:`stance.ModelError` prefixed with the path."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            if fh.read(4) not in _ZIP_MAGIC:
                raise ModelError(NOT_A_MODEL)
            fh.seek(0)
            with zipfile.ZipFile(fh) as zf:
                yield Archive(zf, _entries(zf))
    except ModelError as exc:
        raise ModelError(f"{path}: {exc}") from None
    except _CORRUPT as exc:
        raise ModelError(f"{path}: not a readable stance model: truncated or corrupted "
                         f"({type(exc).__name__}: {exc})") from None


def _entries(zf: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The archive's entries by array name, each checked from the central directory alone:
    a name a model may hold, given once, stored or deflated, not encrypted, and in all not
    more bytes than a model may hold."""
    entries: dict[str, zipfile.ZipInfo] = {}
    declared = 0
    for info in zf.infolist():
        name = info.filename.removesuffix(".npy")
        if name not in schema.NAMES or not info.filename.endswith(".npy"):
            raise ModelError(f"unexpected entry {info.filename!r} in the archive (a model "
                             f"holds only {', '.join(sorted(schema.NAMES))})")
        if name in entries:
            raise ModelError(f"entry {info.filename!r} appears twice in the archive")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & 1:
            raise ModelError(f"entry {info.filename!r} is encrypted or compressed in a way "
                             "stance never writes")
        declared += info.file_size
        if declared > schema.MAX_MODEL_BYTES:
            raise ModelError(f"entries declare more than {schema.MAX_MODEL_BYTES:,} bytes once "
                             "decompressed, more than a model may hold (stance.schema.MAX_MODEL_BYTES)")
        entries[name] = info
    return entries


def _header(zf: zipfile.ZipFile, name: str, info: zipfile.ZipInfo) -> tuple[np.dtype, tuple[int, ...]]:
    """The dtype and shape declared by an entry's ``.npy`` header, checked against the
    schema and against the entry's declared size; only the header is decompressed."""
    fmt = np.lib.format
    with zf.open(info) as fh:
        version = fmt.read_magic(fh)
        if version == (1, 0):
            shape, fortran, dtype = fmt.read_array_header_1_0(fh)
        elif version == (2, 0):
            shape, fortran, dtype = fmt.read_array_header_2_0(fh)
        else:
            raise ModelError(f"array {name!r} has .npy format {version}, which stance never writes")
        offset = fh.tell()
    schema.check_dtype(name, dtype, shape)
    if fortran and len(shape) > 1:
        raise ModelError(f"array {name!r} is in Fortran order, which stance never writes")
    size = math.prod(shape) * dtype.itemsize
    if info.file_size != offset + size:
        raise ModelError(f"array {name!r} declares shape {shape} ({size:,} bytes) but its "
                         f"entry holds {info.file_size - offset:,} bytes")
    return dtype, tuple(shape)
