"""The library's typed errors: each names the problem, and the file and line where there is one."""
from __future__ import annotations


class StanceError(Exception):
    """Base class of every error ``stance`` raises on purpose."""


class ModelError(StanceError):
    """A model file that cannot be used: missing, truncated, tampered, or of another format."""


class DocumentError(StanceError):
    """A document that cannot be read: not UTF-8 text, binary, or not found."""


class AnnotationError(StanceError):
    """An annotation file with bad records; ``problems`` lists every one as (file, line, message)."""

    def __init__(self, problems: list[tuple[str, int, str]]):
        self.problems = problems
        shown = "\n".join(self.lines()[:50])
        more = f"\n... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problem(s) in the annotations:\n{shown}{more}")

    def lines(self) -> list[str]:
        """Each problem as ``file:line: message`` (``file: message`` for the file as a whole)."""
        return [f"{f}:{line}: {msg}" if line else f"{f}: {msg}" for f, line, msg in self.problems]


class MissingExtraError(StanceError, ImportError):
    """An optional dependency is not installed; ``extra`` names the extra of stance that brings it."""

    def __init__(self, message: str, extra: str):
        super().__init__(message)
        self.extra = extra


class StanceWarning(UserWarning):
    """Something stance worked around that you may want to know about: a side card that
    disagrees with its model file, entries a folder run skipped."""
