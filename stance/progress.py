"""The progress bar of long runs: tqdm's, on stderr, shown only when stderr is a terminal
unless asked, so that piped and logged output stays clean."""
from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from tqdm import tqdm


def progress_bar(total: int, desc: str, enabled: bool | None = None, unit: str = "doc") -> "tqdm":
    """A bar counting ``total`` items on stderr; ``enabled`` None shows it only when stderr is
    a terminal, True or False force it on or off. Use it as a context manager."""
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr,
                disable=None if enabled is None else not enabled)
