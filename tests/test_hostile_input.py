"""Input built to hurt, or just unlucky: closed stdin, binary pipes, deep folders, special
files, undecodable file names, impossible dates, empty annotation files. Each gets a one-line
error or warning that says what it is, never a traceback or a quiet wrong answer."""
from __future__ import annotations

import json
import os
import shlex
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stance import LABELS, DocumentError, StanceError, StanceWarning, parse_document, read_document
from stance.corpus import annotation_files
from stance.documents import expand_paths


ROOT = Path(__file__).resolve().parent.parent
DOC = " date 2024-03 Pékin met en garde Manille\n\nManille dément toute provocation.\n"


def stance_cli(*args, stdin=None, env=None, shell_suffix=""):
    """Run ``python -m stance ARGS`` (through a shell when ``shell_suffix`` redirects)."""
    cmd = [sys.executable, "-m", "stance", *args]
    if shell_suffix:
        return subprocess.run(" ".join(map(shlex.quote, cmd)) + " " + shell_suffix, shell=True,
                              capture_output=True, cwd=ROOT, timeout=300, env=env)
    return subprocess.run(cmd, input=stdin, capture_output=True, cwd=ROOT, timeout=300, env=env)


# ---------------------------------------------------------------------------- standard input
@pytest.mark.parametrize("args", [["classify"], ["analyze", "-"], ["series", "-"]])
def test_closed_stdin_is_a_one_line_error(args):
    r = stance_cli(*args, shell_suffix="<&-")
    assert r.returncode == 1 and b"Traceback" not in r.stderr
    assert r.stderr.decode() == ("stance: error: standard input is closed: nothing to read (give "
                                 "files or texts as arguments, or pipe them in)\n")


@pytest.mark.parametrize("data", [b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)) * 4,
                                  b"Moscou d\xe9ment.\n", b"a\x00b\n"])
def test_binary_piped_to_classify_is_refused(data):
    r = stance_cli("classify", stdin=data)
    assert r.returncode == 1 and r.stdout == b""
    assert r.stderr.startswith(b"stance: error: <stdin>: ") and len(r.stderr.splitlines()) == 1
    assert b"binary" in r.stderr or b"not UTF-8" in r.stderr


def test_text_piped_to_classify_still_works():
    r = stance_cli("classify", stdin="Moscou dément toute implication.\r\nKyiv accuses Moscow.\n".encode())
    assert r.returncode == 0, r.stderr
    assert [line.split(b"\t")[0] for line in r.stdout.splitlines()] == [b"denial", b"accusation"]


# ---------------------------------------------------------------------------- folders and files
@pytest.fixture()
def deep(tmp_path):
    """A folder nested 1,000 deep, removed afterwards level by level (shutil.rmtree, and so
    pytest's own clean-up of old temporary folders, would recurse too deep)."""
    folder = tmp_path
    for _ in range(1000):  # not mkdir(parents=True): it recurses too
        folder = folder / "d"
        folder.mkdir()
    yield folder
    for entry in folder.iterdir():
        entry.unlink()
    while folder != tmp_path:
        folder.rmdir()
        folder = folder.parent


def test_folder_nested_a_thousand_deep(tmp_path, deep):
    (deep / "doc.txt").write_text(DOC, encoding="utf-8")
    (deep / "notes.jsonl").write_text('{"text": "Moscou dément.", "label": "denial", "lang": "fr", '
                                      '"group": "g"}\n', encoding="utf-8")
    with pytest.warns(StanceWarning, match="skipped 1 entry without a"):  # each the other's
        assert expand_paths([tmp_path]) == [str(deep / "doc.txt")]
    with pytest.warns(StanceWarning, match="skipped 1 entry without a"):
        assert annotation_files(tmp_path) == [deep / "notes.jsonl"]
    r = stance_cli("analyze", "--format", "jsonl", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["counts"]["denial"] == 1


@pytest.fixture()
def special(tmp_path):
    """A folder with a document, a named pipe, a socket and a broken link named like
    documents, a link to a folder, and a file of another suffix."""
    folder = tmp_path / "news"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "ok.txt").write_text(DOC, encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")
    (folder / "broken.txt").symlink_to("nowhere.txt")
    (folder / "loop").symlink_to(folder)
    (folder / "README.md").write_text("notes", encoding="utf-8")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(folder / "sock.txt"))
    yield folder
    sock.close()


