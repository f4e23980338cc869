"""The annotated corpus: the validator, the counts the project promises, and the grouped split."""
from __future__ import annotations

import json
import re
import shutil
from collections import Counter

import pytest

from stance import LABELS, AnnotationError
from stance.corpus import counts, load_annotations, near_duplicates, split_by_group
from stance.text import fold, shingles

from .conftest import REALDEV, SEED_DOC, SEEDS


def test_seed_corpus_validates(corpus):
    assert len(corpus) >= 3000


def test_corpus_meets_its_targets(corpus):
    c = counts(corpus)
    assert all(c["label"][lab] >= 500 for lab in LABELS), c["label"]
    assert c["lang"]["fr"] / len(corpus) >= 0.55
    assert set(c["lang"]) == {"fr", "en"}
    assert len(c["group"]) >= 40
    assert max(c["group"].values()) / len(corpus) <= 0.15


def test_every_annotated_document_is_annotated_whole_and_in_order(corpus):
    """Stories and their sentences stay one: each document with annotations (the held-out
    waves' too) splits into exactly its annotated sentences, headline first."""
    from stance import read_document
    docs = {p.stem: p for p in SEED_DOC.parent.rglob("*.txt")}
    by_doc: dict = {}
    for r in list(corpus) + load_annotations(SEEDS.parent / "heldout"):
        if r.doc is not None:
            by_doc.setdefault(r.doc, []).append(r)
    assert len(by_doc) >= 200
    for name, recs in by_doc.items():
        assert name in docs, f"annotations of {name} but no document seeds/documents/**/{name}.txt"
        recs.sort(key=lambda r: r.index)
        doc = read_document(docs[name])
        sentences = doc.sentences
        assert [r.index for r in recs] == list(range(len(sentences))), name
        assert [r.text for r in recs] == [s.text for s in sentences], name
        # identified in its annotated language, every sentence read
        assert {r.lang for r in recs} == {doc.lang} == {s.lang for s in sentences}, name


def test_story_sentences_name_their_actors(corpus):
    stories = [r for r in corpus if r.doc is not None and r.doc != SEED_DOC.stem]
    acts = [r for r in stories if r.label != "neutral"]
    assert len(stories) >= 4000
    assert sum(r.actors is not None for r in acts) / len(acts) >= 0.95
    assert not [r.text for r in stories if r.label == "neutral" and r.actors]


def test_hard_cases_say_why(corpus):
    assert all(r.note for r in corpus if r.hard)


def test_no_near_duplicates(corpus):
    assert near_duplicates(corpus) == []


def test_seed_document_fully_annotated_in_order(corpus):
    from stance import read_document
    doc = read_document(SEED_DOC)
    annotated = sorted((r for r in corpus if r.doc == SEED_DOC.stem), key=lambda r: r.index)
    assert [r.index for r in annotated] == list(range(len(doc.sentences)))
    assert [r.text for r in annotated] == [s.text for s in doc.sentences]
    assert Counter(r.label for r in annotated)["conciliation"] >= 6


def test_seed_document_is_copied_unchanged():
    shared = SEEDS.parent.parent.parent / "shared" / "seeds" / SEED_DOC.name
    if not shared.is_file():
        pytest.skip("shared seeds not beside the project")
    assert SEED_DOC.read_bytes() == shared.read_bytes()


@pytest.mark.skipif(REALDEV is None, reason="no real-news dev set (STANCE_REALDEV)")
def test_no_realdev_sentence_leaks_into_the_corpus(corpus):
    dev = [json.loads(line)["text"] for line in open(REALDEV, encoding="utf-8") if line.strip()]
    dev_keys = {fold(t) for t in dev}
    assert not [r.text for r in corpus if fold(r.text) in dev_keys]
    dev_sets = [shingles(t, 5) for t in dev]
    for r in corpus:  # a near copy shares at least half of its word 5-grams with a dev sentence
        mine = shingles(r.text, 5)
        for d in dev_sets:
            shared = len(mine & d)
            assert shared < 3 or shared / min(len(mine), len(d)) < 0.5, r.text


def test_grouped_split_keeps_groups_whole(corpus):
    groups = sorted({r.group for r in corpus})
    held = groups[:5]
    train, test = split_by_group(corpus, held)
    assert {r.group for r in test} == set(held)
    assert not {r.group for r in train} & set(held)
    assert len(train) + len(test) == len(corpus)
    with pytest.raises(ValueError, match="not in the corpus"):
        split_by_group(corpus, ["atlantis-lemuria"])


GOOD = {"text": "Le ministre a salué la reprise du dialogue.", "label": "conciliation",
        "lang": "fr", "group": "g1"}


def _write(path, lines):
    path.write_bytes(b"\n".join(x if isinstance(x, bytes) else x.encode() for x in lines) + b"\n")


