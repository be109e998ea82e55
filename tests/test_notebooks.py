"""The example notebooks run top to bottom (code cells executed in order, no kernel needed)."""

import json
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(path, monkeypatch):
    monkeypatch.chdir(path.parent)
    cells = [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    assert cells, "a notebook without code"
    namespace: dict = {}
    for i, cell in enumerate(cells):
        code = "".join(cell["source"])
        exec(compile(code, f"{path.name}[cell {i}]", "exec"), namespace)
    plt.close("all")
    assert str(namespace["res"].status) == "optimal"
    assert str(namespace["too_much"].status) == "infeasible"


def test_there_are_notebooks():
    assert NOTEBOOKS
