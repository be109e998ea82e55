"""The shape of the code: no import circle in ``siting``, no long module, no long function.

Read from the source with :mod:`ast`, not from what Python imported: imports
inside functions and under ``TYPE_CHECKING`` count, since a circle closed
only by type annotations still ties its modules into one unit.
"""

import ast
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
MOST_LINES_PER_MODULE = 600
MOST_LINES_PER_FUNCTION = 80


def _module_name(path: Path) -> str:
    """``siting/families/_base.py`` -> ``siting.families._base``; a package's ``__init__`` is the package."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(node: ast.Import | ast.ImportFrom, name: str, is_package: bool, modules: set[str]) -> set[str]:
    """The modules of ``modules`` that one import statement of module ``name`` imports.

    ``from . import x`` imports the module ``x`` of the package when there is one,
    else the package itself (``from . import __version__``).
    """
    if isinstance(node, ast.Import):
        return {a.name for a in node.names} & modules
    base = node.module or ""
    if node.level:
        package = name.split(".") if is_package else name.split(".")[:-1]
        base = ".".join([*package[: len(package) - node.level + 1], *([node.module] if node.module else [])])
    targets = {f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names}
    return targets & modules


def import_graph(package: str = "siting") -> nx.DiGraph:
    """Module -> module it imports, over every ``.py`` file of ``package`` (every import statement)."""
    paths = {_module_name(p): p for p in (ROOT / package).rglob("*.py")}
    graph = nx.DiGraph()
    graph.add_nodes_from(paths)
    for name, path in paths.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                is_package = path.name == "__init__.py"
                graph.add_edges_from(
                    (name, t) for t in _imported(node, name, is_package, set(paths)) - {name}
                )
    return graph


def _functions(folder: str) -> list[tuple[int, str]]:
    """(lines from ``def`` to the last line, ``path:line name``) of every function under ``folder``."""
    out = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                where = f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"
                out.append((node.end_lineno - node.lineno + 1, where))
    return out


def test_the_import_graph_reads_relative_imports_and_type_only_ones():
    graph = import_graph()
    assert graph.has_edge("siting.model", "siting.families")  # from .families import ...
    assert graph.has_edge("siting.families.network", "siting.families._base")  # from ._base import ...
    assert graph.has_edge("siting.candidates", "siting._validate")  # from . import _validate as V
    assert graph.has_edge("siting", "siting.pipeline")  # under TYPE_CHECKING in __init__


def _one_cycle(graph: nx.DiGraph, nodes: set[str]) -> str:
    """One cycle through some of ``nodes`` (a strongly connected set), as ``a -> b -> a``."""
    edges = nx.find_cycle(graph.subgraph(nodes))
    return " -> ".join([*(u for u, _ in edges), edges[0][0]])


def test_no_import_circle():
    graph = import_graph()
    circles = [c for c in nx.strongly_connected_components(graph) if len(c) > 1]
    shown = [f"{sorted(c)}: e.g. {_one_cycle(graph, c)}" for c in circles]
    assert not circles, "modules that import each other in a circle:\n" + "\n".join(shown)


def test_no_module_over_600_lines():
    long = {
        str(p.relative_to(ROOT)): n
        for p in sorted((ROOT / "siting").rglob("*.py"))
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MOST_LINES_PER_MODULE
    }
    assert not long, f"modules over {MOST_LINES_PER_MODULE} lines: {long}"


def test_no_function_over_80_lines():
    long = sorted(
        (item for folder in ("siting", "scripts", "benchmarks") for item in _functions(folder)), reverse=True
    )
    long = [f"{where} ({n} lines)" for n, where in long if n > MOST_LINES_PER_FUNCTION]
    assert not long, f"functions over {MOST_LINES_PER_FUNCTION} lines:\n" + "\n".join(long)
