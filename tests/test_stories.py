"""The story pipeline's tools: skeletons that match the library's splitter, whole-story samples,
Cohen's kappa, and adjudications applied by document and index."""
from __future__ import annotations

import json

import pytest

from stance import read_document
from training.stories import agree, kappa, merge, sample, skeleton


@pytest.fixture()
def stories(tmp_path):
    texts = {
        "x-border_1": " date 2024-05 Tirs à la frontière\n\nDes tirs ont visé un poste. Le ministre a "
                      "accusé le voisin.\n\n« Nous répondrons », a-t-il dit.",
        "x-border_2": " date 2024-06 Talks resume\n\nThe two sides met on Monday. They agreed to "
                      "meet again.",
    }
    for name, text in texts.items():
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    meta = [{"doc": n, "lang": "fr" if n.endswith("1") else "en", "situation": "x-border",
             "tension": 3} for n in texts]
    (tmp_path / "stories.jsonl").write_text("".join(json.dumps(m) + "\n" for m in meta))
    return tmp_path


def test_skeleton_is_the_library_split_headline_first(stories):
    rows = skeleton(stories)
    for doc in ("x-border_1", "x-border_2"):
        mine = [r for r in rows if r["doc"] == doc]
        assert [r["text"] for r in mine] == [s.text for s in read_document(stories / f"{doc}.txt").sentences]
        assert [r["index"] for r in mine] == list(range(len(mine)))
    assert rows[0]["text"] == "Tirs à la frontière" and rows[0]["group"] == "x-border"


def test_skeleton_refuses_a_story_not_listed(stories):
    (stories / "x-border_3.txt").write_text("Texte.", encoding="utf-8")
    with pytest.raises(SystemExit, match="not listed"):
        skeleton(stories)


def test_sample_takes_whole_stories():
    rows = [{"doc": f"d{i // 10}", "index": i % 10} for i in range(200)]
    picked = sample(rows, 0.15)
    docs = {r["doc"] for r in picked}
    assert all(sum(r["doc"] == d for r in picked) == 10 for d in docs)
    assert 30 <= len(picked) <= 40
    assert sample(rows, 0.15) == picked  # deterministic


def test_kappa():
    assert kappa(["neutral", "warning"], ["neutral", "warning"]) == 1.0
    a = ["neutral"] * 8 + ["warning"] * 2
    b = ["neutral"] * 7 + ["warning"] * 3
    # po = 0.9, pe = 0.8*0.7 + 0.2*0.3 = 0.62
    assert kappa(a, b) == pytest.approx((0.9 - 0.62) / (1 - 0.62))


def test_agree_and_merge():
    first = [{"doc": "d", "index": i, "text": f"s{i}", "label": lab}
             for i, lab in enumerate(["neutral", "accusation", "denial"])]
    first[1]["actors"] = {"source": None, "target": None, "source_codes": ["FRA"], "target_codes": []}
    second = [dict(first[1], label="neutral"), dict(first[2])]
    figures, diffs = agree(first, second)
    assert figures["sentences"] == 2 and figures["agreement"] == 0.5
    assert [(d["index"], d["first"], d["second"]) for d in diffs] == [(1, "accusation", "neutral")]
    merged = merge(first, [{"doc": "d", "index": 1, "label": "neutral", "note": "adjudicated"}])
    assert merged[1]["label"] == "neutral" and "actors" not in merged[1]
    with pytest.raises(SystemExit, match="unknown sentences"):
        merge(first, [{"doc": "d", "index": 9, "label": "neutral"}])


def test_agree_reads_a_folder_of_annotation_files(tmp_path, capsys):
    from training.stories import main

    rows = [{"doc": "d", "index": i, "text": f"s{i}", "label": lab}
            for i, lab in enumerate(["neutral", "accusation", "denial", "warning"])]
    folder = tmp_path / "first"
    folder.mkdir()
    for k, part in enumerate((rows[:2], rows[2:])):
        (folder / f"wave{k}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in part))
    second = tmp_path / "second.jsonl"
    second.write_text("".join(json.dumps(dict(r, label="neutral")) + "\n" for r in rows))
    assert main(["agree", str(folder), str(second)]) == 0
    assert json.loads(capsys.readouterr().out)["sentences"] == 4


def test_second_pass_covers_every_story_sentence_once():
    """training/second_pass: the context-free annotation has one label per story sentence (the
    held-out waves 9 and 10 included), and the adjudications are exactly the sentences the two
    passes disagree on."""
    from pathlib import Path

    from stance.corpus import load_annotations
    from stance.labels import LABELS

    root = Path(__file__).resolve().parent.parent
    story = {(r.doc, r.index): r for r in load_annotations(
        [root / "seeds" / "sentences" / "stories", root / "seeds" / "heldout"])}
    read = [[json.loads(line) for line in open(root / "training" / "second_pass" / name, encoding="utf-8")]
            for name in ("context_free.jsonl", "adjudicated.jsonl")]
    blind = {(j["doc"], j["index"]): j for j in read[0]}
    assert len(blind) == len(read[0]) and blind.keys() == story.keys()
    assert {j["label"] for j in read[0] + read[1]} <= set(LABELS)
    disagree = {k for k, j in blind.items() if j["label"] != story[k].label}
    assert {(j["doc"], j["index"]) for j in read[1]} == disagree
    for j in read[1]:
        text = story[(j["doc"], j["index"])].text
        spans = [j.get("actors", {}).get(k) for k in ("source", "target")]
        assert all(s is None or s in text for s in spans)
