"""The command line: outputs, formats and exit codes (0 ok, 1 bad input, 2 bad usage)."""
from __future__ import annotations

import csv
import dataclasses
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from stance import LABELS
from stance.cli import main

from .conftest import SEED_DOC, SEEDS


def run(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "stance", *args], input=stdin,
                          capture_output=True, text=True, timeout=300)


def test_analyze_seed_folder_table(capsys):
    assert main(["analyze", str(SEED_DOC.parent)]) == 0
    out = capsys.readouterr().out
    assert "000_0a744793bc5dba96.txt" in out and "(2021-12)" in out
    assert "denial" in out and "warning" in out and "tension" in out


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
def test_analyze_machine_formats(fmt, capsys):
    assert main(["analyze", "--format", fmt, str(SEED_DOC)]) == 0
    out = capsys.readouterr().out
    if fmt == "json":
        docs = json.loads(out)
        assert docs[0]["date"] == "2021-12" and len(docs[0]["sentences"]) == 12
    elif fmt == "jsonl":
        assert json.loads(out.splitlines()[0])["counts"]["denial"] >= 1
    else:
        rows = list(csv.DictReader(io.StringIO(out)))
        assert len(rows) == 12 and rows[3]["label"] == "denial"
        assert abs(sum(float(rows[0][f"p_{lab}"]) for lab in LABELS) - 1) < 1e-3


def test_analyze_stdin():
    r = run("analyze", "--format", "jsonl", "-", stdin=SEED_DOC.read_text(encoding="utf-8"))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["date"] == "2021-12"


def test_classify_args_and_stdin():
    r = run("classify", "Moscou dément toute implication.", "Kyiv accuses Moscow of shelling.")
    assert r.returncode == 0
    assert [line.split("\t")[0] for line in r.stdout.splitlines()] == ["denial", "accusation"]
    r = run("classify", "--format", "jsonl", stdin="Le ministre a salué l'accord.\n\nSecond.\n")
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert len(lines) == 3 and set(lines[0]["probabilities"]) == set(LABELS)  # the blank line too
    assert list(lines[0]) == ["text", "label", "confidence", "tension", "probabilities",
                              "source", "source_code", "target", "target_code"]


def test_progress_bar_on_a_terminal_or_when_asked(capsys, monkeypatch):
    folder = str(SEED_DOC.parent / "series")
    assert main(["analyze", "--format", "jsonl", folder]) == 0
    quiet = capsys.readouterr()
    assert quiet.err == ""  # stderr is no terminal here: no bar
    assert main(["analyze", "--format", "jsonl", "--progress", folder]) == 0
    shown = capsys.readouterr()
    assert shown.out == quiet.out and "analyze" in shown.err and "14/14" in shown.err
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert main(["analyze", "--format", "jsonl", folder]) == 0
    assert "14/14" in capsys.readouterr().err
    assert main(["analyze", "--format", "jsonl", "--no-progress", folder]) == 0
    assert capsys.readouterr().err == ""


def test_series_command(tmp_path):
    for month, text in [(1, "Les deux pays ont convenu de reprendre le dialogue."),
                        (2, "Le ministre a menacé de riposter avec fermeté.")]:
        (tmp_path / f"{month}.txt").write_text(f" date 2024-0{month} T\n\n{text}\n", encoding="utf-8")
    r = run("series", str(tmp_path))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[1].startswith("2024-01") and lines[2].startswith("2024-02")


def _strict_json(line):
    """json.loads that refuses NaN and Infinity, which are not JSON."""
    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")
    return json.loads(line, parse_constant=refuse)


def test_series_jsonl(capsys):
    folder = SEED_DOC.parent / "series"
    assert main(["series", "--format", "jsonl", str(folder)]) == 0
    rows = [_strict_json(line) for line in capsys.readouterr().out.splitlines()]
    import stance
    from stance.documents import expand_paths
    expected = stance.tension_series([stance.read_document(Path(p)) for p in expand_paths([folder])])
    assert [r["period"] for r in rows] == [p.period for p in expected] and len(rows) == 7
    for row, period in zip(rows, expected):
        assert row == dataclasses.asdict(period)
        assert row["low"] <= row["tension"] <= row["high"]
    assert sum(r["documents"] + r["duplicates"] for r in rows) == 14


