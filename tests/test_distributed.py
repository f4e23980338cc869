"""stance on a real Dask cluster gives exactly the single-process answers, loading the model
once per worker. Needs the extra ``stance[dask]``; skipped without it."""
from __future__ import annotations

import importlib
import os
import pickle
import random
import shutil
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import pytest

distributed = pytest.importorskip("dask.distributed")
pd = pytest.importorskip("pandas")

import dask.bag as db  # noqa: E402
import dask.dataframe as dd  # noqa: E402
import numpy as np  # noqa: E402

import stance  # noqa: E402
from stance import distributed as sd  # noqa: E402
from stance.analysis import analyze_many as _analyze_many, sentence_tension  # noqa: E402
from stance.errors import DocumentError  # noqa: E402
from stance.labels import LABELS  # noqa: E402
from stance.persistence import load_model  # noqa: E402
from stance.series import period_of  # noqa: E402


def analyze_many(paths, model):
    """The single-process reference: the files read by read_document, then analysed."""
    return _analyze_many([stance.read_document(p) for p in paths], model)


ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds" / "sentences"


@pytest.fixture(scope="module")
def model_path(tmp_path_factory) -> str:
    """A private copy of the shipped model, so a retrain landing meanwhile changes nothing here."""
    path = tmp_path_factory.mktemp("model") / "model.npz"
    shutil.copyfile(str(files("stance") / "data" / "model.npz"), path)
    return str(path)


@pytest.fixture(scope="module")
def model(model_path):
    return load_model(model_path)


@pytest.fixture(scope="module")
def texts(corpus) -> list[str]:
    """Every eighth corpus sentence (3,000): many partitions, and quick on two cores."""
    return [r.text for r in corpus[::8]]


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def docs(tmp_path_factory, texts) -> list[str]:
    """30 dated documents over two years in the native format, plus 2 undated ones."""
    folder = tmp_path_factory.mktemp("docs")
    rng = random.Random(7)
    paths = []
    for i in range(32):
        sents = rng.sample(texts, rng.randint(3, 25))
        head, body = sents[0].replace("\n", " "), sents[1:]
        paras = ["\n".join(body[j:j + 4]) for j in range(0, len(body), 4)]
        month = f"{2023 + i % 2}-{i % 12 + 1:02d}"
        header = f" date {month} {head}\n\n" if i < 30 else ""
        path = folder / f"doc_{i:02d}.txt"
        path.write_text(header + "\n\n".join(paras) + "\n", encoding="utf-8")
        paths.append(str(path))
    return paths


def test_classify_series_equals_single_process(client, texts, model, model_path):
    proba = model.predict_proba(texts)
    preds = model.classify_many(texts)
    index = pd.RangeIndex(1000, 1000 + len(texts))
    for series in (pd.Series(texts, index=index),
                   dd.from_pandas(pd.Series(texts, index=index), npartitions=7, sort=False)):
        lazy = sd.classify_series(series, model_path=model_path, partition_size=400)
        assert isinstance(lazy, dd.DataFrame)
        out = lazy.compute()
        assert list(out.columns) == ["label", "confidence", *[f"p_{lab}" for lab in LABELS], "tension"]
        assert isinstance(out["label"].dtype, pd.CategoricalDtype)
        assert all(out[c].dtype == np.float64 for c in out.columns[1:])
        assert out.index.equals(index)
        assert out["label"].astype(str).tolist() == [p.label for p in preds]
        assert (out[list(sd.PROBA_COLUMNS)].to_numpy() == proba).all()
        assert out["confidence"].tolist() == [p.confidence for p in preds]
        assert out["tension"].tolist() == [sentence_tension(p.probabilities) for p in preds]


def test_classify_bag_equals_single_process(client, texts, model, model_path):
    recs = sd.classify_bag(db.from_sequence(texts, npartitions=6), model_path).compute()
    preds = model.classify_many(texts)
    assert [r["text"] for r in recs] == texts
    assert [(r["label"], r["confidence"], r["probabilities"]) for r in recs] == \
           [(p.label, p.confidence, dict(p.probabilities)) for p in preds]


def test_analyze_bag_equals_single_process(client, docs, model, model_path):
    expected = analyze_many(docs, model)
    bag = db.from_sequence(docs, npartitions=5)
    assert sd.analyze_bag(bag, model_path, record="dict").compute() == [a.to_dict() for a in expected]
    summaries = sd.analyze_bag(bag, model_path).compute()
    assert summaries == [sd.summary(a) for a in expected]
    assert [s["tension"] for s in summaries] == [a.tension for a in expected]
    texts = [Path(p).read_text(encoding="utf-8") for p in docs]  # texts go through parse_document
    for bag in (db.from_sequence(texts, npartitions=3).map(stance.parse_document),
                db.from_sequence([t.encode() for t in texts], npartitions=3)):
        assert [r["tension"] for r in sd.analyze_bag(bag, model_path).compute()] == \
               [a.tension for a in expected]


