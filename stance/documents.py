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
from .language import has_other_script, identify, is_read, mostly_other_script
from .paths import describe_unreadable, folder_files
from .sentences import Sentence, split_sentences

_HEADER = re.compile(r"^[ \t\u00a0]*date[ \t\u00a0]+(\d{4})-(\d{2})(?:-(\d{2}))?[ \t\u00a0]*(.*)$")
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " "})

DOC_SUFFIXES = frozenset({".txt", ".text"})
"""The file suffixes taken for documents when a folder is given."""


@dataclass(frozen=True)
class Document:
    """A read document: its text (line endings normalised), metadata, its language (see
    :mod:`stance.language`; None when it holds no letter), paragraphs (of the body) and
    sentences (headline first) with their offsets in ``text`` and their language."""

    text: str
    date: str | None = None
    headline: str | None = None
    lang: str | None = None
    path: str | None = None
    paragraphs: tuple[str, ...] = ()
    sentences: tuple[Sentence, ...] = field(default=(), repr=False)

    @property
    def name(self) -> str:
        """The file name, or the headline, or the start of the text: what a report calls it."""
        if self.path:
            return Path(self.path).name
        return self.headline or self.text[:60]


def _decode(data: bytes, where: str) -> str:
    if b"\x00" in data[:8192]:
        raise DocumentError(f"{where}: looks like a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise DocumentError(f"{where}: not UTF-8 text (invalid byte at line {line}); "
                            "convert it to UTF-8 first") from None


def parse_document(raw: str | bytes, path: str | None = None) -> Document:
    """Parse the text of a document (header optional; bytes are decoded as UTF-8) into a
    :class:`Document`; ``path`` is only what the document is called. Files are
    :func:`read_document`'s."""
    if isinstance(raw, bytes):
        raw = _decode(raw, path or "<bytes>")
    if not isinstance(raw, str):
        raise TypeError(f"parse_document() expects str or bytes, got {type(raw).__name__}")
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
    lang = identify(f"{headline}\n{body}" if headline else body)
    paragraphs = tuple(p.strip() for p in re.split(r"\n[ \t]*\n", body) if p.strip())
    sentences.extend(Sentence(s.text, s.start + body_start, s.end + body_start)
                     for s in split_sentences(body, lang))
    return Document(text=text, date=date, headline=headline, lang=lang, path=path,
                    paragraphs=paragraphs, sentences=_with_languages(sentences, lang, text))


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


def _with_languages(sentences: list[Sentence], lang: str | None, text: str) -> tuple[Sentence, ...]:
    """The sentences with their language: the document's, except a sentence mostly in another
    script (a Russian quote in a French story), identified on its own. Only documents that
    hold letters of another script pay for the check."""
    check = is_read(lang) and has_other_script(text)
    return tuple(Sentence(s.text, s.start, s.end,
                          identify(s.text) if check and mostly_other_script(s.text) else lang)
                 for s in sentences)


def read_document(path: str | os.PathLike) -> Document:
    """Read the document file at ``path`` (a ``str`` is always a path: texts go to
    :func:`parse_document`). Raises :class:`stance.DocumentError` naming the file for a
    missing, binary or non-UTF-8 file."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"read_document() expects a path (str or os.PathLike), got "
                        f"{type(path).__name__}; for a document's text or bytes use parse_document()")
    where = _shown(os.fspath(path))
    try:
        data = Path(path).read_bytes()
    except IsADirectoryError:
        raise DocumentError(f"{where}: is a folder, not a document") from None
    except OSError as exc:  # missing, a broken link, a socket...: said as what it is
        why = describe_unreadable(path, exc)
        if why == "no such file" and any(c.isspace() for c in os.fspath(path)):
            why += " (read_document() takes a path; parse_document() takes a text)"
        raise DocumentError(f"{where}: {why}") from None
    except ValueError as exc:  # a NUL in the path
        raise DocumentError(f"{where}: cannot read ({exc})") from None
    return parse_document(_decode(data, where), os.fspath(path))


def _shown(path: str, width: int = 80) -> str:
    """``path`` as an error message shows it: on one line, cut when long."""
    path = " ".join(path.split("\n"))
    return path if len(path) <= width else path[:width - 1] + "…"


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
