"""Model files built to hurt, and saves interrupted or read meanwhile: every one is a
ModelError naming the problem, in bounded memory, and the last good model stays loadable."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tracemalloc
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest

from stance import LABELS, ModelError, StanceWarning
from stance.persistence import arrays_digest, card_path, load_model

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def tiny(corpus):
    """A small model (word and character n-grams) fitted on a fortieth of the corpus."""
    from stance.estimator import StanceClassifier
    recs = corpus[::40]
    est = StanceClassifier(ngram_range=(1, 2), char_ngram_range=(2, 4), min_df=1, calibrate=False)
    est.fit([r.text for r in recs], [r.label for r in recs])
    return est.export({"note": "tiny test model"})


@pytest.fixture()
def saved(tiny, tmp_path):
    return tiny.save(tmp_path / "m.npz")


def read_raw(path):
    """The arrays and the card of a model file, as stored (no checks)."""
    with np.load(path, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    return arrays, json.loads(arrays.pop("card").tobytes())


def write_raw(path, arrays, card, rehash=True):
    """Write a model file as an attacker would: any arrays, any card, checksum recomputed."""
    card = dict(card, arrays_sha256=arrays_digest(arrays)) if rehash and isinstance(card, dict) else card
    with open(path, "wb") as fh:
        np.savez(fh, **arrays, card=np.frombuffer(json.dumps(card).encode(), dtype=np.uint8))


def peak_bytes(fn):
    """Peak memory traced (Python objects and numpy buffers) while ``fn`` runs."""
    tracemalloc.start()
    try:
        fn()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def refused(path):
    with pytest.raises(ModelError) as info:
        load_model(path)
    return str(info.value)


# ---------------------------------------------------------------------------- the archive
def test_extra_entry_is_refused_before_it_is_decompressed(saved):
    with zipfile.ZipFile(saved, "a", compression=zipfile.ZIP_DEFLATED) as z:
        with z.open("padding.npy", "w", force_zip64=True) as fh:
            block = bytes(1 << 22)
            for _ in range(64):  # 256 MB of zeros, 250 kB deflated
                fh.write(block)
    assert saved.stat().st_size < 2e6
    peak = peak_bytes(lambda: pytest.raises(ModelError, load_model, saved))
    assert peak < 16e6, f"{peak / 1e6:.0f} MB traced while refusing the file"
    assert "unexpected entry 'padding.npy'" in refused(saved)


def test_header_declaring_a_huge_array_is_refused_before_allocating(saved, tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from hostile import huge_header_model  # the benchmark's crafted file, from the tiny model
    crafted = huge_header_model(tmp_path, rows=10 ** 8, source=saved)
    peak = peak_bytes(lambda: pytest.raises(ModelError, load_model, crafted))
    assert peak < 16e6, f"{peak / 1e6:.0f} MB traced while refusing the file"
    assert "'coef' declares shape (100000000, 5)" in refused(crafted)


def test_entries_a_model_never_has_are_refused(saved, tmp_path):
    arrays, card = read_raw(saved)
    twice = tmp_path / "twice.npz"
    with zipfile.ZipFile(saved) as src, zipfile.ZipFile(twice, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile's own "Duplicate name" warning
            dst.writestr("coef.npy", src.read("coef.npy"))
    assert "'coef.npy' appears twice" in refused(twice)
    bz2 = tmp_path / "bz2.npz"
    with zipfile.ZipFile(saved) as src, zipfile.ZipFile(bz2, "w", zipfile.ZIP_BZIP2) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
    assert "compressed in a way stance never writes" in refused(bz2)
    arrays["coef"] = arrays["coef"].astype(object)
    with open(tmp_path / "obj.npz", "wb") as fh:
        np.savez(fh, **arrays, card=np.frombuffer(json.dumps(card).encode(), dtype=np.uint8))
    assert "array 'coef' has dtype |O, expected floats" in refused(tmp_path / "obj.npz")


def test_digest_hashes_in_place():
    arrays = {"coef": np.ones((2_000_000, 5)), "tokens": np.array(["a", "bc"] * 100_000)}
    before = arrays_digest({k: v.copy() for k, v in arrays.items()})
    peak = peak_bytes(lambda: arrays_digest(arrays))
    assert peak < 1e6, f"{peak / 1e6:.0f} MB traced while hashing 80 MB"
    assert arrays_digest(arrays) == before


@pytest.mark.parametrize("content", [
    b'{"text": "Moscou d\\u00e9ment.", "label": "denial", "lang": "fr", "group": "g"}\n',
    b"\x93NUMPY\x01\x00v\x00{'descr': '|O', 'fortran_order': False, 'shape': (1,), }",
    b"\x80\x04\x95 pickled", b"", b"\x00\x01\x02"])
def test_a_file_that_is_no_model_says_so(tmp_path, content):
    path = tmp_path / "annotations.jsonl"
    path.write_bytes(content)
    message = refused(path)
    assert message == f"{path}: not a stance model file (expected .npz written by stance train)"
    assert "allow_pickle" not in message


def test_cli_names_a_jsonl_given_as_model(tmp_path):
    path = tmp_path / "mine.jsonl"
    path.write_text('{"text": "x", "label": "denial", "lang": "fr", "group": "g"}\n', encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "stance", "classify", "--model", str(path), "Moscou dément."],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stderr == (f"stance: error: {path}: not a stance model file "
                        "(expected .npz written by stance train)\n")


def test_a_model_path_that_is_no_file_says_what_it_is(tmp_path):
    os.mkfifo(tmp_path / "pipe.npz")  # opening it would wait for a writer forever
    (tmp_path / "link.npz").symlink_to("gone.npz")
    assert refused(tmp_path / "pipe.npz").endswith("pipe.npz: not a model file: it is a named pipe (FIFO)")
    assert refused(tmp_path / "link.npz").endswith("not a model file: it is a broken symbolic link (to 'gone.npz')")
    assert refused(tmp_path).endswith("not a model file: it is a folder")
    assert refused(tmp_path / "none.npz").endswith("none.npz: no such model file")


def test_truncated_file_says_truncated(saved):
    saved.write_bytes(saved.read_bytes()[:-200])
    assert "truncated or corrupted" in refused(saved)


# ---------------------------------------------------------------------------- crafted content
@pytest.mark.parametrize("card,field", [
    ([], "must be a JSON object, got an array"), (None, "got null"), ("model", "got a string"),
    ({"labels": list(LABELS), "arrays_sha256": "0" * 64}, "format version None"),
    ({"format_version": 2, "labels": None}, "labels None"),
    ({"format_version": True, "labels": list(LABELS)}, "format version True"),
    ({"format_version": 2, "labels": list(LABELS), "arrays_sha256": 7}, "'arrays_sha256' is 7"),
    ({"format_version": 2, "labels": list(LABELS), "temperature": "hot"}, "'temperature' is a string"),
    ({"format_version": 2, "labels": list(LABELS), "metrics": []}, "'metrics' is an array"),
])
def test_crafted_card_is_refused_naming_the_field(saved, card, field):
    arrays, _ = read_raw(saved)
    write_raw(saved, arrays, card, rehash=not isinstance(card, dict) or "arrays_sha256" not in card)
    assert field in refused(saved)


def test_card_with_nan_or_deep_nesting_is_refused(saved):
    arrays, card = read_raw(saved)
    raw = json.dumps(card).replace('"note": "tiny test model"', '"note": NaN').encode()
    with open(saved, "wb") as fh:
        np.savez(fh, **arrays, card=np.frombuffer(raw, dtype=np.uint8))
    assert "not valid JSON" in refused(saved) and "NaN" in refused(saved)
    deep = b"[" * 100_000 + b"]" * 100_000
    with open(saved, "wb") as fh:
        np.savez(fh, **arrays, card=np.frombuffer(deep, dtype=np.uint8))
    assert "not valid JSON" in refused(saved)


def _set(name, value):
    def mutate(a):
        a[name] = value(a) if callable(value) else value
    return mutate


CRAFTED = {
    "temperature 0": (_set("temperature", np.array(0.0)), "'temperature' is 0.0, expected a finite number > 0"),
    "temperature < 0": (_set("temperature", np.array(-1.0)), "'temperature' is -1.0"),
    "temperature NaN": (_set("temperature", np.array(np.nan)), "'temperature' is nan"),
    "temperature inf": (_set("temperature", np.array(np.inf)), "'temperature' is inf"),
    "temperature as text": (_set("temperature", np.array("1.0")), "'temperature' has dtype <U3"),
    "NaN in coef": (_set("coef", lambda a: np.where(np.arange(a["coef"].size).reshape(a["coef"].shape) == 7,
                                                    np.nan, a["coef"])), "'coef' holds NaN or infinite"),
    "inf in intercept": (_set("intercept", lambda a: a["intercept"] + [0, 0, np.inf, 0, 0]),
                         "'intercept' holds NaN or infinite"),
    "NaN in idf": (_set("idf", lambda a: np.concatenate([[np.nan], a["idf"][1:]])), "'idf' holds NaN"),
    "idf of 0": (_set("idf", lambda a: np.concatenate([[0.0], a["idf"][1:]])), "'idf' holds values <= 0"),
    "coef transposed": (_set("coef", lambda a: np.ascontiguousarray(a["coef"].T)), "'coef' has shape (5,"),
    "coef of ints": (_set("coef", lambda a: a["coef"].astype(np.int64)), "'coef' has dtype <i8, expected floats"),
    "intercept too short": (_set("intercept", lambda a: a["intercept"][:3]), "'intercept' has shape (3,)"),
    "feature index out of range": (_set("feats1", lambda a: a["feats1"] + len(a["idf"])),
                                   "'feats1' holds values outside"),
    "negative char feature": (_set("char_feats", lambda a: -a["char_feats"]), "'char_feats' holds values outside"),
    "keys unsorted": (_set("keys1", lambda a: a["keys1"][::-1].copy()), "'keys1' is not sorted"),
    "keys and feats of other lengths": (_set("keys2", lambda a: a["keys2"][:-1]),
                                        "'keys2' and 'feats2' differ in length"),
    "order 3 with two orders of keys": (_set("order", np.array(3)), "'order' is 3"),
    "order as text": (_set("order", np.array("2")), "'order' has dtype <U1"),
    "other labels": (_set("labels", np.array(["a", "b", "c", "d", "e"])), "'labels' is ['a'"),
    "char range reversed": (_set("char_ngram_range", np.array([4, 2])), "'char_ngram_range' is [4, 2]"),
    "tokens as numbers": (_set("tokens", lambda a: np.arange(len(a["tokens"]))), "'tokens' has dtype"),
    "a scalar idf": (_set("idf", np.array(1.0)), "'idf' has shape ()"),
    "no coef": (lambda a: a.pop("coef"), "missing the array(s) coef"),
    "an unknown array": (_set("bias", np.zeros(5)), "unexpected entry 'bias.npy'"),
}


@pytest.mark.parametrize("name", CRAFTED)
def test_crafted_arrays_with_a_valid_checksum_are_refused(saved, name):
    mutate, message = CRAFTED[name]
    arrays, card = read_raw(saved)
    mutate(arrays)
    write_raw(saved, arrays, card)
    assert message in refused(saved)


def test_cli_refuses_a_crafted_model_in_one_line(saved):
    arrays, card = read_raw(saved)
    arrays["temperature"] = np.array(-1.0)  # would flip every prediction
    write_raw(saved, arrays, card)
    r = subprocess.run([sys.executable, "-m", "stance", "classify", "--model", str(saved), "Moscou dément."],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr.startswith("stance: error:") and "'temperature' is -1.0" in r.stderr
    assert len(r.stderr.splitlines()) == 1


def test_save_refuses_what_load_would_refuse(tiny, tmp_path):
    from stance.model import Model
    bad = Model({**tiny._arrays, "temperature": np.array(np.nan)}, tiny.card)
    with pytest.raises(ModelError, match="'temperature' is nan"):
        bad.save(tmp_path / "bad.npz")
    nan_card = Model(tiny._arrays, {**tiny.card, "metrics": {"heldout": {"all": {"macro_f1": float("nan")}}}})
    with pytest.raises(ModelError, match=r"field 'metrics.heldout.all.macro_f1' cannot be written as JSON"):
        nan_card.save(tmp_path / "bad.npz")
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------- saving
def test_side_card_that_disagrees_is_ignored_with_a_warning(saved, tiny):
    side = card_path(saved)
    card = json.loads(side.read_text())
    card["arrays_sha256"] = "0" * 64
    side.write_text(json.dumps(card))
    with pytest.warns(StanceWarning, match="describes another model: ignored"):
        again = load_model(saved)
    assert again.card["arrays_sha256"] == tiny.card["arrays_sha256"]
    side.write_text("{not json")
    with pytest.warns(StanceWarning, match="is unreadable"):
        load_model(saved)
    side.unlink()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert load_model(saved).card == again.card  # the model file alone is the model
    tiny.save(saved)
    assert json.loads(side.read_text())["arrays_sha256"] == again.card["arrays_sha256"]


def _other(tiny):
    from stance.model import Model
    return Model({**tiny._arrays, "coef": tiny._arrays["coef"] * 1.5}, tiny.card)


class Crash(BaseException):
    """The process dies here."""


@pytest.mark.parametrize("step", range(6))
def test_a_save_crashing_at_any_step_leaves_a_loadable_model(saved, tiny, monkeypatch, step):
    """A save takes 6 steps that reach the disk (the model's temporary file flushed, renamed
    over the model, the rename flushed; the same for the side card): dying after any of them
    leaves the old model or the new one, loadable."""
    import stance.persistence as persistence

    old, new = tiny.card["arrays_sha256"], None
    other = _other(tiny)
    calls = []

    def dying(real):
        def step_then_maybe_die(*args, **kwargs):
            calls.append(real.__name__)
            result = real(*args, **kwargs)
            if len(calls) == step + 1:
                raise Crash(real.__name__)
            return result
        return step_then_maybe_die

    monkeypatch.setattr(persistence.os, "fsync", dying(os.fsync))
    monkeypatch.setattr(persistence.os, "replace", dying(os.replace))
    with pytest.raises(Crash):
        other.save(saved)
    monkeypatch.undo()
    new = arrays_digest(other._arrays)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = load_model(saved).card["arrays_sha256"]
    assert got == (old if step == 0 else new), calls
    side_agrees = json.loads(card_path(saved).read_text())["arrays_sha256"] == got
    assert side_agrees == (not caught)


WRITER = """
import sys
sys.path.insert(0, {root!r})
from stance.persistence import load_model
a, b = load_model({a!r}), load_model({b!r})
for i in range({n}):
    (a if i % 2 else b).save({path!r})
