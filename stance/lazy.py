"""Package data loaded once: the model, the gazetteer and the role model are read on first use
and kept for the life of the process, whichever thread asks first."""
from __future__ import annotations

import functools
import threading
from typing import Callable, TypeVar

T = TypeVar("T")


def once(load: Callable[[], T]) -> Callable[[], T]:
    """``load`` called on the first call only (under a lock: two threads never load twice);
    every later call returns what it returned."""
    lock = threading.Lock()
    done: list[T] = []

    @functools.wraps(load)
    def cached() -> T:
        if not done:
            with lock:
                if not done:
                    done.append(load())
        return done[0]

    return cached
