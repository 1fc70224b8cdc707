"""The package's layout, read from its source: layers import only downward, with no cycle,
and files and functions stay small enough to read (the house style's limits).

The layers, from the bottom: `errors` < `engine` < `core` < `lecture` | `forecasting` <
`reporting` < `cli` < the package's `__init__` and `__main__`. `lecture` and `forecasting` are
two wings on one floor: neither imports the other.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "viewcast"
FLOORS = {"errors": 0, "engine": 1, "core": 2, "lecture": 3, "forecasting": 3, "reporting": 4, "cli": 5, "__init__": 6, "__main__": 6}
MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 80


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(SRC.rglob("*.py"))}


def layer(module: str) -> str:
    """'viewcast.core.data' -> 'core'; 'viewcast.errors' -> 'errors'; 'viewcast' -> '__init__'."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports_of(module: str) -> set[str]:
    """Every viewcast module that `module` imports, at the top or inside a function."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("viewcast")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.startswith("viewcast"):
                base = node.module
            else:
                continue
            for alias in node.names:  # `from .engine import cpu` imports the module viewcast.engine.cpu
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
    return {name for name in found if name in MODULES and name != module}


GRAPH = {module: imports_of(module) for module in MODULES}


def find_cycles(graph: dict[str, set[str]]) -> list[str]:
    """Every cycle a depth-first walk of `graph` meets, as 'a -> b -> a'."""
    cycles, state = [], {}

    def visit(module: str, stack: list[str]) -> None:
        state[module] = "open"
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                cycles.append(" -> ".join(stack[stack.index(target):] + [target]))
            elif target not in state:
                visit(target, stack + [target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    return cycles


def test_no_import_cycle():
    cycles = find_cycles(GRAPH)
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_no_upward_or_sideways_import():
    wrong = [
        f"{module} ({layer(module)}) imports {target} ({layer(target)})"
        for module, targets in GRAPH.items()
        for target in targets
        if layer(target) != layer(module) and FLOORS[layer(target)] >= FLOORS[layer(module)]
    ]
    assert not wrong, "imports that do not point down a layer:\n" + "\n".join(sorted(wrong))


def test_every_module_is_in_a_layer():
    assert {layer(module) for module in MODULES} <= set(FLOORS)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_file_over_400_lines(module):
    n_lines = len(MODULES[module].read_text().splitlines())
    assert n_lines <= MAX_FILE_LINES, f"{MODULES[module].relative_to(SRC)} has {n_lines} lines: split it along an idea"


def test_no_function_over_80_lines():
    long = []
    for path in MODULES.values():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n_lines = node.end_lineno - node.lineno + 1
                if n_lines > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(SRC)}:{node.lineno} {node.name} ({n_lines} lines)")
    assert not long, "functions over 80 lines:\n" + "\n".join(long)


def runtime_imports(tree: ast.Module) -> list[str]:
    """The modules a file imports when it runs: type-checking-only imports (`if TYPE_CHECKING:`) left out."""
    typing_only = {
        id(inner) for node in ast.walk(tree)
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
        for inner in ast.walk(node)
    }
    names = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names.append(node.module or "")
    return names


def test_only_the_plotting_modules_import_matplotlib():
    importers = {
        module for module, path in MODULES.items()
        if any(name.split(".")[0] == "matplotlib" for name in runtime_imports(ast.parse(path.read_text())))
    }
    assert importers == {"viewcast.reporting.plots", "viewcast.reporting.forecast_plots"}


def test_the_checks_can_fail():
    """The graph is read right: a known downward edge is seen, and a planted cycle would be found."""
    assert "viewcast.core.models" in GRAPH["viewcast.core.forecaster"]
    assert "viewcast.engine.cpu" in GRAPH["viewcast.core.optimize"]  # `from ..engine import cpu`
    assert "viewcast.errors" in GRAPH["viewcast.core.data"]
    planted = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycles(planted) == ["a -> b -> c -> a"]
    assert find_cycles({"a": {"b"}, "b": set()}) == []
