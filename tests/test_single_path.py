"""One text's path (``classify``) against the batch's (``predict_proba``): the same answers
whatever the text, whichever path saw a word first, and whatever look-up structure is in use."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stance import LABELS
from stance.features import SortedLookup
from stance.model import Model

any_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)
# cue words, repeated at will: n-grams that occur twice, words with repeated character n-grams
cue_text = st.lists(st.sampled_from("Moscou accuse accuse dément menace l’ n' Otan « » talks warn "
                                    "deny pourparlers ligne rouge ssss aaaa éé e\u0301 . , !".split(" ")),
                    max_size=30).map(" ".join)


def _fresh(model: Model) -> Model:
    """A copy of ``model`` with empty caches and no look-up table built yet."""
    return Model(model._arrays, model.card)


def _proba_one(model: Model, text: str) -> list[float]:
    return [model.classify(text).probabilities[lab] for lab in LABELS]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(any_text, cue_text), min_size=1, max_size=8))
def test_one_text_path_equals_the_batch_path(fitted, batch):
    """Each path on a model of its own, so each computes the rows of the words it meets."""
    _, model = fitted
    one, many = _fresh(model), _fresh(model)
    got = np.array([_proba_one(one, t) for t in batch])
    np.testing.assert_allclose(got, many.predict_proba(batch), rtol=0, atol=1e-12)
    assert [one.classify(t).label for t in batch] == many.predict(batch)


def test_one_text_path_equals_the_batch_path_on_the_corpus(fitted, texts):
    """Over the corpus the one-text path also switches from binary search to dicts (see
    SortedLookup): answers before and after the switch are the batch's."""
    _, model = fitted
    one = _fresh(model)
    sample = texts[::4]
    got = np.array([_proba_one(one, t) for t in sample])
    np.testing.assert_allclose(got, _fresh(model).predict_proba(sample), rtol=0, atol=1e-12)
    if one.chars is not None:
        assert one.chars.columns.built  # the switch happened on the way
    assert all(lookup.built for lookup in one.words._lookups)


def test_a_full_word_cache_starts_afresh_and_answers_the_same(fitted, texts, monkeypatch):
    """Beyond MAX_CACHED_WORDS the character cache is emptied, in the middle of a sentence's
    look-up or of a batch's: the row ids looked up before must not be used."""
    from stance import chars

    _, model = fitted
    if model.chars is None:
        pytest.skip("model without character n-grams")
    sample = texts[:120]
    expected = _fresh(model).predict_proba(sample)
    monkeypatch.setattr(chars, "MAX_CACHED_WORDS", 60)  # a sentence or two fill it
    small = _fresh(model)
    got = np.array([_proba_one(small, t) for t in sample])
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
    np.testing.assert_allclose(small.predict_proba(sample[:3]), expected[:3], rtol=0, atol=1e-12)
    assert small.chars._n <= 60 + max(len(t.split()) for t in sample[:3]) * 3


def test_character_rows_do_not_depend_on_how_many_words_come_together(texts):
    """A word's cached row (its class scores and squared norm) is the same computed alone,
    with the few new words of one sentence, or with the thousands of a batch."""
    import stance
    from stance.chars import char_words

    shipped = stance.default_model()
    extra = ["aaaa", "ssss", "l'otan", "x", "", "\x00a", "a\x00", "ab\x00"]  # repeats, NULs
    words = list(dict.fromkeys([w for t in texts[:400] for w in char_words(t)] + extra))
    alone, few, batch = (_fresh(shipped).chars for _ in range(3))
    for w in words:
        alone._add([w])
    for i in range(0, len(words), 3):
        few._add(words[i:i + 3])
    batch._add(words)
    rows = [c._rows[[c._row[w] for w in words]] for c in (alone, few, batch)]
    np.testing.assert_allclose(rows[0], rows[2], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(rows[1], rows[2], rtol=1e-12, atol=1e-12)
    assert (rows[2][:, -1] > 0).sum() > len(words) * 0.9  # nearly every word has known n-grams


def test_one_sentence_builds_none_of_the_batch_tables():
    """What a cold start pays for: one sentence needs no hash table, no n-gram dictionary."""
    import stance

    model = _fresh(stance.default_model())
    model.classify("Moscou dément toute implication.")
    assert "_tables" not in model.words.__dict__
    assert not model.chars.columns.built
    assert not any(lookup.built for lookup in model.words._lookups)
    model.classify_many(["Moscou dément toute implication."] * 3)
    assert "_tables" in model.words.__dict__


def _lookups(keys: list, values: list) -> tuple[SortedLookup, dict]:
    """A SortedLookup over ``keys`` as numpy holds them (sorted, unique), and the dict that
    ``keys`` make."""
    arr = np.array(keys)
    arr, first = np.unique(arr, return_index=True)
    vals = np.asarray(values)[first]
    return SortedLookup(arr, vals), dict(zip(arr.tolist(), vals.tolist()))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=6), min_size=1, max_size=40, unique=True),
       st.lists(st.text(max_size=6), max_size=40))
def test_sorted_lookup_of_strings_equals_a_dict(keys, query):
    """NULs too: numpy drops a string's trailing NULs, the look-up must not find "ab\\x00"
    as "ab"."""
    lookup, table = _lookups(keys, list(range(len(keys))))
    query = query + keys[:5] + [k + "\x00" for k in keys[:5]]
    expected = [table.get(q, -1) for q in query]
    assert lookup._search(query) == expected
    assert lookup._search(query, absent=-7) == [table.get(q, -7) for q in query]
    assert lookup(query) == expected
    assert lookup.table == table
    assert lookup(query) == expected
    assert lookup(query, absent=len(keys)) == [table.get(q, len(keys)) for q in query]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 2 ** 40), min_size=1, max_size=60),
       st.lists(st.integers(-1, 2 ** 40), max_size=60))
def test_sorted_lookup_of_integers_equals_a_dict(keys, query):
    lookup, table = _lookups(keys, list(range(len(keys))))
    query = query + keys[:10]
    assert lookup._search(query) == [table.get(q, -1) for q in query]


def test_sorted_lookup_builds_its_dict_once_the_searches_add_up_to_its_keys():
    lookup, table = _lookups([f"k{i:03d}" for i in range(100)], list(range(100)))
    query = [f"k{i:03d}" for i in range(0, 200, 7)]  # 29 keys, half of them absent
    for _ in range(3):  # 87 keys searched: under the budget of 100
        assert lookup(query) == [table.get(q, -1) for q in query]
    assert not lookup.built
    assert lookup(query) == [table.get(q, -1) for q in query]  # 116: over it
    assert lookup.built and lookup.table == table
    assert lookup([]) == [] and lookup._search([]) == []


@pytest.mark.parametrize("query", [[], ["a"], ["\x00"]])
def test_sorted_lookup_of_nothing_finds_nothing(query):
    empty = SortedLookup(np.array([], dtype="<U1"), np.array([], dtype=np.int64))
    assert empty(query) == [-1] * len(query)
