"""The reference the model must beat: a keyword baseline with the typical cue words of each
label (from the label scheme), the kind of hand-coded list an analyst would start with."""
from __future__ import annotations

import re
from typing import Sequence

import numpy as np

from .labels import LABELS
from .text import fold

CUES: dict[str, tuple[str, ...]] = {
    "accusation": ("accus", "reproch", "denonc", "condamn", "impute", "incrimin", "fustig",
                   "blame", "condemn", "denounc", "slam", "charg", "criticis", "critiqu"),
    "denial": ("nie ", "nient", "dement", "dementi", "rejet", "conteste", "sans fondement",
               "aucune intention", "deny", "denie", "denial", "reject", "dismiss", "refut",
               "baseless", "unfounded"),
    "warning": ("previen", "met en garde", "mis en garde", "menac", "avert", "ligne rouge",
                "avec fermete", "warn", "threat", "caution", "retaliat", "red line",
                "consequences"),
    "conciliation": ("convien", "dialogue", "negoci", "pourparler", "desescalade", "accord",
                     "cooperat", "talks", "negotiat", "de escalat", "welcome", "restraint",
                     "agree", "ceasefire", "cessez le feu", "retenue"),
}


class KeywordBaseline:
    """Counts each label's cue words (accent- and case-folded stems) in a sentence and picks
    the label with the most; a sentence with no cue is ``neutral``; ties go to the label
    listed first in :data:`LABELS`. ``fit`` learns nothing: it is there for the common API."""

    def __init__(self, cues: dict[str, tuple[str, ...]] | None = None):
        self.cues = cues or CUES

    def fit(self, X: Sequence[str], y: Sequence[str] | None = None) -> "KeywordBaseline":
        self.classes_ = np.array(LABELS)
        return self

    def _hits(self, text: str) -> list[int]:
        folded = " " + fold(text) + " "
        return [sum(len(re.findall(r"\b" + re.escape(c), folded)) for c in self.cues.get(lab, ()))
                for lab in LABELS]

    def predict(self, X: Sequence[str]) -> np.ndarray:
        out = []
        for text in X:
            hits = self._hits(text)
            best = int(np.argmax(hits))
            out.append(LABELS[best] if hits[best] else "neutral")
        return np.array(out)
