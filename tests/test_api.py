"""The public API on the shipped model: what a user calls and relies on."""
from __future__ import annotations

import json
import math
import subprocess
import sys
import unicodedata
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import stance
from stance import LABELS

from .conftest import REALDEV, SEEDS

any_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)


def _seed_doc_gold():
    rows = [json.loads(line) for line in open(SEEDS / "seed_documents.jsonl", encoding="utf-8")]
    return [(r["text"], r["label"]) for r in rows]


def test_golden_predictions_on_seed_document():
    gold = _seed_doc_gold()
    assert [stance.classify(t).label for t, _ in gold] == [lab for _, lab in gold]


def test_prediction_shape():
    p = stance.classify("Pékin accuse Washington de jouer avec le feu à Taïwan.")
    assert p.label in LABELS
    assert set(p.probabilities) == set(LABELS)
    assert math.isclose(sum(p.probabilities.values()), 1.0, abs_tol=1e-9)
    assert p.confidence == max(p.probabilities.values()) == p.probabilities[p.label]
    with pytest.raises(TypeError):
        p.probabilities["neutral"] = 1.0  # read-only


@pytest.mark.parametrize("text,label", [
    ("Le Kremlin a démenti jeudi toute implication dans le sabotage du gazoduc.", "denial"),
    ("Washington accuse Pékin de cyberattaques contre ses infrastructures.", "accusation"),
    ("The foreign ministry warned that any incursion would be met with force.", "warning"),
    ("Les deux pays sont convenus de reprendre les pourparlers la semaine prochaine.", "conciliation"),
])
def test_clear_cases(text, label):
    assert stance.classify(text).label == label


