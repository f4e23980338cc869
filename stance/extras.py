"""Optional dependencies: import them, or say which extra of stance installs them.

Inference needs numpy only. Training needs the ``train`` extra (scikit-learn, scipy,
threadpoolctl), running on a Dask cluster the ``dask`` extra (dask, distributed, pandas).
"""
from __future__ import annotations

from importlib import import_module
from types import ModuleType

from .errors import MissingExtraError

_DISTRIBUTIONS = {"sklearn": "scikit-learn"}
"""Import name -> the name pip knows, where they differ."""


def missing_extra(exc: ImportError, extra: str, error: type[MissingExtraError] = MissingExtraError,
                  ) -> MissingExtraError:
    """The error to raise when ``exc`` says a dependency of ``extra`` is not installed."""
    name = (exc.name or str(exc)).split(".")[0]
    name = _DISTRIBUTIONS.get(name, name)
    return error(f"{name} is not installed ({exc}); it comes with stance's {extra} extra: "
                 f"pip install 'stance[{extra}]'", extra)


def require(name: str, extra: str, error: type[MissingExtraError] = MissingExtraError) -> ModuleType:
    """Import the module ``name``, or raise ``error`` naming the ``extra`` that installs it."""
    try:
        return import_module(name)
    except ImportError as exc:
        raise missing_extra(exc, extra, error) from exc
