"""One self-contained HTML page of what a set of documents says: findings in words, the tension
timeline with its interval, the most active pairs of actors, and every document's text with
each sentence marked by its label. One file, offline: inline CSS, inline SVG, a little inline
script (the page reads the same without it).

    >>> import stance
    >>> stance.report([stance.analyze(stance.read_document(p)) for p in paths], "report.html")   # doctest: +SKIP

``stance report PATH... -o report.html`` does the same from the command line.
"""
from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

from ..errors import StanceError

MAX_BYTES = 2_000_000
"""Default size limit of a page: document texts beyond it fold to their headers."""

PERIODS = ("day", "month", "quarter", "year")


def _resolve_model(model: Any) -> tuple[Any, str]:
    """The model to label with and how the page names it (shipped, a file, or given)."""
    import stance

    if model is None:
        return stance.default_model(), "shipped model"
    if isinstance(model, (str, os.PathLike)):
        return stance.load_model(model), f"model {Path(model).name}"
    return model, "model given"


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder, so that a failure
    leaves no half-written page (and an older page untouched)."""
    if path.is_dir():
        raise StanceError(f"{path}: is a folder; give the report a file name such as report.html")
    if not path.parent.is_dir():
        raise StanceError(f"{path.parent}: no such folder for the report; create it first")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o644)  # a page to share, not mkstemp's private 0600
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def build_report(analyses: Iterable[Any], *, by: str = "month", model: Any = None,
                 title: str | None = None, max_bytes: int = MAX_BYTES, top_words: int = 4,
                 generated: str | None = None) -> str:
    """The report page of ``analyses`` as a string; see :func:`report`."""
    import stance

    from .content import gather
    from .page import render

    if by not in PERIODS:
        raise ValueError(f"by must be one of {', '.join(PERIODS)}, got {by!r}")
    if max_bytes < 50_000:
        raise ValueError(f"max_bytes must be at least 50000 (a page with no text), got {max_bytes}")
    labeller, source = _resolve_model(model)
    content = gather(analyses, labeller, source, by=by, title=title)
    stamp = generated if generated is not None else datetime.now().strftime("%d %B %Y, %H:%M")
    return render(content, labeller, version=stance.__version__, generated=stamp,
                  max_bytes=max_bytes, top_words=top_words)


def report(analyses: Iterable[Any], path: str | os.PathLike, *, by: str = "month",
           model: Any = None, title: str | None = None, max_bytes: int = MAX_BYTES,
           top_words: int = 4, generated: str | None = None) -> Path:
    """Write one self-contained HTML report of ``analyses`` to ``path`` and return the path.

    ``analyses`` holds :class:`stance.Analysis` objects, or documents, file paths, texts or
    bytes to analyse; unreadable sources and empty documents are listed on
    the page as skipped, with the reason. ``by`` is the timeline's period (as ``stance
    series``); ``model`` a Model or a model file (default: the shipped model); ``max_bytes``
    the page's size limit (document texts beyond it fold, those carrying most stance kept);
    ``top_words`` how many deciding words a sentence shows; ``generated`` the date line
    (default: now). The file is written atomically.
    """
    out = Path(path)
    page = build_report(analyses, by=by, model=model, title=title, max_bytes=max_bytes,
                        top_words=top_words, generated=generated)
    _write_atomically(out, page)
    return out


__all__ = ["report", "build_report", "MAX_BYTES"]
