"""The tension bar: how well document tension follows human ratings of real news articles.

    python benchmarks/tension_ratings.py

Reads the complete real articles of the dev set (``articles/`` beside ``$STANCE_REALDEV``'s
sentences file; measurement only, never trained on) and their ratings (``ratings.jsonl``: two
raters, 1 calm to 5 hostile, ``tension`` their mean), analyses each article with the shipped
model, and prints every article's tension beside its rating, then the Pearson and Spearman
correlations between the two over the articles.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

import stance  # noqa: E402
from training.settings import realdev_path  # noqa: E402


def ranks(values: np.ndarray) -> np.ndarray:
    """Ranks from 1, ties sharing their mean rank (as Spearman's coefficient needs)."""
    order = np.argsort(values, kind="stable")
    r = np.empty(len(values))
    r[order] = np.arange(1, len(values) + 1)
    for v in np.unique(values):
        tied = values == v
        r[tied] = r[tied].mean()
    return r


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson's correlation coefficient of two equally long samples."""
    return float(np.corrcoef(x, y)[0, 1])


def main() -> None:
    articles = realdev_path().parent / "articles"
    ratings = [json.loads(line) for line in (articles / "ratings.jsonl").read_text("utf-8").splitlines()
               if line.strip()]
    rows = []
    for r in ratings:
        a = stance.analyze(stance.read_document(articles.parent / r["file"]))
        rows.append((Path(r["file"]).name, a.document.lang, len(a.sentences), a.tension, r["tension"]))
    print(f"{'article':<40}{'lang':>5}{'sentences':>10}{'tension':>9}{'rating':>8}")
    for name, lang, n, t, rating in rows:
        print(f"{name:<40}{lang:>5}{n:>10}{t:>+9.2f}{rating:>8.1f}")
    model = np.array([r[3] for r in rows])
    human = np.array([r[4] for r in rows])
    print(f"{len(rows)} articles: Pearson {pearson(model, human):.3f}, "
          f"Spearman {pearson(ranks(model), ranks(human)):.3f}")


if __name__ == "__main__":
    main()
