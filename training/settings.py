"""What the project's tools read from outside the repository, each from one setting.

The real-news dev set (``$STANCE_REALDEV``, by default ``../shared/realdev/sentences.jsonl``
beside the project) is used for measurement only, never trained on; a tool that needs it
fails with the setting's name when it is missing.
"""
from __future__ import annotations

import os
from pathlib import Path

from stance.errors import StanceError

ROOT = Path(__file__).resolve().parent.parent
REALDEV_ENV = "STANCE_REALDEV"
DEFAULT_REALDEV = ROOT.parent / "shared" / "realdev" / "sentences.jsonl"
HELDOUT_WAVE = ROOT / "seeds" / "heldout" / "stories"
"""Wave 9 of the stories: the classifier's second held-out set (208 stories by eight writers the
corpus had not seen; training on it moved neither realdev nor the held-out conflicts), and
training data of the actor models (``training/actors.py``)."""
UNSEEN_WAVE = ROOT / "seeds" / "heldout" / "wave10"
"""Wave 10 of the stories: held out from every model, the classifier and the actor models alike
(208 stories by eight more writers the corpus had not seen; training on it moved neither realdev
nor the sentence waves' actors), and scored by both."""


def realdev_path(required: bool = True) -> Path | None:
    """The real-news dev set's file: ``$STANCE_REALDEV`` or :data:`DEFAULT_REALDEV`.

    When the file is missing, raise :class:`stance.StanceError` naming the setting (or, with
    ``required=False``, return None so that a caller can skip what needs it).
    """
    path = Path(os.environ.get(REALDEV_ENV) or DEFAULT_REALDEV)
    if path.is_file():
        return path
    if not required:
        return None
    raise StanceError(f"no real-news dev set at {path}: set {REALDEV_ENV} to its sentences.jsonl "
                      f"(default: {DEFAULT_REALDEV})")
