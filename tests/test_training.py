"""The training recipe: validation before fitting, determinism, atomic output, sklearn API."""
from __future__ import annotations

import json
import os

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, GroupKFold, cross_val_score

from stance import LABELS, AnnotationError, StanceClassifier, StanceError, load_model
from stance.metrics import evaluate
from stance.recipe import pick_heldout, realdev_records, train
from training import train as train_script
from training.settings import realdev_path

from .conftest import REALDEV


TINY = {"ngram_range": [(1, 2)], "C": [10.0], "min_df": [1]}
QUICK = {"folds": 3, "fixed": {"cv": 3}}
"""Three grouped folds for the search and for the calibration: the recipe whole, sooner."""


@pytest.fixture(scope="module")
def small_data(tmp_path_factory, corpus):
    """A corpus of ten conflicts in both languages, written as a user's own annotation file."""
    groups = sorted({r.group for r in corpus if r.doc is None})[:10]
    path = tmp_path_factory.mktemp("data") / "mine.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for r in corpus:
            if r.group in groups:
                fh.write(json.dumps(r.to_json(), ensure_ascii=False) + "\n")
    return path, groups


def test_two_runs_give_the_same_model(small_data, tmp_path):
    path, groups = small_data
    quiet = lambda s: None  # noqa: E731
    a = train(path, tmp_path / "a.npz", heldout=groups[:2], grid=TINY, **QUICK, log=quiet)
    b = train(path, tmp_path / "b.npz", heldout=groups[:2], grid=TINY, **QUICK, log=quiet)
    assert a.card["arrays_sha256"] == b.card["arrays_sha256"]
    assert a.card["metrics"] == b.card["metrics"]
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    assert (tmp_path / "a.card.json").read_bytes() == (tmp_path / "b.card.json").read_bytes()
    ma, mb = load_model(tmp_path / "a.npz"), load_model(tmp_path / "b.npz")
    texts = [json.loads(line)["text"] for line in open(path, encoding="utf-8")][:300]
    assert ma.predict(texts) == mb.predict(texts)
    card = ma.card
    assert card["heldout_groups"] == sorted(groups[:2])
    assert set(card["metrics"]["heldout"]) >= {"all", "fr", "en"}
    assert card["trained_on"]["counts"]["total"]["sentences"] > 0


def test_bad_annotations_stop_before_any_fit(tmp_path, monkeypatch):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ok", "label": "neutral", "lang": "fr", "group": "g"}\n'
                   '{"text": "", "label": "angry", "lang": "fr", "group": "g"}\n', encoding="utf-8")
    monkeypatch.setattr(StanceClassifier, "fit", lambda *a, **k: pytest.fail("fitted anyway"))
    with pytest.raises(AnnotationError) as info:
        train(bad, tmp_path / "m.npz", log=lambda s: None)
    assert {(line, msg.split()[0]) for _, line, msg in info.value.problems} == {(2, "empty"), (2, "unknown")}
    assert not (tmp_path / "m.npz").exists()


def test_interrupted_training_keeps_previous_model(small_data, tmp_path, monkeypatch):
    """A run interrupted while it writes a new model (here: as the model file, written first,
    is flushed) leaves the previous model and card whole, and loadable (an interruption after
    the model file is renamed leaves the new one: tests/test_model_files.py)."""
    path, groups = small_data
    out, card = tmp_path / "model.npz", tmp_path / "model.card.json"
    first = train(path, out, heldout=groups[:2], grid=TINY, **QUICK, log=lambda s: None)
    before = out.read_bytes(), card.read_bytes()
    real_fsync, calls = os.fsync, []

    def fsync(fd):
        calls.append(fd)
        if len(calls) == 1:
            raise KeyboardInterrupt
        real_fsync(fd)
    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(KeyboardInterrupt):  # another model: C differs
        train(path, out, heldout=groups[:2], grid=dict(TINY, C=[1.0]), **QUICK, log=lambda s: None)
    monkeypatch.undo()
    assert len(calls) == 1
    assert (out.read_bytes(), card.read_bytes()) == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert load_model(out).card["arrays_sha256"] == first.card["arrays_sha256"]


def test_pick_heldout_is_deterministic():
    groups = [f"g{i}" for i in range(40)]
    assert pick_heldout(groups) == pick_heldout(reversed(groups))
    assert len(pick_heldout(groups)) == 8


def test_estimator_plays_with_sklearn(corpus):
    recs = corpus[::12]
    X, y, g = [r.text for r in recs], [r.label for r in recs], [r.group for r in recs]
    est = StanceClassifier(calibrate=False)
    assert clone(est).get_params() == est.get_params()
    est.set_params(C=5.0)
    assert est.C == 5.0
    scores = cross_val_score(est, X, y, groups=g, cv=GroupKFold(3), scoring="f1_macro")
    assert scores.shape == (3,) and np.all(scores > 0.4)
    search = GridSearchCV(est, {"C": [1.0, 10.0]}, cv=GroupKFold(3), scoring="f1_macro")
    search.fit(X, y, groups=g)
    assert search.best_params_["C"] in (1.0, 10.0)
    fitted = StanceClassifier().fit(X, y, groups=g)
    assert list(fitted.classes_) == ["accusation", "denial", "warning", "conciliation", "neutral"]
    assert fitted.temperature_ > 0 and fitted.n_features_ > 1000
    proba = fitted.predict_proba(X[:10])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_estimator_rejects_bad_training_input():
    est = StanceClassifier()
    with pytest.raises(ValueError, match="unknown label"):
        est.fit(["a", "b"], ["neutral", "angry"])
    with pytest.raises(ValueError, match="no training example"):
        est.fit(["a", "b"], ["neutral", "warning"])
    with pytest.raises(ValueError, match="2 texts but 1 labels"):
        est.fit(["a", "b"], ["neutral"])
    with pytest.raises(TypeError, match="position 1"):
        est.fit(["a", None], ["neutral", "neutral"])
    with pytest.raises(ValueError, match="nb_alpha must be positive"):
        StanceClassifier(nb_alpha=0.0).fit(list("abcde"), list(LABELS))