def test_folder_run_lists_what_it_skipped(special):
    with pytest.warns(StanceWarning) as caught:
        assert expand_paths([special]) == [str(special / "sub" / "ok.txt")]
    said = sorted(str(w.message) for w in caught)
    assert said == sorted([
        f"{special / 'broken.txt'}: skipped, a broken symbolic link (to 'nowhere.txt'), not a document file",
        f"{special / 'pipe.txt'}: skipped, a named pipe (FIFO), not a document file",
        f"{special / 'sock.txt'}: skipped, a socket, not a document file",
        f"{special}: skipped 2 entries without a *.text/*.txt suffix (README.md, loop)"])
    r = stance_cli("analyze", "--format", "jsonl", str(special))
    assert r.returncode == 0 and len(r.stdout.splitlines()) == 1
    assert r.stderr.decode().count("stance: warning:") == 4
    assert f"stance: warning: {special / 'pipe.txt'}: skipped, a named pipe (FIFO)" in r.stderr.decode()


def test_files_given_directly_say_what_they_are(special):
    for name, what in [("broken.txt", "a broken symbolic link (to 'nowhere.txt')"), ("sock.txt", "a socket")]:
        with pytest.raises(DocumentError, match=rf"{name}: cannot read it: it is {what}".replace("(", r"\(")
                           .replace(")", r"\)")):
            read_document(special / name)
        r = stance_cli("analyze", str(special / name))
        assert r.returncode == 1
        assert r.stderr.decode() == f"stance: error: {special / name}: cannot read it: it is {what}\n"
    with pytest.raises(DocumentError, match="gone.txt: no such file"):
        read_document(special / "gone.txt")


def test_a_named_pipe_given_directly_is_read_as_a_stream(special):
    """``stance analyze <(curl ...)`` hands over a pipe: named, it is read like stdin."""
    writer = threading.Thread(target=(special / "pipe.txt").write_text, args=(DOC,), kwargs={"encoding": "utf-8"})
    writer.start()
    doc = read_document(special / "pipe.txt")
    writer.join(timeout=10)
    assert doc.date == "2024-03" and doc.sentences[-1].text == "Manille dément toute provocation."