def test_classify_many_equals_classify(texts):
    sample = texts[::7] + ["", "   ", "😀", "l’Otan menace"]
    batch = stance.classify_many(sample)
    for t, b in zip(sample, batch):
        one = stance.classify(t)
        assert one.label == b.label
        assert one.probabilities == pytest.approx(b.probabilities, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(any_text)
def test_classify_never_raises_and_is_a_distribution(text):
    p = stance.classify(text)
    values = list(p.probabilities.values())
    assert all(math.isfinite(v) and 0.0 <= v <= 1.0 for v in values)
    assert math.isclose(sum(values), 1.0, abs_tol=1e-9)
    assert stance.classify(text) == p


@settings(max_examples=60, deadline=None)
@given(st.lists(any_text, max_size=20), st.randoms(use_true_random=False))
def test_batch_is_order_and_size_independent(batch, rnd):
    single = [stance.classify(t) for t in batch]
    order = list(range(len(batch)))
    rnd.shuffle(order)
    shuffled = stance.classify_many([batch[i] for i in order])
    for pos, i in enumerate(order):
        assert shuffled[pos].label == single[i].label
        assert shuffled[pos].probabilities == pytest.approx(single[i].probabilities, abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(any_text)
def test_nfc_and_nfd_give_the_same_answer(text):
    a = stance.classify(unicodedata.normalize("NFC", text))
    b = stance.classify(unicodedata.normalize("NFD", text))
    assert a.label == b.label and a.probabilities == pytest.approx(b.probabilities, abs=1e-12)


@pytest.mark.parametrize("straight,typographic", [
    ("L'Otan dément qu'il s'agisse d'une menace.", "L’Otan dément qu’il s’agisse d’une menace."),
    ('Il a parlé d\'une "ligne rouge".', "Il a parlé d’une « ligne rouge »."),
    ('"We will respond," he said.', "“We will respond,” he said."),
])
def test_apostrophes_and_quotes_do_not_matter(straight, typographic):
    a, b = stance.classify(straight), stance.classify(typographic)
    assert a.label == b.label and a.probabilities == pytest.approx(b.probabilities, abs=1e-12)


@pytest.mark.parametrize("text", ["", " ", "\n\t ", "12 345", "!!! ...", "😀😀"])
def test_text_without_words_is_neutral_and_certain(text):
    p = stance.classify(text)
    assert p.label == "neutral" and p.confidence == 1.0


@pytest.mark.parametrize("text", ["戦争と平和についての記事です", "Пример текста на русском языке без смысла",
                                  "한국어 문장입니다", "Ελληνικά κείμενο εδώ"])
def test_words_of_an_unseen_script_get_uniform_probabilities(text):
    """The README's 'don't know': neutral by the tie rule, every label at 0.2."""
    for p in (stance.classify(text), stance.classify_many([text])[0]):
        assert p.label == "neutral" and p.confidence == pytest.approx(0.2, abs=1e-12)
        assert list(p.probabilities.values()) == pytest.approx([0.2] * 5, abs=1e-12)


def test_batches_over_one_block_equal_text_by_text(texts):
    """A batch longer than one vectorised block (8,192 texts) is scored block by block; the
    rows on both sides of a boundary get the answers they get alone."""
    from stance.model import BLOCK
    model = stance.default_model()
    batch = (texts * 2)[:2 * BLOCK + 100]
    proba = model.predict_proba(batch)
    assert proba.shape == (len(batch), len(LABELS))
    around = [*range(BLOCK - 3, BLOCK + 3), *range(2 * BLOCK - 2, 2 * BLOCK + 2), len(batch) - 1]
    for i in around:
        alone = model.classify(batch[i])
        assert list(proba[i]) == pytest.approx(list(alone.probabilities.values()), abs=1e-12)
    assert [p.label for p in model.classify_many(batch)][BLOCK - 50:BLOCK + 50] == \
           [model.classify(t).label for t in batch[BLOCK - 50:BLOCK + 50]]


def test_long_text_is_handled():
    text = "Le ministre a accusé ses voisins de mentir. " * 25000  # ~1 MB
    assert len(text) > 1_000_000
    assert stance.classify(text).label == "accusation"


@pytest.mark.parametrize("bad", [None, b"bytes", 3, 2.5, ["nested"], {"a": 1}])
def test_non_text_raises_type_error(bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        stance.classify(bad)


def test_non_text_in_batch_names_position():
    with pytest.raises(TypeError, match="position 2"):
        stance.classify_many(["ok", "fine", None, "ok"])
    with pytest.raises(TypeError, match="single str"):
        stance.classify_many("a string is not a batch")


def test_threads_give_serial_answers(texts):
    sample = texts[:400]
    serial = [stance.classify(t) for t in sample]
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(stance.classify, sample))
        batches = list(pool.map(stance.classify_many, [sample[i::8] for i in range(8)]))
    assert [p.label for p in parallel] == [p.label for p in serial]
    assert [p.probabilities for p in parallel] == [p.probabilities for p in serial]
    for i in range(8):
        assert [p.label for p in batches[i]] == [p.label for p in serial[i::8]]


def test_explain_shipped():
    text = "Le Kremlin dément toute implication dans le sabotage."
    expl = stance.explain(text, top=5)
    assert 0 < len(expl) <= 5 and all(isinstance(g, str) and isinstance(w, float) for g, w in expl)
    assert any("dément" in g for g, _ in expl)
    assert stance.explain(text, top=3, label="warning")


def test_model_card_of_shipped_model(corpus):
    """The card describes the shipped model: fitted on seeds/sentences as they are (checksum and
    counts), held out the recipe's conflicts and scored on exactly their sentences, with
    hyper-parameters from the recipe's grid."""
    from stance.corpus import corpus_digest, counts
    from stance.recipe import DEFAULT_GRID
    from training.train import HELDOUT_GROUPS

    card = stance.default_model().card
    assert card["labels"] == list(LABELS)
    assert card["trained_on"]["sha256"] == corpus_digest(corpus)
    assert card["trained_on"]["counts"] == counts(corpus)
    assert card["heldout_groups"] == sorted(HELDOUT_GROUPS)
    heldout = [r for r in corpus if r.group in set(HELDOUT_GROUPS)]
    for key in ("heldout", "heldout_baseline"):
        assert card["metrics"][key]["all"]["n"] == len(heldout)
        assert {lang: m["n"] for lang, m in card["metrics"][key].items() if lang != "all"} == \
               {lang: sum(r.lang == lang for r in heldout) for lang in ("fr", "en")}
    for name, values in DEFAULT_GRID.items():
        assert card["hyperparameters"][name] in [list(v) if isinstance(v, tuple) else v for v in values]


@pytest.mark.skipif(REALDEV is None, reason="no real-news dev set (STANCE_REALDEV)")
def test_shipped_card_realdev_figures_are_the_models():
    """The realdev figures of the card (and so of the README) are what the shipped model scores."""
    from stance.metrics import evaluate
    from stance.recipe import realdev_records

    model = stance.default_model()
    dev = realdev_records(REALDEV)
    got = evaluate([r.label for r in dev], model.predict([r.text for r in dev]), [r.lang for r in dev])
    assert got == model.card["metrics"]["realdev"]


def test_import_is_light_and_inference_skips_sklearn():
    code = ("import sys, stance; assert 'numpy' not in sys.modules, 'numpy at import';"
            "stance.classify('Moscou dément.');"
            "assert not [m for m in sys.modules if m.startswith(('sklearn', 'scipy', 'threadpoolctl', 'tqdm'))], "
            "'a training or CLI dependency loaded'")
    subprocess.run([sys.executable, "-c", code], check=True)