def _pandas_periods(analyses, by, group):
    df = pd.DataFrame([{"date": a.document.date, "lang": a.document.lang, "tension": a.tension,
                        "n": len(a.sentences)} for a in analyses if a.document.date])
    df["period"] = [period_of(d, by) for d in df["date"]]
    keys = ["period"] + ([group] if group else [])
    return (df.groupby(keys).agg(tension=("tension", "mean"), documents=("tension", "size"),
                                 sentences=("n", "sum")).reset_index())


@pytest.mark.parametrize("by,group", [("month", None), ("quarter", "lang"), ("year", "lang")])
def test_tension_by_period_matches_pandas(client, docs, model, model_path, by, group):
    expected = _pandas_periods(analyze_many(docs, model), by, group)
    bag = sd.analyze_bag(db.from_sequence(docs, npartitions=4), model_path)
    from_bag = sd.tension_by_period(bag, by=by, group=group)
    frame = pd.DataFrame(bag.compute()).drop(columns=["counts"])
    from_ddf = sd.tension_by_period(dd.from_pandas(frame, npartitions=3), by=by, group=group)
    for got in (from_bag, from_ddf):
        assert list(got.columns) == list(expected.columns)
        assert got[expected.columns[:-3]].astype(str).equals(expected[expected.columns[:-3]].astype(str))
        assert got["documents"].tolist() == expected["documents"].tolist()
        assert got["sentences"].tolist() == expected["sentences"].tolist()
        np.testing.assert_allclose(got["tension"], expected["tension"], rtol=0, atol=1e-12)
    assert from_bag["documents"].sum() == 30  # the 2 undated documents are left out


def test_analyze_paths_local_workers_equal_analyze_many(docs, model, model_path, capsys):
    got = list(sd.analyze_paths(docs, workers=2, model_path=model_path, progress=True))
    assert got == analyze_many(docs, model)
    assert [a.document.path for a in got] == docs
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "analyze:" in captured.err and f"{len(docs)}/{len(docs)}" in captured.err


def test_analyze_paths_on_scheduler_with_shipped_model(client, docs):
    got = list(sd.analyze_paths(docs[::-1], scheduler=client.scheduler.address))
    shipped = stance.default_model()
    on_workers = {info["<default>"]["sha256"] for info in client.run(sd.worker_models).values()
                  if "<default>" in info}
    if on_workers != {shipped.card["arrays_sha256"]}:
        pytest.skip("the shipped model was replaced while the test ran")
    assert got == analyze_many(docs[::-1], shipped)


def test_analyze_paths_reports_missing_file(client, docs, tmp_path):
    with pytest.raises(DocumentError, match="no such file"):
        list(sd.analyze_paths([docs[0], str(tmp_path / "missing.txt")], client=client))


def test_analyze_paths_passes_over_bad_files_when_asked(client, docs, model, model_path, tmp_path):
    """stance analyze --skip-bad on a cluster: the workers hand back a bad file's reason in its
    place, the partition's other documents are analysed, and the order is kept."""
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"PK\x03\x04\x00\x00binary")
    paths = [docs[0], str(tmp_path / "missing.txt"), docs[1], str(binary), docs[2]]
    bad: list = []
    got = list(sd.analyze_paths(paths, client=client, model_path=model_path,
                                on_bad=lambda path, reason: bad.append((path, reason))))
    assert got == analyze_many(docs[:3], model)
    assert [p for p, _ in bad] == [paths[1], paths[3]]
    assert "no such file" in bad[0][1] and "looks like a binary file" in bad[1][1]


def test_tension_by_period_leaves_out_documents_without_tension(client, model_path):
    """Like tension_series: an empty dated document, or one in a language the model does not
    read, has no tension and is not counted (no NaN, no None in a sum)."""
    texts = [" date 2024-01 Kiev accuse Moscou\n\nLe ministre a menacé de représailles.\n",
             " date 2024-01\n\n",
             " date 2024-01 Путин заявил\n\nПрезидент России заявил в среду, что Москва готова.\n"]
    bag = db.from_sequence(texts, npartitions=2).map(stance.parse_document)
    for data in (sd.analyze_bag(bag, model_path), sd.analyze_bag(bag, model_path, record="dict")):
        out = sd.tension_by_period(data, by="month")
        assert out["documents"].tolist() == [1] and out["sentences"].tolist() == [2]
        assert np.isfinite(out["tension"]).all()


