"""News documents in the native format: a first line `` date YYYY-MM <headline>``, a blank
line, then paragraphs. Files without the header are read too (no date, no headline).
"""
from __future__ import annotations

import datetime
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .errors import DocumentError
from .paths import describe_unreadable, folder_files
from .sentences import Sentence, split_sentences

_HEADER = re.compile(r"^[ \t\u00a0]*date[ \t\u00a0]+(\d{4})-(\d{2})(?:-(\d{2}))?[ \t\u00a0]*(.*)$")
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " "})
_FR = frozenset("le la les des du une et est dans pour que qui sur au aux pas ne a été ont avec "
                "selon par ce cette il elle ils son sa ses leur".split())
_EN = frozenset("the of and to in is was for that on with as by at from has have it its said "
                "be are were this an which their not will".split())
_WORDS = re.compile(r"[^\W\d_]+")

DOC_SUFFIXES = frozenset({".txt", ".text"})
"""The file suffixes taken for documents when a folder is given."""


@dataclass(frozen=True)
class Document:
    """A read document: its text (line endings normalised), metadata, paragraphs (of the body)
    and sentences (headline first) with their offsets in ``text``."""

    text: str
    date: str | None = None
    headline: str | None = None
    lang: str = "fr"
    path: str | None = None
    paragraphs: tuple[str, ...] = ()
    sentences: tuple[Sentence, ...] = field(default=(), repr=False)

    @property
    def name(self) -> str:
        """The file name, or the headline, or the start of the text: what a report calls it."""
        if self.path:
            return Path(self.path).name
        return self.headline or self.text[:60]


def detect_language(text: str) -> str:
    """``"fr"`` or ``"en"``, by which language's commonest words are more frequent in ``text``."""
    words = [w.lower() for w in _WORDS.findall(text[:20000])]
    fr = sum(w in _FR for w in words)
    en = sum(w in _EN for w in words)
    return "en" if en > fr else "fr"


def _decode(data: bytes, where: str) -> str:
    if b"\x00" in data[:8192]:
        raise DocumentError(f"{where}: looks like a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise DocumentError(f"{where}: not UTF-8 text (invalid byte at line {line}); "
                            "convert it to UTF-8 first") from None


def parse_document(raw: str, path: str | None = None) -> Document:
    """Parse the text of a document (header optional) into a :class:`Document`."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").translate(_SPACES)
    date = headline = None
    first, sep, rest = text.partition("\n")
    m = _HEADER.match(first)
    sentences: list[Sentence] = []
    body_start = 0
    if m:
        year, month, day, head = m.groups()
        date = _header_date(year, month, day, path or "<text>")
        headline = head.strip() or None
        if headline:
            start = m.start(4) + (len(head) - len(head.lstrip()))
            sentences.append(Sentence(headline, start, start + len(headline)))
        body_start = len(first) + len(sep)
    body = text[body_start:]
    paragraphs = tuple(p.strip() for p in re.split(r"\n[ \t]*\n", body) if p.strip())
    sentences.extend(Sentence(s.text, s.start + body_start, s.end + body_start)
                     for s in split_sentences(body))
    return Document(text=text, date=date, headline=headline, lang=detect_language(body),
                    path=path, paragraphs=paragraphs, sentences=tuple(sentences))


def _header_date(year: str, month: str, day: str | None, where: str) -> str:
    """The header's date in ASCII digits (``\\d`` also matches other scripts' digits, read
    here as numbers: ``٢٠٢١-٠٣`` is ``2021-03``), refused when no calendar has it."""
    y, m, d = int(year), int(month), int(day) if day else 1
    date = f"{y:04d}-{m:02d}" + (f"-{d:02d}" if day else "")
    if not 1 <= m <= 12:
        raise DocumentError(f"{where}: line 1: invalid month in date {date}")
    try:
        datetime.date(y, m, d)
    except ValueError:
        raise DocumentError(f"{where}: line 1: invalid date {date} (no such day)") from None
    return date


def read_document(source: str | os.PathLike | bytes) -> Document:
    """Read a document from a path, from its text, or from bytes (UTF-8).

    A ``str`` is taken as a path when it names an existing file and holds no line break,
    otherwise as the document's text. Raises :class:`stance.DocumentError` naming the file
    for a missing, binary or non-UTF-8 file.
    """
    if isinstance(source, bytes):
        return parse_document(_decode(source, "<bytes>"))
    if isinstance(source, os.PathLike) or (isinstance(source, str) and "\n" not in source
                                           and len(source) < 4096 and _is_file(source)):
        path = Path(source)
        try:
            data = path.read_bytes()
        except IsADirectoryError:
            raise DocumentError(f"{path}: is a folder, not a document") from None
        except OSError as exc:
            raise DocumentError(f"{path}: {describe_unreadable(path, exc)}") from None
        return parse_document(_decode(data, str(path)), str(path))
    if isinstance(source, str):
        return parse_document(source)
    raise TypeError(f"read_document() expects a path, str or bytes, got {type(source).__name__}")


def _is_file(s: str) -> bool:
    try:
        return os.path.isfile(s)
    except (OSError, ValueError):
        return False


def expand_paths(paths: Iterable[str | os.PathLike]) -> list[str]:
    """The documents named by ``paths``, in order: a folder becomes every document below it
    (:data:`DOC_SUFFIXES`, sorted; what it skips is said in warnings, see
    :func:`stance.paths.folder_files`), anything else stays as given (``-`` is stdin; a
    missing file is reported when it is read). Raises :class:`stance.DocumentError` for a
    folder that holds no document."""
    out: list[str] = []
    for p in paths:
        p = os.fspath(p)
        path = Path(p)
        if p != "-" and path.is_dir():
            found = folder_files(path, sorted(DOC_SUFFIXES))
            if not found:
                raise DocumentError(f"{p}: folder holds no document (*.txt)")
            out.extend(found)
        else:
            out.append(p)
    return out
