"""The ``notebooks`` extra installs what the notebooks import, directly or through siting's lazy imports.

The notebooks' code cells are parsed for their import lines; a siting function they call that
imports an optional package when called (``siting.sweep`` starts a Dask cluster) adds that
package. Each needed module must come from a distribution that ``pip install siting[notebooks]``
installs: the base requirements and the extra, followed through their own requirements as the
installed metadata states them.
"""

import ast
import configparser
import json
import re
import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

#: Optional packages siting imports inside functions, with the public names whose call needs them.
#: tqdm: progress bars, skipped with a debug message when it is missing; pyarrow: .parquet files only
#: (read_layer and to_file name siting[parquet] when it is missing).
LAZY_IMPORTS = {
    "distributed": ("sweep", "sweep_inputs", "sensitivity"),
    "folium": ("explore",),
    "branca": ("explore",),
    "tqdm": (),
    "pyarrow": (),
    # the PyPSA and pandapower round trips (issue 22), behind their own extras
    "pypsa": ("from_pypsa", "to_pypsa"),
    "pandapower": ("from_pandapower", "from_matpower"),
}


def _requirements(extra: str | None) -> list[str]:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    text = cfg["options"]["install_requires"] if extra is None else cfg["options.extras_require"][extra]
    return [r.strip() for r in re.split(r"[;\n]", text) if r.strip() and not r.strip().startswith("#")]


def _installed_by(requirements: list[str]) -> set[str]:
    """Distributions the requirements pull in, followed through the installed metadata."""
    seen: set[str] = set()
    todo = [Requirement(r) for r in requirements]
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        key = f"{name}[{','.join(sorted(req.extras))}]"
        if key in seen:
            continue
        seen |= {key, name}
        try:
            deps = metadata.requires(req.name) or []
        except metadata.PackageNotFoundError:
            continue  # not installed here (jupyterlab): it cannot supply a module this test finds
        for dep in map(Requirement, deps):
            envs = [{"extra": e} for e in req.extras] or [{"extra": ""}]
            if dep.marker is None or any(dep.marker.evaluate(env) for env in envs):
                todo.append(dep)
    return {k for k in seen if "[" not in k}


def _code(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    source = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    return "\n".join(line for cell in source for line in cell.splitlines() if not line.startswith(("%", "!")))


def _needed(path: Path) -> set[str]:
    """Top-level modules a notebook imports, and the optional ones its siting calls import."""
    tree = ast.parse(_code(path))
    out = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    out |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    called = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    out |= {m for m, users in LAZY_IMPORTS.items() if called & set(users)}
    return {m for m in out if m not in sys.stdlib_module_names and m != "siting"}


def test_the_notebooks_extra_installs_every_module_the_notebooks_need():
    installed = _installed_by(_requirements(None) + _requirements("notebooks"))
    providers = metadata.packages_distributions()
    missing = {
        f"{path.name}: {module}"
        for path in NOTEBOOKS
        for module in _needed(path)
        if not {canonicalize_name(d) for d in providers.get(module, [module])} & installed
    }
    assert not missing, f"not installed by siting[notebooks]: {sorted(missing)}"


def test_the_notebooks_need_dask():
    """The check above sees siting.sweep's Dask import (notebook 04 never imports dask itself)."""
    assert "distributed" in _needed(ROOT / "notebooks" / "04_analysis.ipynb")


def test_every_lazy_import_in_siting_is_listed():
    """A new optional import inside a siting function must be named in LAZY_IMPORTS above."""
    base = _installed_by(_requirements(None))
    providers = metadata.packages_distributions()
    lazy = set()
    for path in (ROOT / "siting").rglob("*.py"):
        for fn in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(fn, ast.FunctionDef):
                for n in ast.walk(fn):
                    if isinstance(n, ast.Import):
                        lazy |= {a.name.split(".")[0] for a in n.names}
                    elif isinstance(n, ast.ImportFrom) and n.module and not n.level:
                        lazy.add(n.module.split(".")[0])
    optional = {
        m
        for m in lazy - set(sys.stdlib_module_names) - {"siting"}
        if not {canonicalize_name(d) for d in providers.get(m, [m])} & base
    }
    assert optional <= set(LAZY_IMPORTS), sorted(optional - set(LAZY_IMPORTS))
