"""The numpy model: equal to the scikit-learn pipeline it was exported from, safe to load."""
from __future__ import annotations

import json
import os
import shutil
import time
import zipfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stance import LABELS, ModelError, StanceWarning
from stance.model import Model
from stance.persistence import arrays_digest, load_model

TRICKY = [
    "", "   ", "a \x00 b", "\x00", "menace \x00 dément", "\n\t", "…", "2024", "!!!", "l’Otan", "l'Otan", "« Aucune » menace", "NFD: e\u0301te\u0301",
    "Moscou n’a « jamais » menacé l’Ukraine, a dit M. Peskov.", "ÉTATS-UNIS", "İstanbul", "ǅemal",
    "مرحبا بكم", "日本と中国", "😀 menace 😀", "a" * 5000, "mot " * 3000,
]


def test_fast_path_equals_sklearn_on_corpus(fitted, texts):
    est, model = fitted
    sample = texts[::3] + TRICKY  # 8,000 sentences of every wave and both languages
    np.testing.assert_allclose(model.predict_proba(sample), est.predict_proba(sample), rtol=0, atol=1e-9)
    assert list(model.predict(sample)) == list(est.predict(sample))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200),
                min_size=1, max_size=8))
def test_fast_path_equals_sklearn_on_any_text(fitted, batch):
    est, model = fitted
    np.testing.assert_allclose(model.predict_proba(batch), est.predict_proba(batch), rtol=0, atol=1e-9)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from("Moscou accuse dément menace l’ n' Otan « » talks warn deny "
                                "pourparlers ligne rouge éé e\u0301 ’ ' . , !".split(" ")),
                min_size=0, max_size=40))
def test_fast_path_equals_sklearn_on_cue_word_soup(fitted, words):
    est, model = fitted
    text = " ".join(words)
    np.testing.assert_allclose(model.predict_proba([text]), est.predict_proba([text]), atol=1e-9)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.sampled_from("Moscou accuse dément menace « » “ ” \" talks warn "
                                         "mensonges ÉTATS e\u0301 \x00 , .".split(" ")),
                         max_size=20).map(" ".join), min_size=1, max_size=6))
def test_quoted_and_framing_words_are_read_alike_in_batch_and_alone(fitted, batch):
    """Quotation marks open and close anywhere, unbalanced, beside NUL: the batch path, the
    one-text path and scikit-learn find the same quoted and framing words."""
    est, model = fitted
    proba = model.predict_proba(batch)
    np.testing.assert_allclose(proba, est.predict_proba(batch), rtol=0, atol=1e-9)
    for text, row in zip(batch, proba):
        np.testing.assert_allclose(list(model.classify(text).probabilities.values()), row, atol=1e-9)


def test_save_load_roundtrip(fitted, tmp_path, texts):
    _, model = fitted
    path = model.save(tmp_path / "m.npz")
    again = load_model(path)
    np.testing.assert_array_equal(again.predict_proba(texts[:200]), model.predict_proba(texts[:200]))
    card = json.loads((tmp_path / "m.card.json").read_text())
    assert card["labels"] == list(LABELS)
    assert card["arrays_sha256"] == again.card["arrays_sha256"]
    assert {"python", "numpy", "scikit-learn"} <= set(card["versions"])
    assert card["hyperparameters"]["C"] == model.card["hyperparameters"]["C"]


def test_save_is_deterministic(fitted, tmp_path):
    """Saving a model twice, or saving the model a file loads, writes the same bytes: model
    file and card alike."""
    _, model = fitted
    a = model.save(tmp_path / "a.npz")
    time.sleep(1.1)  # a time stamp in the files would now differ
    b = model.save(tmp_path / "b.npz")
    c = load_model(a).save(tmp_path / "c.npz")
    assert a.read_bytes() == b.read_bytes() == c.read_bytes()
    cards = [(tmp_path / f"{x}.card.json").read_bytes() for x in "abc"]
    assert cards[0] == cards[1] == cards[2]


@pytest.fixture()
def saved(fitted, tmp_path):
    return fitted[1].save(tmp_path / "m.npz")


def test_truncated_model_is_refused(saved):
    data = saved.read_bytes()
    saved.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelError, match="not a readable stance model"):
        load_model(saved)


def test_garbage_model_is_refused(saved):
    saved.write_bytes(b"\x80\x04\x95 this is not a model at all")
    with pytest.raises(ModelError, match="m.npz"):
        load_model(saved)


