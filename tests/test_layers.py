"""The apps depend one way. Every import between apps of `registry/` (at module level or
inside a function) must point down the list below; an app may import only apps listed
before it. A new app is added to the list where it belongs."""

import ast
from pathlib import Path

from django.conf import settings

REGISTRY = Path(settings.BASE_DIR) / "registry"

# Lowest first.
LAYERS = [
    "core",
    "formats",
    "audit",
    "units",
    "members",
    "accounts",
    "programmes",
    "indicators",
    "access",
    "signin",
    "notifications",
    "pledges",
    "collective",
    "commendations",
    "cells",
    "rosters",
    "reviews",
    "practices",
    "directory",
    "exports",
    "reminders",
    "api",
    "portal",
]


def app_imports() -> dict[tuple[str, str], list[str]]:
    """{(importing app, imported app): [files]} for every import between two apps."""
    edges: dict[tuple[str, str], list[str]] = {}
    for path in REGISTRY.rglob("*.py"):
        relative = path.relative_to(REGISTRY)
        if len(relative.parts) < 2 or relative.parts[1] == "migrations":
            continue
        app = relative.parts[0]
        package = ["registry", *relative.parts[:-1]]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package[: len(package) - node.level + 1]
                    names = [".".join([*base, *(node.module or "").split(".")]).strip(".")]
                else:
                    names = [node.module or ""]
            for name in names:
                parts = name.split(".")
                if len(parts) > 1 and parts[0] == "registry" and parts[1] != app:
                    edges.setdefault((app, parts[1]), []).append(str(relative))
    return edges


def test_every_app_is_placed_on_a_layer():
    apps = {p.name for p in REGISTRY.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert apps - set(LAYERS) == set()


def test_apps_import_only_apps_below_them():
    upward = {
        f"{a} -> {b}": sorted(set(files))
        for (a, b), files in app_imports().items()
        if LAYERS.index(b) >= LAYERS.index(a)
    }
    assert upward == {}


def test_the_app_graph_has_no_cycle():
    graph: dict[str, set[str]] = {}
    for a, b in app_imports():
        graph.setdefault(a, set()).add(b)
    seen, on_path = set(), []

    def visit(app):
        if app in on_path:
            raise AssertionError("cycle: " + " -> ".join([*on_path[on_path.index(app) :], app]))
        if app in seen:
            return
        on_path.append(app)
        for other in sorted(graph.get(app, ())):
            visit(other)
        on_path.pop()
        seen.add(app)

    for app in sorted(graph):
        visit(app)