def test_sample_weight_counts_like_repetition(corpus):
    """A sentence weighted 3 pulls the model as three copies of it would: here, a neutral
    sentence weighted up is pushed towards neutral; bad weights are refused by name."""
    recs = corpus[::7]
    X, y = [r.text for r in recs], [r.label for r in recs]
    probe = next(i for i, r in enumerate(recs) if r.label == "neutral")
    plain = StanceClassifier(calibrate=False).fit(X, y)
    heavy = StanceClassifier(calibrate=False).fit(X, y, sample_weight=[50.0 if i == probe else 1.0
                                                                      for i in range(len(X))])
    n = list(plain.classes_).index("neutral")
    assert heavy.predict_proba([X[probe]])[0, n] > plain.predict_proba([X[probe]])[0, n]
    with pytest.raises(ValueError, match="sample_weight"):
        StanceClassifier(calibrate=False).fit(X, y, sample_weight=[1.0] * (len(X) - 1))
    with pytest.raises(ValueError, match="finite and positive"):
        StanceClassifier(calibrate=False).fit(X, y, sample_weight=[0.0] * len(X))


def test_missing_realdev_names_its_setting(tmp_path, monkeypatch):
    """The real-news dev set is one setting; a tool that needs it stops at once, naming it."""
    monkeypatch.setenv("STANCE_REALDEV", str(tmp_path / "nope.jsonl"))
    with pytest.raises(StanceError, match="nope.jsonl: set STANCE_REALDEV"):
        realdev_path()
    assert realdev_path(required=False) is None
    monkeypatch.setattr(StanceClassifier, "fit", lambda *a, **k: pytest.fail("fitted anyway"))
    with pytest.raises(StanceError, match="STANCE_REALDEV"):
        train_script.main(["--out", str(tmp_path / "m.npz")])
    assert not (tmp_path / "m.npz").exists()


@pytest.mark.skipif(REALDEV is None, reason="no real-news dev set (STANCE_REALDEV)")
def test_training_scores_realdev_for_measurement_only(small_data, tmp_path):
    """The recipe's realdev path: real news sentences scored by the final model and by the
    keyword baseline, recorded in the card, never trained on."""
    path, groups = small_data
    dev = realdev_records(REALDEV)
    model = train(path, tmp_path / "m.npz", heldout=groups[:2], grid=TINY, **QUICK,
                  extra_eval={"realdev": dev}, log=lambda s: None)
    metrics = model.card["metrics"]
    assert metrics["realdev"]["all"]["n"] == metrics["realdev_baseline"]["all"]["n"] == len(dev) > 300
    assert set(metrics["realdev"]) == {"all", "fr", "en"}
    assert metrics["realdev"] == evaluate([r.label for r in dev], model.predict([r.text for r in dev]),
                                          [r.lang for r in dev])
    assert "realdev" not in model.card["trained_on"]["counts"]["group"]
    assert load_model(tmp_path / "m.npz").card["metrics"]["realdev"] == metrics["realdev"]



def test_excluded_sentences_are_trained_on_as_if_absent(corpus, tmp_path):
    """``exclude`` (doc, index) pairs: the model is the one fitted without those lines, and the
    card counts them; held-out groups are scored whole."""
    groups = sorted({r.group for r in corpus if r.doc and r.index is not None})[:8]
    recs = [r for r in corpus if r.group in groups]
    left = {(r.doc, r.index) for r in recs[5::7] if r.group not in groups[:2]}
    full, kept = tmp_path / "full.jsonl", tmp_path / "kept.jsonl"
    for path, rows in ((full, recs), (kept, [r for r in recs if (r.doc, r.index) not in left])):
        path.write_text("".join(json.dumps(r.to_json(), ensure_ascii=False) + "\n" for r in rows),
                        encoding="utf-8")
    quiet = lambda s: None  # noqa: E731
    a = train(full, tmp_path / "a.npz", heldout=groups[:2], grid=TINY, **QUICK, exclude=left, log=quiet)
    b = train(kept, tmp_path / "b.npz", heldout=groups[:2], grid=TINY, **QUICK, log=quiet)
    assert a.card["left_out_of_training"] == len(left) > 0 and b.card["left_out_of_training"] == 0
    assert a.card["arrays_sha256"] == b.card["arrays_sha256"]
    assert a.card["metrics"]["heldout"] == b.card["metrics"]["heldout"]


def test_disagreements_are_the_sentences_the_second_pass_labels_otherwise(tmp_path):
    rows = [{"text": f"Phrase numéro {i} du récit.", "label": lab, "lang": "fr", "group": "g",
             "doc": "g_1", "index": i} for i, lab in enumerate(["neutral", "accusation", "denial"])]
    data = tmp_path / "stories.jsonl"
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    second = tmp_path / "second.jsonl"
    second.write_text("".join(json.dumps({"doc": "g_1", "index": i, "label": lab}) + "\n"
                              for i, lab in enumerate(["neutral", "neutral"])))
    assert train_script.disagreements(data, second) == {("g_1", 1)}
