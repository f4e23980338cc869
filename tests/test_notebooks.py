"""The notebooks run top to bottom without a cell error (executed in memory, never written)."""
from __future__ import annotations

import importlib.util

import pytest

pytest.importorskip("nbclient")
pytest.importorskip("nbformat")
pytest.importorskip("ipykernel")
pytest.importorskip("matplotlib")
pytest.importorskip("pandas")
pytest.importorskip("jinja2")  # pandas' Styler, used by the tension notebook

from .conftest import ROOT  # noqa: E402

RUNNER = ROOT / "notebooks" / "run.py"


def _runner():
    spec = importlib.util.spec_from_file_location("notebooks_run", RUNNER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def executed():
    """Each notebook, executed once for the module, by the same code as ``notebooks/run.py --check``."""
    run = _runner()
    cache = {}

    def get(name):
        if name not in cache:
            # a tenth of the conflicts (whole) keeps the refits quick; every cell still runs
            with pytest.MonkeyPatch.context() as mp:
                mp.setenv("STANCE_NOTEBOOK_GROUP_SHARE", "0.1")
                cache[name] = run.execute(RUNNER.parent / name, write=False)
        return cache[name]

    return get


def _outputs(nb):
    return [out for cell in nb.cells if cell.cell_type == "code" for out in cell.get("outputs", [])]


@pytest.mark.parametrize("name", ["evaluation.ipynb", "tension.ipynb", "pairs.ipynb"])
def test_notebook_runs_without_errors(executed, name):
    nb = executed(name)
    errors = [out for out in _outputs(nb) if out.output_type == "error"]
    assert not errors, f"{name}: {errors[0].ename}: {errors[0].evalue}"
    assert all(cell.get("execution_count") for cell in nb.cells if cell.cell_type == "code")


def test_evaluation_notebook_draws_plots(executed):
    images = [out for out in _outputs(executed("evaluation.ipynb"))
              if out.output_type in ("display_data", "execute_result") and "image/png" in out.get("data", {})]
    assert images, "the evaluation notebook produced no image"


def test_tension_notebook_draws_the_timeline(executed):
    images = [out for out in _outputs(executed("tension.ipynb"))
              if out.output_type in ("display_data", "execute_result") and "image/png" in out.get("data", {})]
    assert len(images) >= 2, "expected the per-sentence chart and the timeline"
