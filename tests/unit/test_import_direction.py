"""The arrows of the code point one way (README "Layout"), read from the imports:

- the packages of ``bot/`` and ``actions/`` import each other without a cycle;
- nothing in ``bot/`` imports ``actions`` (the adapters sit on top);
- only ``bot/rasa_ext/`` imports Rasa, and nothing outside it imports ``bot.rasa_ext``
  (the console and the action server never load Rasa or TensorFlow);
- only ``actions/`` and ``rasa_sdk_plugins/`` import rasa-sdk.
"""
from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, Iterator, List, Set, Tuple

from tests.support.servers import ROOT


def modules(*folders: str) -> Iterator[Tuple[str, Path]]:
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            yield ".".join(path.relative_to(ROOT).with_suffix("").parts), path


def imported(path: Path) -> Iterator[str]:
    """Every absolute import of the file, lazy ones inside functions included."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def package(module: str) -> str:
    """bot.faq.lookup -> bot.faq; bot.urgency -> bot.urgency; actions.faq -> actions."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "bot" else parts[0]


def top(module: str) -> str:
    return module.split(".")[0]


def test_the_packages_import_each_other_without_a_cycle():
    graph: Dict[str, Set[str]] = {}
    for module, path in modules("bot", "actions"):
        source = package(module)
        for name in imported(path):
            if top(name) in ("bot", "actions") and package(name) != source:
                graph.setdefault(source, set()).add(package(name))
    visiting: List[str] = []
    done: Set[str] = set()

    def visit(node: str) -> None:
        if node in done:
            return
        assert node not in visiting, f"import cycle: {' -> '.join(visiting[visiting.index(node):] + [node])}"
        visiting.append(node)
        for neighbour in sorted(graph.get(node, ())):
            visit(neighbour)
        visiting.pop()
        done.add(node)

    for node in sorted(graph):
        visit(node)


def test_nothing_in_bot_imports_the_actions():
    offenders = [module for module, path in modules("bot") if any(top(n) == "actions" for n in imported(path))]
    assert offenders == []


def test_only_rasa_ext_imports_rasa_and_only_rasa_ext_imports_itself():
    offenders = []
    for module, path in modules("bot", "actions"):
        inside = module.startswith("bot.rasa_ext")
        for name in imported(path):
            if not inside and (top(name) == "rasa" or name.startswith("bot.rasa_ext")):
                offenders.append(f"{module}: {name}")
    assert offenders == []


def test_only_the_action_server_s_code_imports_rasa_sdk():
    offenders = [f"{module}: {name}" for module, path in modules("bot") for name in imported(path)
                 if top(name) == "rasa_sdk"]
    assert offenders == []