def test_analyze_paths_opens_folders_as_the_cli_does(client, docs, model_path):
    got = list(sd.analyze_paths([Path(docs[0]).parent], client=client, model_path=model_path))
    assert [a.document.path for a in got] == sorted(docs)


def test_model_loaded_once_per_worker(client, texts, docs, model_path):
    key = os.path.abspath(model_path)
    sd.classify_series(pd.Series(texts), model_path, partition_size=100).compute()
    sd.analyze_bag(db.from_sequence(docs, npartitions=16), model_path).compute()
    client.run(lambda p: sd.worker_model(p) is sd.worker_model(p), model_path)  # every worker
    reports = client.run(sd.worker_models)
    assert len(reports) == 2
    assert len({r[key]["pid"] for r in reports.values()}) == 2
    assert all(r[key]["loads"] == 1 for r in reports.values()), reports


def test_analyses_survive_pickling(docs, model):
    analyses = analyze_many(docs[:5], model)
    assert pickle.loads(sd.dumps_analyses(analyses)) == analyses


def test_missing_dask_says_how_to_install():
    with pytest.raises(ImportError, match=r"pip install 'stance\[dask\]'"):
        sd._need("no_such_module_for_stance")


def test_cli_workers_matches_single_process(docs, model_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    folder = str(Path(docs[0]).parent)

    def run(*extra: str) -> tuple[str, str]:
        cmd = [sys.executable, "-m", "stance", "analyze", "--format", "jsonl", "--model", model_path,
               *extra, folder]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout, proc.stderr

    out, err = run("--workers", "2")
    assert (out, err) == run() and err == ""  # stderr is no terminal: no progress line
    out, err = run("--workers", "2", "--progress")
    assert f"{len(docs)}/{len(docs)}" in err and err.endswith("\n")  # a bar asked for ends its line


@pytest.fixture()
def swap(model, tmp_path):
    """A model file ``a`` (the shipped arrays) and ``replace()``, which puts other arrays
    (halved coefficients) in its place atomically and without a side card, as a retrain would."""
    from stance.model import Model
    a, b = tmp_path / "a.npz", tmp_path / "b.npz"
    model.save(a)
    Model({**model._arrays, "coef": model.coef * 0.5}, model.card).save(b)
    (tmp_path / "a.card.json").unlink()

    def replace() -> None:
        os.replace(b, a)
    return str(a), replace


def test_model_replaced_during_a_job_keeps_the_pinned_answers(client, docs, model, swap, monkeypatch):
    """Workers that hold the pinned model go on with it after the file is replaced: every
    answer of the job is the first model's (before: the rest came from the new file)."""
    path, replace = swap
    monkeypatch.setattr(sd, "DOCS_PER_PARTITION", 4)  # 32 partitions, 8 in flight at a time
    paths = docs * 4
    client.run(lambda p: sd.worker_model(p) is not None, path)  # every worker holds the file's model
    jobs = sd.analyze_paths(paths, client=client, model_path=path)
    got = [next(jobs)]
    replace()
    got.extend(jobs)
    assert got == analyze_many(paths, model)


def test_model_replaced_during_a_job_fails_it_clearly(client, docs, swap, monkeypatch):
    """A worker that must load the model again and finds other arrays fails the job."""
    from stance import workers
    path, replace = swap
    monkeypatch.setattr(sd, "DOCS_PER_PARTITION", 4)
    jobs = sd.analyze_paths(docs * 4, client=client, model_path=path)
    next(jobs)
    replace()
    # forget the model, as a worker restarted after a crash would
    client.run(lambda: importlib.import_module("stance.workers")._models.clear())
    with pytest.raises(stance.ModelError, match="the model changed while the job ran: the job was "
                                                "started with arrays SHA-256"):
        list(jobs)
    stale = sd.ModelPin(os.path.abspath(path), "0" * 64)  # what every task of a job carries
    with pytest.raises(stance.ModelError, match="changed while the job ran"):
        client.submit(workers.classify_records, ["Moscou dément."], stale, pure=False).result()


def test_workers_that_keep_dying_end_the_run_with_one_error(docs):
    """A partition on which workers die (Dask's KilledWorker: out of memory, a crash) stops
    analyze_paths, and so the CLI, with one StanceError naming its first document."""
    import logging

    import dask
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), \
            distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                     dashboard_address=":0", silence_logs=logging.CRITICAL) as cluster, \
            distributed.Client(cluster) as c:
        # reading a document kills this worker process, as the kernel's OOM killer would
        c.run(lambda: setattr(importlib.import_module("stance.workers"), "_read", lambda item: os._exit(1)))
        with pytest.raises(stance.StanceError, match=rf"Dask workers kept dying while analysing the 1 "
                                                     rf"document\(s\) starting with {docs[0]} \(Dask gave up"):
            list(sd.analyze_paths(docs[:3], client=c))