def _rewrite(path, mutate):
    with np.load(path, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    mutate(arrays)
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)


def test_tampered_coefficients_are_refused(saved):
    def bump(a):
        a["coef"] = a["coef"] + 1e-3
    _rewrite(saved, bump)
    with pytest.raises(ModelError, match="SHA-256"):
        load_model(saved)


def test_pickled_payload_is_never_loaded(saved, tmp_path):
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    with np.load(saved, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    arrays["coef"] = np.array([Evil()], dtype=object)
    with open(saved, "wb") as fh:
        np.savez(fh, **arrays)
    with pytest.raises(ModelError):
        load_model(saved)
    assert not marker.exists()


def _recard(path, **changes):
    def mutate(a):
        card = json.loads(a["card"].tobytes())
        card.update(changes)
        a["card"] = np.frombuffer(json.dumps(card).encode(), dtype=np.uint8)
    _rewrite(path, mutate)


def test_other_format_version_is_refused(saved):
    _recard(saved, format_version=99)
    with pytest.raises(ModelError, match="format version 99"):
        load_model(saved)


def test_other_labels_are_refused(saved):
    _recard(saved, labels=["pro", "contra"])
    with pytest.raises(ModelError, match="labels"):
        load_model(saved)


def test_missing_model_file(tmp_path):
    with pytest.raises(ModelError, match="no such model file"):
        load_model(tmp_path / "nope.npz")


def test_zip_without_card_is_refused(tmp_path):
    path = tmp_path / "x.npz"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("coef.npy", b"junk")
    with pytest.raises(ModelError):
        load_model(path)


def _other_model(fitted):
    """The fitted model with one coefficient changed: what a new training run would save."""
    arrays = dict(fitted[1]._arrays)
    arrays["coef"] = arrays["coef"] + 1e-3
    return Model(arrays, fitted[1].card)


def _files(path):
    return path.read_bytes(), path.with_name(path.stem + ".card.json").read_bytes()


def test_interrupted_save_keeps_previous_model(saved, fitted, monkeypatch):
    before = _files(saved)

    def boom(fh, *args, **kwargs):
        fh.write(b"partial")
        raise KeyboardInterrupt
    monkeypatch.setattr(np.lib.format, "write_array", boom)
    with pytest.raises(KeyboardInterrupt):
        _other_model(fitted).save(saved)
    assert _files(saved) == before
    assert not [p for p in saved.parent.iterdir() if p.name.endswith(".tmp")]
    shutil.copy(saved, saved.with_name("copy.npz"))
    load_model(saved.with_name("copy.npz"))


@pytest.mark.parametrize("failing_write", [1, 2, 3])
def test_save_interrupted_on_either_file_leaves_a_model_that_loads(saved, fitted, monkeypatch,
                                                                    failing_write):
    """The model file is written first, then its readable card (the card inside the model is
    the truth): an interruption while the model file is flushed (1) leaves the previous pair;
    once it is renamed (2: its folder flushed; 3: the card flushed) the new model loads, and
    the side card it outdated is ignored with a StanceWarning."""
    before = _files(saved)
    real_fsync, calls = os.fsync, []

    def fsync(fd):
        calls.append(fd)
        if len(calls) == failing_write:
            raise KeyboardInterrupt
        real_fsync(fd)
    monkeypatch.setattr(os, "fsync", fsync)
    other = _other_model(fitted)
    with pytest.raises(KeyboardInterrupt):
        other.save(saved)
    monkeypatch.undo()
    assert not [p for p in saved.parent.iterdir() if p.name.endswith(".tmp")]
    if failing_write == 1:
        assert _files(saved) == before
        assert load_model(saved).card["arrays_sha256"] == fitted[1].card["arrays_sha256"]
        return
    assert _files(saved)[1] == before[1]
    with pytest.warns(StanceWarning, match="ignored, the card inside"):
        assert load_model(saved).card["arrays_sha256"] == arrays_digest(other._arrays)


def test_explain_names_ngrams_of_the_text(fitted):
    _, model = fitted
    text = "Le ministère a accusé Moscou de mentir et a rejeté toute négociation."
    label = model.classify(text).label
    expl = model.explain(text, top=5)
    assert 0 < len(expl) <= 5
    weights = [w for _, w in expl]
    assert weights == sorted(weights, reverse=True)
    from stance.chars import text_ngrams
    from stance.text import Analyzer
    grams = set(Analyzer((1, 3))(text)) | {"#" + g for g in text_ngrams(text, (2, 5))}
    assert all(g in grams for g, _ in expl)
    for other in LABELS:
        assert model.explain(text, top=3, label=other)
    with pytest.raises(ValueError, match="unknown label"):
        model.explain(text, label="anger")
    assert label in LABELS


def test_scalar_classify_equals_sklearn(fitted, texts):
    """classify() takes a path of its own for one text: it must agree with scikit-learn too."""
    est, model = fitted
    sample = texts[::5] + TRICKY
    expected = est.predict_proba(sample)
    got = np.array([[model.classify(t).probabilities[lab] for lab in LABELS] for t in sample])
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)
    assert [model.classify(t).label for t in sample] == list(est.predict(sample))