"""


def test_readers_during_repeated_saves_always_get_a_whole_model(saved, tiny, tmp_path):
    a, b = tmp_path / "a.npz", tmp_path / "b.npz"
    tiny.save(a)
    _other(tiny).save(b)
    digests = {load_model(a).card["arrays_sha256"], load_model(b).card["arrays_sha256"]}
    writer = subprocess.Popen([sys.executable, "-c", WRITER.format(root=str(ROOT), a=str(a), b=str(b),
                                                                   n=60, path=str(saved))])
    loads = 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", StanceWarning)  # a side card of the other model: expected
            while writer.poll() is None or loads < 20:
                assert load_model(saved).card["arrays_sha256"] in digests | {tiny.card["arrays_sha256"]}
                loads += 1
    finally:
        writer.wait(timeout=120)
    assert writer.returncode == 0 and loads >= 20
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_entries_that_barely_deflate_are_stored_and_any_npz_reader_reads_the_file(saved, tiny):
    """The layout of a saved model: each entry deflated unless that saves less than a quarter
    (the coefficients), stored then; numpy.load reads every array back unchanged."""
    import zlib

    from stance.persistence import STORE_ABOVE

    with zipfile.ZipFile(saved) as zf:
        for info in zf.infolist():
            data = zf.read(info)
            deflates = len(zlib.compress(data, 6)) <= STORE_ABOVE * len(data)
            assert info.compress_type == (zipfile.ZIP_DEFLATED if deflates else zipfile.ZIP_STORED)
    arrays, _ = read_raw(saved)
    for name, value in tiny._arrays.items():
        np.testing.assert_array_equal(arrays[name], value)


def test_a_model_written_all_deflated_as_before_loads_and_answers_the_same(saved, tiny, texts):
    """Files of the same format version written before entries could be stored
    (numpy.savez_compressed) load unchanged."""
    arrays, card = read_raw(saved)
    with open(saved, "wb") as fh:
        np.savez_compressed(fh, **arrays, card=np.frombuffer(json.dumps(card).encode(), dtype=np.uint8))
    with zipfile.ZipFile(saved) as zf:
        assert {info.compress_type for info in zf.infolist()} == {zipfile.ZIP_DEFLATED}
    again = load_model(saved)
    np.testing.assert_array_equal(again.predict_proba(texts[:300]), tiny.predict_proba(texts[:300]))


def test_the_shipped_model_file_is_what_save_writes():
    """stance/data/model.npz was written by the current writer (same arrays, same card, same
    bytes): its coefficients are stored, which the cold start relies on."""
    from stance.persistence import zip_arrays

    path = ROOT / "stance" / "data" / "model.npz"
    arrays, card = read_raw(path)
    arrays["card"] = np.frombuffer(json.dumps(card, sort_keys=True).encode(), dtype=np.uint8)
    assert zip_arrays(arrays) == path.read_bytes()
    with zipfile.ZipFile(path) as zf:
        assert zf.getinfo("coef.npy").compress_type == zipfile.ZIP_STORED
