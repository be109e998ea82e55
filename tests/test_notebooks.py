"""The example notebooks run top to bottom in a Jupyter kernel, from a folder that holds nothing.

Each notebook is executed by nbclient with the working directory set to an empty
temporary folder, so a notebook that reads a file by a relative path fails here.
The notebooks are stored without outputs; their own ``assert`` lines check that
what their text says is what the code prints.

The quick tier runs them with ``SITING_QUICK=1`` (a coarser grid of candidate
sites, read in each notebook's first cell); the slow tier (``make test-all``)
runs those that read it again as a reader would, without it.
"""

import time
from pathlib import Path

import nbclient  # the dev extra installs nbclient, nbformat and ipykernel
import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
#: Seconds a single cell may take before the run is stopped (a hang, not a timing check).
CELL_TIMEOUT_S = 900


def test_there_are_the_five_notebooks():
    assert [p.stem for p in NOTEBOOKS] == [
        "01_quickstart",
        "02_scenarios",
        "03_your_own_data",
        "04_analysis",
        "05_reinforcement",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_stored_without_outputs(path):
    book = nbformat.read(path, as_version=4)
    nbformat.validate(book)
    code = [c for c in book.cells if c.cell_type == "code"]
    assert code, "a notebook without code"
    assert all(c.outputs == [] and c.execution_count is None for c in code)


#: The notebooks whose first cell reads SITING_QUICK (notebook 03 runs on made-up data, quick as it is).
SCALED = [p for p in NOTEBOOKS if "SITING_QUICK" in nbformat.read(p, as_version=4).cells[1].source]


def test_the_korean_notebooks_have_a_quick_switch():
    assert [p.stem for p in SCALED] == ["01_quickstart", "02_scenarios", "04_analysis", "05_reinforcement"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_from_an_empty_folder(path, tmp_path, monkeypatch):
    monkeypatch.setenv("SITING_QUICK", "1")  # the kernel inherits the environment
    _run(path, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("path", SCALED, ids=[p.name for p in SCALED])
def test_notebook_runs_in_full(path, tmp_path, monkeypatch):
    monkeypatch.delenv("SITING_QUICK", raising=False)
    _run(path, tmp_path)


def _run(path, tmp_path):
    book = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        book,
        timeout=CELL_TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},  # the kernel's working directory
    )
    t0 = time.perf_counter()
    client.execute()  # raises CellExecutionError naming the cell on any error
    print(f"{path.name}: {time.perf_counter() - t0:.0f} s")
    errors = [o for c in book.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    assert list(tmp_path.iterdir()) == [], "the notebook wrote into its working folder"
