"""Where input comes from: folders walked to any depth, what a path that is not a regular
file is, standard input, and file names made printable.

A folder is walked iteratively (a folder nested thousands deep is no recursion error) without
following links to folders (no loops). What a folder run skips is said, not silently dropped:
entries that look like documents but are not regular files (a named pipe would block the
run, a broken link has nothing to read) and files of other suffixes, each as a
:class:`stance.StanceWarning`.
"""
from __future__ import annotations

import os
import stat
import sys
import warnings
from typing import Iterable, Iterator

from .errors import StanceError, StanceWarning

_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISDIR, "a folder"))
_SHOWN = 5
"""Skipped files named in a folder's summary line; the rest are counted."""


def what_is(path: str | os.PathLike) -> str | None:
    """What ``path`` is when it is not a regular file: "a named pipe (FIFO)", "a socket",
    "a broken symbolic link (to 'x')", "missing", ...; None for a regular file (or a link
    to one)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.islink(path):
            return f"a broken symbolic link (to {os.readlink(path)!r})"
        return "missing"
    except OSError as exc:
        return f"unreadable ({exc.strerror or exc})"
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def walk(folder: str | os.PathLike) -> Iterator[tuple[str, str | None]]:
    """Every entry below ``folder`` that is not a folder, as ``(path, problem)``: problem is
    None for a regular file (or a link to one), else what the entry is (see :func:`what_is`;
    also "a link to a folder, not followed" and a subfolder that cannot be opened).
    Iterative, so any depth; links to folders are not followed, so no loop."""
    stack = [os.fspath(folder)]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as it:
                entries = list(it)
        except OSError as exc:
            yield current, f"a folder that cannot be opened ({exc.strerror or exc})"
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                    continue
                if entry.is_file():
                    yield entry.path, None
                    continue
            except OSError:
                pass
            problem = what_is(entry.path)
            yield entry.path, "a link to a folder, not followed" if problem == "a folder" else problem


def folder_files(folder: str | os.PathLike, suffixes: Iterable[str], what: str = "document"
                 ) -> list[str]:
    """The regular files below ``folder`` with one of ``suffixes``, sorted; what is skipped
    is said in :class:`stance.StanceWarning` warnings: each entry with such a suffix that is
    not a regular file, and one line for the files of other suffixes."""
    suffixes = tuple(suffixes)
    found, others = [], []
    for path, problem in walk(folder):
        if not path.endswith(suffixes):
            others.append(path)
        elif problem is None:
            found.append(path)
        else:
            warnings.warn(f"{printable(path)}: skipped, {problem}, not a {what} file",
                          StanceWarning, stacklevel=3)
    if others:
        others.sort()
        shown = ", ".join(printable(os.path.relpath(p, folder)) for p in others[:_SHOWN])
        more = f" and {len(others) - _SHOWN} more" if len(others) > _SHOWN else ""
        warnings.warn(f"{printable(os.fspath(folder))}: skipped {len(others)} entr"
                      f"{'y' if len(others) == 1 else 'ies'} without a "
                      f"{'/'.join('*' + s for s in suffixes)} suffix ({shown}{more})",
                      StanceWarning, stacklevel=3)
    return sorted(found)


def describe_unreadable(path: str | os.PathLike, exc: OSError) -> str:
    """Why ``path`` could not be read, saying what it is when it is not a regular file."""
    problem = what_is(path)
    if problem == "missing":
        return "no such file"
    if problem is not None and not problem.startswith("unreadable"):
        return f"cannot read it: it is {problem}"
    return f"cannot read ({exc.strerror or exc})"


def stdin_bytes() -> bytes:
    """All of standard input; a :class:`stance.StanceError` when there is none (closed)."""
    if sys.stdin is None or getattr(sys.stdin, "buffer", None) is None:
        raise StanceError("standard input is closed: nothing to read (give files or texts as "
                          "arguments, or pipe them in)")
    try:
        return sys.stdin.buffer.read()
    except (OSError, ValueError) as exc:  # a closed or unreadable descriptor
        raise StanceError(f"cannot read standard input ({exc})") from None


def printable(name: str) -> str:
    """``name`` as it can be written to any UTF-8 output: bytes of a file name that are not
    UTF-8 (kept by Python as lone surrogates) become ``\\xff`` escapes."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        pass
    try:
        return os.fsencode(name).decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that no file name byte gives
        return name.encode("utf-8", "backslashreplace").decode("utf-8")