@pytest.mark.parametrize("a,b", [
    ('Il a parlé d\'une "ligne rouge".', "Il a parlé d’une « ligne rouge »."),
    ('"We will respond," he said.', "“We will respond,” he said."),
    ("L'Otan dément.", "L’Otan dément."),
])
def test_character_ngrams_ignore_typography(a, b):
    from stance.chars import text_ngrams
    assert sorted(text_ngrams(a, (2, 5))) == sorted(text_ngrams(b, (2, 5)))


def test_character_cache_gives_the_same_answer_cold_and_warm(fitted, texts):
    """Per-word rows are cached on first sight: a batch scored twice, or after other batches,
    or text by text, gets exactly the same probabilities."""
    _, model = fitted
    if model.char_ngram_range is None:
        pytest.skip("model without character n-grams")
    sample = texts[:300]
    first = model.predict_proba(sample)
    model.predict_proba(texts[300:2000])
    np.testing.assert_allclose(model.predict_proba(sample), first, rtol=0, atol=1e-12)
    singles = np.array([list(model.classify(t).probabilities.values()) for t in sample[:50]])
    np.testing.assert_allclose(singles, first[:50], rtol=0, atol=1e-9)


@pytest.mark.parametrize("text,quoted,framing", [
    ("« Ce sont des mensonges », a déclaré le ministre.", ["ce", "sont", "des", "mensonges"],
     ["a", "déclaré", "le", "ministre"]),
    ('Kiev called the claims "pure fiction" on Monday.', ["pure", "fiction"],
     ["kiev", "called", "the", "claims", "on", "monday"]),
    ("Moscou dénonce une “provocation”.", ["provocation"], ["moscou", "dénonce", "une"]),
    ("Moscou dénonce une provocation.", [], []),  # no quotation: no voiced word
    ("L'armée d'Israël n'a rien dit.", [], []),  # apostrophes are no quotation marks
])
def test_voices_split_a_sentence_into_what_it_quotes_and_its_frame(text, quoted, framing):
    from stance.text import voices
    assert voices(text) == (quoted, framing)


def test_quoted_words_count_only_in_a_model_fitted_with_them(corpus):
    from stance.estimator import StanceClassifier
    recs = corpus[::40]
    quoted = '« Ce sont des mensonges », a déclaré le ministre.'
    bare = quoted.replace("« ", "").replace(" »", "")
    for flag in (True, False):
        est = StanceClassifier(min_df=1, C=3.0, calibrate=False, quote_words=flag)
        model = est.fit([r.text for r in recs], [r.label for r in recs]).export()
        assert ("quoted_tokens" in model._arrays) is flag
        assert any(n.startswith("«") for n in model.feature_names()) is flag
        moved = not np.allclose(model.predict_proba([quoted]), model.predict_proba([bare]))
        assert moved is flag
        np.testing.assert_allclose(model.predict_proba([quoted]), est.predict_proba([quoted]))


def test_a_version_2_file_holding_quoted_words_is_refused(saved):
    _recard(saved, format_version=2)
    with pytest.raises(ModelError, match="only version 3"):
        load_model(saved)


def test_a_version_2_file_without_quoted_words_still_loads(corpus, tmp_path):
    from stance.estimator import StanceClassifier
    recs = corpus[::40]
    est = StanceClassifier(min_df=1, C=3.0, calibrate=False, quote_words=False)
    model = est.fit([r.text for r in recs], [r.label for r in recs]).export()
    path = model.save(tmp_path / "old.npz")
    _recard(path, format_version=2)
    again = load_model(path)
    np.testing.assert_array_equal(again.predict_proba([r.text for r in recs[:50]]),
                                  model.predict_proba([r.text for r in recs[:50]]))
