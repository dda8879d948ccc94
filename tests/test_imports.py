"""Imports run downwards (docs/architecture.md): no cycle between modules or between apps,
``core`` imports no app, and no function-local import dodges a cycle. Read with ``ast``
from the source, so an import hidden in a function counts like any other."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "core",
    "accounts",
    "templates_app",
    "media_app",
    "videos",
    "documents",
    "personalization",
    "webhooks",
    "campaigns",
)


def project_modules() -> dict[str, Path]:
    modules = {}
    for app in (*APPS, "config"):
        for path in (ROOT / app).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "tests" in parts or "migrations" in parts:
                continue
            modules[".".join(parts).removesuffix(".__init__")] = path
    return modules


class Import:
    def __init__(self, source: str, target: str, local: str | None, line: int):
        self.source, self.target, self.local, self.line = source, target, local, line

    def __repr__(self) -> str:
        where = f" (inside {self.local}())" if self.local else ""
        return f"{self.source}:{self.line} imports {self.target}{where}"


def imports() -> list[Import]:
    modules = project_modules()

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    found = []
    for module, path in modules.items():
        tree = ast.parse(path.read_text(), str(path))
        functions = {
            id(node): function.name
            for function in ast.walk(tree)
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
            for node in ast.walk(function)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [f"{node.module}.{alias.name}" for alias in node.names]
            else:
                continue
            for name in names:
                target = resolve(name)
                if target and target != module:
                    found.append(Import(module, target, functions.get(id(node)), node.lineno))
    return found


def app_of(module: str) -> str:
    return module.split(".")[0]


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(edges.get(node, ())):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_another_in_a_cycle():
    edges = defaultdict(set)
    for i in imports():
        edges[i.source].add(i.target)
    assert cycles(edges) == []


def test_apps_import_only_the_apps_below_them():
    edges = defaultdict(set)
    for i in imports():
        if app_of(i.source) != app_of(i.target) and app_of(i.source) != "config":
            edges[app_of(i.source)].add(app_of(i.target))
    assert cycles(edges) == []


def test_core_imports_no_app():
    assert [i for i in imports() if app_of(i.source) == "core" and app_of(i.target) != "core"] == []


def test_no_function_local_import_of_the_project():
    """A function-local import is a sign of a cycle to untie, not a fix. ``AppConfig.ready``
    connecting signal receivers is Django's way and the one exception."""
    local = [i for i in imports() if i.local and not (i.local == "ready" and i.source.endswith(".apps"))]
    assert local == []


def test_the_checker_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