def test_exit_codes_and_one_line_errors(tmp_path):
    r = run("analyze", str(tmp_path / "missing.txt"))
    assert r.returncode == 1 and r.stderr.startswith("stance: error:") and "Traceback" not in r.stderr
    bad = tmp_path / "bin.txt"
    bad.write_bytes(b"\x00\x01\x02")
    r = run("analyze", str(bad))
    assert r.returncode == 1 and "binary" in r.stderr and len(r.stderr.splitlines()) == 1
    r = run("analyze", "--model", str(bad), str(SEED_DOC))
    assert r.returncode == 1 and "not a stance model file (expected .npz" in r.stderr
    assert run("analyze").returncode == 2
    assert run("frobnicate").returncode == 2
    assert run("analyze", "--format", "xml", str(SEED_DOC)).returncode == 2


@pytest.mark.parametrize("cmd", [[], ["analyze"], ["classify"], ["series"], ["train"], ["evaluate"]])
def test_help_everywhere(cmd):
    r = run(*cmd, "--help")
    assert r.returncode == 0 and "usage: stance" in r.stdout


def test_train_and_evaluate_on_user_file(tmp_path, corpus):
    groups = sorted({r.group for r in corpus})[:6]
    data = tmp_path / "mine.jsonl"
    data.write_text("".join(json.dumps(r.to_json(), ensure_ascii=False) + "\n"
                            for r in corpus if r.group in groups), encoding="utf-8")
    out = tmp_path / "model.npz"
    r = run("train", "--data", str(data), "--out", str(out), "--quick", "--heldout", groups[0],
            "--folds", "3")
    assert r.returncode == 0, r.stderr
    assert out.is_file() and "held-out groups" in r.stderr
    r = run("evaluate", "--data", str(data), "--model", str(out), "--format", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["model"]["all"]["macro_f1"] > 0.5
    r = run("classify", "--model", str(out), "Le ministre dément.")
    assert r.returncode == 0


def test_train_rejects_bad_file_with_lines(tmp_path):
    data = tmp_path / "bad.jsonl"
    data.write_text('{"text": "x", "label": "joy", "lang": "fr", "group": "g"}\nnot json\n', encoding="utf-8")
    r = run("train", "--data", str(data), "--out", str(tmp_path / "m.npz"))
    assert r.returncode == 1
    assert f"{data}:1: unknown label" in r.stderr and f"{data}:2: invalid JSON" in r.stderr
    assert not (tmp_path / "m.npz").exists()


def test_evaluate_takes_files_without_groups(tmp_path, corpus):
    data = tmp_path / "eval.jsonl"
    data.write_text("".join(json.dumps({"text": r.text, "label": r.label, "lang": r.lang},
                                       ensure_ascii=False) + "\n" for r in corpus[:50]), encoding="utf-8")
    r = run("evaluate", "--data", str(data), "--format", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["model"]["all"]["n"] == 50


WITHOUT_TRAIN_EXTRA = ("import sys\n"
                       "sys.modules.update(dict.fromkeys(['sklearn', 'scipy', 'threadpoolctl']))  # not installed\n"
                       "from stance.cli import main\n")


def test_without_the_train_extra(tmp_path):
    """Inference and evaluation need numpy only; training names the extra that it needs."""
    def cli(*args):
        return subprocess.run([sys.executable, "-c", WITHOUT_TRAIN_EXTRA + "sys.exit(main(sys.argv[1:]))",
                               *args], capture_output=True, text=True, timeout=300)
    r = cli("train", "--data", str(SEEDS), "--out", str(tmp_path / "m.npz"))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stderr.startswith("stance: error:") and "pip install 'stance[train]'" in r.stderr
    assert not (tmp_path / "m.npz").exists()
    r = subprocess.run([sys.executable, "-c", WITHOUT_TRAIN_EXTRA + "import stance\n"
                        "try:\n    stance.StanceClassifier\nexcept stance.StanceError as exc:\n    print(exc)"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and "pip install 'stance[train]'" in r.stdout
    r = cli("evaluate", "--data", str(SEEDS / "seed_documents.jsonl"), "--format", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["model"]["all"]["n"] == 12
    r = cli("classify", "Moscou dément toute implication.")
    assert r.returncode == 0 and r.stdout.startswith("denial")



def _strict_json(text):
    """Parse JSON as a strict reader does: NaN and Infinity are not JSON."""
    def refuse(name):
        raise AssertionError(f"{name} in JSON output")
    return json.loads(text, parse_constant=refuse)


def test_every_json_output_is_valid_json(tmp_path, capsys):
    """An empty dated document once gave a NaN interval that `series --format jsonl` printed as
    NaN; empty documents are now left out of a series (with a warning) and every JSON writer
    refuses NaN."""
    (tmp_path / "a.txt").write_text(" date 2024-01 Kiev accuse Moscou\n\nLe ministre a menacé "
                                    "de représailles.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(" date 2024-02\n\n", encoding="utf-8")  # dated, empty
    assert main(["series", "--format", "jsonl", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    periods = [_strict_json(line) for line in out.splitlines()]
    assert [p["period"] for p in periods] == ["2024-01"] and "b.txt" in err
    for fmt in ("json", "jsonl"):
        assert main(["analyze", "--format", fmt, str(tmp_path)]) == 0
        out = capsys.readouterr().out
        docs = _strict_json(out) if fmt == "json" else [_strict_json(x) for x in out.splitlines()]
        assert docs[1]["sentences"] == [] and docs[1]["tension"] is None
    assert main(["classify", "--format", "jsonl", "Moscou dément."]) == 0
    _strict_json(capsys.readouterr().out)
    assert main(["evaluate", "--format", "json", "--data", str(SEEDS / "seed_documents.jsonl")]) == 0
    _strict_json(capsys.readouterr().out)


def test_json_writer_refuses_nan():
    from stance.cli import dumps
    with pytest.raises(ValueError):
        dumps({"low": float("nan")})
    assert dumps({"t": "é"}) == '{"t": "é"}'


def test_missing_annotation_path_is_named(tmp_path, capsys):
    assert main(["evaluate", "--data", str(tmp_path / "nope.jsonl")]) == 1
    err = capsys.readouterr().err
    assert f"{tmp_path / 'nope.jsonl'}: no such file or folder" in err and ":0:" not in err


def test_skip_bad_lists_bad_files_and_analyses_the_rest(tmp_path, capsys):
    """One bad file in a scraped folder no longer aborts the batch when --skip-bad is given."""
    (tmp_path / "a.txt").write_text("Moscou dément toute implication.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"PK\x03\x04\x00\x00binary")
    (tmp_path / "c.txt").write_bytes("Kiev accuse Moscou.".encode("latin-1") + b"\xe9")
    (tmp_path / "d.txt").write_text("Pékin a menacé Manille de représailles.\n", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    args = ["analyze", "--format", "jsonl", str(tmp_path), str(tmp_path / "gone.txt")]
    assert main(args) == 1  # without the flag: stop at the first bad file
    assert "b.txt: looks like a binary file" in capsys.readouterr().err
    assert main(["analyze", "--skip-bad", *args[1:], str(tmp_path / "empty")]) == 0
    out, err = capsys.readouterr()
    assert [json.loads(line)["document"] for line in out.splitlines()] == \
           [str(tmp_path / "a.txt"), str(tmp_path / "d.txt")]
    skipped = [line for line in err.splitlines() if line.startswith("stance: skipped: ")]
    assert len(skipped) == 4
    for reason in ("b.txt: looks like a binary file", "c.txt: not UTF-8", "gone.txt: no such file",
                   "empty: folder holds no document"):
        assert sum(reason in line for line in skipped) == 1, reason
    assert err.splitlines()[-1] == "stance: note: 4 bad file(s) skipped (--skip-bad), 2 analysed"


def test_classify_keeps_line_i_for_line_i():
    lines = "Le ministre a salué l'accord.\n\n   \nKyiv accuses Moscow of shelling.\r\n\n"
    for fmt in ("tsv", "jsonl"):
        r = run("classify", "--format", fmt, stdin=lines)
        assert r.returncode == 0, r.stderr
        out = r.stdout.splitlines()
        assert len(out) == 5
        labels = [x.split("\t")[0] if fmt == "tsv" else json.loads(x)["label"] for x in out]
        assert labels[0] == "conciliation" and labels[3] == "accusation"
        assert labels[1] == labels[2] == labels[4] == "neutral"  # nothing to read
    r = run("classify", "Moscou dément.\tKiev accuse.", "", "Paris salue\nl'accord.")
    assert [len(x.split("\t")) for x in r.stdout.splitlines()] == [3, 3, 3]


def test_help_is_whole_and_shows_defaults():
    """The description once stopped mid-sentence, series --help said "95%%", and most options
    had no help: every argument of every command has help, and defaults are shown."""
    from stance.cli import build_parser
    parser = build_parser()
    assert parser.description.endswith(".") and "and train or evaluate models" in parser.description
    commands = parser._subparsers._group_actions[0].choices
    assert set(commands) == {"analyze", "classify", "series", "report", "train", "evaluate"}
    for name, sub in commands.items():
        for action in sub._actions:
            assert action.help, f"stance {name}: {action.dest} has no help"
        text = sub.format_help()
        assert "%%" not in text, name
        for action in sub._actions:
            if action.option_strings and action.default not in (None, False, "==SUPPRESS=="):
                assert f"(default: {action.default})" in " ".join(text.split()), (name, action.dest)
    assert "95% bootstrap" in " ".join(commands["series"].format_help().split())