# ---------------------------------------------------------------------------- output
def test_undecodable_file_name_on_a_strict_utf8_stdout(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / os.fsdecode(b"caf\xffe.txt")).write_text(DOC, encoding="utf-8")
    (folder / "b.txt").write_text(DOC, encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict"}
    r = stance_cli("analyze", "--format", "json", str(folder), env=env)
    assert r.returncode == 0, r.stderr
    docs = json.loads(r.stdout.decode("utf-8"))
    assert [Path(d["document"]).name for d in docs] == ["b.txt", "caf\\xffe.txt"]
    r = stance_cli("analyze", "--format", "jsonl", str(folder), env=env)
    assert [Path(json.loads(line)["document"]).name for line in r.stdout.splitlines()] == \
        ["b.txt", "caf\\xffe.txt"]
    for fmt in ("table", "csv"):
        r = stance_cli("analyze", "--format", fmt, str(folder), env=env)
        assert r.returncode == 0 and "caf\\xffe.txt" in r.stdout.decode("utf-8"), r.stderr
    r = stance_cli("classify", os.fsdecode(b"Moscou d\xe9ment."), env=env)
    assert r.returncode == 0 and r.stdout.decode("utf-8").endswith("Moscou d\\udce9ment.\n")


# ---------------------------------------------------------------------------- quiet wrong answers
@pytest.mark.parametrize("header,date", [(" date ٢٠٢١-٠٣", "2021-03"), (" date ２０２１-０３-０５", "2021-03-05"),
                                         (" date ۲۰۲۱-۰۳", "2021-03"), (" date 2021-03", "2021-03")])
def test_dates_in_other_digits_are_the_same_dates(header, date):
    assert parse_document(f"{header} Titre\n\nManille dément.\n").date == date


def test_other_digits_fall_in_the_same_period(tmp_path):
    for name, header in (("a.txt", " date 2021-03"), ("b.txt", " date ٢٠٢١-٠٣")):
        (tmp_path / name).write_text(f"{header} Titre\n\nManille dément toute provocation.\n", encoding="utf-8")
    r = stance_cli("series", "--format", "jsonl", str(tmp_path))
    assert r.returncode == 0, r.stderr
    periods = [json.loads(line) for line in r.stdout.splitlines()]
    assert [(p["period"], p["documents"]) for p in periods] == [("2021-03", 2)]


@pytest.mark.parametrize("date", ["2021-02-31", "2023-02-29", "2021-04-31", "0000-01"])
def test_impossible_dates_are_refused(date):
    with pytest.raises(DocumentError, match=rf"<text>: line 1: invalid date {date}"):
        parse_document(f" date {date} Titre\n\nTexte.\n")
    assert parse_document(" date 2024-02-29 Titre\n\nTexte.\n").date == "2024-02-29"


@pytest.mark.parametrize("command", ["evaluate", "train"])
def test_an_empty_annotation_file_is_an_error(tmp_path, command):
    data = tmp_path / "empty.jsonl"
    data.write_text("\n  \n", encoding="utf-8")
    args = ["--out", str(tmp_path / "m.npz")] if command == "train" else []
    r = stance_cli(command, "--data", str(data), *args)
    assert r.returncode == 1 and b"Traceback" not in r.stderr and b"n_splits" not in r.stderr
    assert f"{data}: holds no annotation (an empty file?)".encode() in r.stderr  # the file as a whole: no ":0"
    assert not (tmp_path / "m.npz").exists()


def test_folds_come_from_the_groups():
    from stance.recipe import choose_folds
    groups = ["a", "b", "c", "a", "b"]
    assert choose_folds(groups, ["c"], None) == 2
    assert choose_folds(list("abcdefgh"), ["h"], None) == 5
    assert choose_folds(list("abcdefgh"), ["h"], 7) == 7
    with pytest.raises(StanceError, match="5 cross-validation folds need 5 groups besides the held-out "
                                          "ones; there are 2: pass --folds 2"):
        choose_folds(groups, ["c"], 5)
    with pytest.raises(StanceError, match="training needs at least 3 groups .* the data has 2: a, b"):
        choose_folds(["a", "b"], ["a"], None)
    with pytest.raises(StanceError, match="after holding out a, b, 1 group"):
        choose_folds(groups, ["a", "b"], None)


def test_train_on_three_groups(tmp_path, corpus):
    from collections import Counter
    labels: dict = {}
    for r in corpus:
        labels.setdefault(r.group, Counter())[r.label] += 1
    groups = sorted(g for g, c in labels.items() if min(c.get(lab, 0) for lab in LABELS) >= 3)[:3]
    data = tmp_path / "mine.jsonl"
    data.write_text("".join(json.dumps(r.to_json(), ensure_ascii=False) + "\n"
                            for r in corpus if r.group in groups), encoding="utf-8")
    r = stance_cli("train", "--data", str(data), "--out", str(tmp_path / "m.npz"), "--quick")
    assert r.returncode == 0, r.stderr
    assert b"grouped 2-fold cross-validation" in r.stderr and (tmp_path / "m.npz").is_file()
    r = stance_cli("train", "--data", str(data), "--out", str(tmp_path / "m.npz"), "--quick", "--folds", "5")
    assert r.returncode == 1
    assert "\nstance: error: 5 cross-validation folds need 5 groups" in r.stderr.decode()


def test_a_fold_without_a_label_is_named_before_fitting():
    from stance.corpus import Record
    from stance.recipe import grouped_search
    records = [Record(f"phrase {i} {lab}", lab, "fr", "only-warnings" if lab == "warning" else f"g{i % 2}")
               for i in range(20) for lab in LABELS]
    with pytest.raises(StanceError, match="cross-validation fold [123] of 3 leaves no warning example to train "
                                          "on \\(they are all in the groups only-warnings\\)"):
        grouped_search(records, {"C": [1.0]}, folds=3, log=lambda s: None)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(), max_size=40))
def test_printable_names_always_encode(name):
    from stance.paths import printable
    shown = printable(name)
    shown.encode("utf-8")  # never raises, whatever surrogates the name holds
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        assert "\\" in shown
    else:
        assert shown == name


DIGIT_SCRIPTS = [chr(z) for z in (0x30, 0x660, 0x6F0, 0x966, 0x9E6, 0xE50, 0xFF10, 0x1D7CE)]
"""The zero of decimal digit sets: ASCII, Arabic-Indic, Persian, Devanagari, Bengali, Thai,
full-width, mathematical bold."""


@settings(max_examples=200, deadline=None)
@given(st.dates(), st.sampled_from(DIGIT_SCRIPTS), st.booleans())
def test_header_dates_in_any_digits(day, zero, with_day):
    def digits(n, width):
        return "".join(chr(ord(zero) + int(c)) for c in f"{n:0{width}d}")
    written = f"{digits(day.year, 4)}-{digits(day.month, 2)}" + (f"-{digits(day.day, 2)}" if with_day else "")
    doc = parse_document(f" date {written} Titre\n\nTexte.\n")
    assert doc.date == (day.isoformat() if with_day else day.isoformat()[:7])