def _line(**changes):
    rec = dict(GOOD, **changes)
    return json.dumps({k: v for k, v in rec.items() if v is not ...}, ensure_ascii=False)


def test_corrupted_copy_fails_with_every_line(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "seeds")
    target = sorted((tmp_path / "seeds").glob("*.jsonl"))[0]
    lines = target.read_bytes().splitlines()
    first = json.loads(lines[0])
    lines[2] = b'{"text": "broken json",'
    lines[4] = _line(label="anger").encode()
    lines[6] = json.dumps(dict(json.loads(lines[6]), text="   ")).encode()
    lines[8] = b"\xff\xfe not utf-8"
    lines[10] = json.dumps({k: v for k, v in json.loads(lines[10]).items() if k != "group"}).encode()
    other = "denial" if first["label"] != "denial" else "warning"
    lines[12] = json.dumps(dict(first, label=other), ensure_ascii=False).encode()
    target.write_bytes(b"\n".join(lines) + b"\n")
    with pytest.raises(AnnotationError) as info:
        load_annotations(tmp_path / "seeds")
    found = {(line, msg.split(" ")[0]) for f, line, msg in info.value.problems if f == str(target)}
    assert {line for line, _ in found} == {3, 5, 7, 9, 11, 13}
    text = str(info.value)
    for needle in ("invalid JSON", "unknown label 'anger'", "empty or whitespace", "not UTF-8",
                   "missing field(s) group", "labelled"):
        assert needle in text
    assert re.search(rf"{re.escape(str(target))}:13: same text as .*:1 ", text)


@pytest.mark.parametrize("line,message", [
    (_line(text=...), "missing field(s) text"),
    (_line(label=3), "must be a string"),
    (_line(also=["neutral"]), "secondary labels"),
    (_line(also="denial"), "must be list"),
    ('["a", "list"]', "expected a JSON object"),
    (_line(lang=""), "unknown lang ''"),
    (_line(lang="de"), "unknown lang 'de': the model is trained for fr and en only (expected one of 'fr', 'en')"),
    (_line(lang="EN"), "lang 'EN' must be lower case: write 'en'"),
    (_line(group=" "), "empty group"),
    (_line(actors={"source": "Pyongyang"}), "not an exact substring"),
    (_line(actors={"who": "x"}), "unknown key 'who'"),
    (_line(actors={"source_codes": "RUS"}), "must be list or null"),
    (_line(actors=["RUS"]), "'actors' must be dict"),
])
def test_each_bad_record_is_named(tmp_path, line, message):
    f = tmp_path / "a.jsonl"
    _write(f, [_line(), line])
    with pytest.raises(AnnotationError) as info:
        load_annotations(f)
    assert info.value.problems == [(str(f), 2, info.value.problems[0][2])]
    assert message in info.value.problems[0][2]


def test_duplicates_across_files_are_reported(tmp_path):
    _write(tmp_path / "a.jsonl", [_line()])
    _write(tmp_path / "b.jsonl", [_line(text=GOOD["text"].upper())])
    with pytest.raises(AnnotationError, match="duplicate of"):
        load_annotations(tmp_path)
    assert len(load_annotations(tmp_path, allow_duplicates=True)) == 2


def test_bom_and_blank_lines_are_fine(tmp_path):
    f = tmp_path / "a.jsonl"
    f.write_bytes(b"\xef\xbb\xbf" + _line().encode() + b"\n\n  \n" + _line(text="Autre phrase.").encode())
    assert [r.line for r in load_annotations(f)] == [1, 4]


def test_missing_path_is_an_annotation_error(tmp_path):
    """A missing path says so by its name (it once read "nope.jsonl:0:" and "['empty/']:0:")."""
    with pytest.raises(AnnotationError) as err:
        load_annotations(tmp_path / "nope.jsonl")
    assert err.value.lines() == [f"{tmp_path / 'nope.jsonl'}: no such file or folder"]
    (tmp_path / "empty").mkdir()
    with pytest.raises(AnnotationError) as err:
        load_annotations([str(tmp_path / "empty"), tmp_path / "gone"])
    assert err.value.lines() == [f"{tmp_path / 'empty'}: folder holds no annotation file (*.jsonl)",
                                 f"{tmp_path / 'gone'}: no such file or folder"]
    assert ":0:" not in str(err.value) and "[" not in str(err.value)


def test_actor_spans_are_kept(tmp_path):
    f = tmp_path / "a.jsonl"
    actors = {"source": "Le ministre", "target": None, "source_codes": ["FRA"], "target_codes": []}
    _write(f, [_line(actors=actors)])
    (rec,) = load_annotations(f)
    assert rec.actors == actors
    assert rec.to_json()["actors"] == actors
