"""The label scheme: the five labels and their place on the Goldstein conflict-cooperation scale."""
from __future__ import annotations

LABELS: tuple[str, ...] = ("accusation", "denial", "warning", "conciliation", "neutral")
"""The five labels, in the fixed order used by every probability vector of the library."""

STANCE_LABELS: tuple[str, ...] = LABELS[:4]
"""The labels that carry a stance (all but ``neutral``)."""

GOLDSTEIN: dict[str, float] = {
    "accusation": -2.0,   # CAMEO 112, accuse
    "denial": -2.0,       # CAMEO 016, deny responsibility
    "warning": -6.0,      # CAMEO 13, threaten
    "conciliation": 4.0,  # CAMEO 03, express intent to cooperate
    "neutral": 0.0,
}
"""Goldstein (1992) weight of each label: negative = conflictual, positive = cooperative."""

TENSION_WEIGHTS: dict[str, float] = {label: -w for label, w in GOLDSTEIN.items()}
"""Tension of each label: the Goldstein weight with its sign flipped, so higher = more hostile."""
