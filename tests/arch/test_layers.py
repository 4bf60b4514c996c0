"""Architecture guardrails: the import-linter contracts in pyproject.toml, and no import cycles.

Both fail with the exact contract or cycle that is broken (file and line of every import in it). A failure
here is a design question: move the code, or change the rule in pyproject.toml on purpose, never quietly.
"""
from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "handlers", "models", "scheduler", "messages_th")
CONTRACTS = [c["id"] for c in tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]]


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("import-linter-cache")  # the graph is built once for all contracts


@pytest.mark.parametrize("contract", CONTRACTS)
def test_import_contract(contract, cache_dir):
    # A child process: import-linter's output (which imports break the contract, with line numbers) is
    # what the failure shows.
    code = ("import sys; from importlinter.cli import lint_imports; "
            f"sys.exit(lint_imports(limit_to_contracts=({contract!r},), cache_dir={str(cache_dir)!r}, no_logo=True))")
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    if res.returncode:
        report = res.stdout.split("Broken contracts", 1)[-1].strip("-\n ") if "Broken contracts" in res.stdout \
            else res.stdout + res.stderr  # not a broken contract: a bad configuration, say so as it is
        pytest.fail(f"import-linter contract {contract!r} is broken:\n{report}", pytrace=False)


# -- import cycles, counting imports inside functions (a lazy import hides a cycle, it does not remove it) --

def _modules() -> dict[str, Path]:
    out = {}
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if any(p.startswith(".") or p == "__pycache__" for p in parts) or "migrations" in parts:
                continue  # Alembic revisions are scripts run by Alembic, not modules of the app
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out[name] = path
    return out


def _target(name: str, modules: dict[str, Path]) -> str | None:
    """The module of ours that importing `name` loads explicitly (the name itself or its nearest package)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def import_graph() -> dict[str, dict[str, int]]:
    """module -> {imported module: line of the first such import}, our packages only, all imports."""
    modules = _modules()
    graph: dict[str, dict[str, int]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges = graph.setdefault(name, {})
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                # `from a import b` imports the module a.b when there is one, else a name from a
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            for t in targets:
                to = _target(t, modules)
                if to and to != name:
                    edges.setdefault(to, node.lineno)
    return graph


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """One shortest cycle through each strongly connected group of modules (Tarjan, then BFS)."""
    index, low, stack, on, groups, counter = {}, {}, [], set(), [], [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, {}):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(group)

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in sorted(graph):
        if v not in index:
            strong(v)
    out = []
    for group in groups:
        start = min(group)
        paths, seen, found = [[start]], {start}, None
        while paths and found is None:
            nxt = []
            for p in paths:
                for w in sorted(graph[p[-1]]):
                    if w == start:
                        found = p + [start]
                        break
                    if w in group and w not in seen:
                        seen.add(w)
                        nxt.append(p + [w])
                if found:
                    break
            paths = nxt
        out.append(found)
    return sorted(out)


def test_no_import_cycles():
    graph = import_graph()
    found = cycles(graph)
    lines = []
    for cycle in found:
        lines.append("cycle: " + " -> ".join(cycle))
        for a, b in zip(cycle, cycle[1:]):
            path = _modules()[a].relative_to(ROOT)
            lines.append(f"    {path}:{graph[a][b]} imports {b}")
    if found:
        pytest.fail(f"{len(found)} import cycle(s) between our modules:\n" + "\n".join(lines), pytrace=False)


def test_the_cycle_check_sees_lazy_and_relative_imports():
    # The checker itself: a cycle through a function-local import is found, with its line.
    graph = {"a": {"b": 3}, "b": {"c": 9}, "c": {"a": 12}, "d": {"a": 1}}
    assert cycles(graph) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b": 1}, "b": {}}) == []
