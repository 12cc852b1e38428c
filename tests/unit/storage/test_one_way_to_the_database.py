"""One way to the database: outside the unit of work (and the modules that set up
engines and migrations, and Rasa's tracker store), no module under bot/ opens a
session or a connection of its own."""
import ast
from pathlib import Path
from typing import List

ROOT = Path(__file__).resolve().parents[3]
ALLOWED = (
    "bot/storage/unit_of_work.py",
    "bot/storage/engine.py",
    "bot/storage/sqlite.py",
    "bot/storage/migrate.py",
    "bot/storage/migrations/",
    "bot/rasa_ext/tracker_store/",  # Rasa's own sessionmaker, left as Rasa wrote it
)
SESSION_FACTORIES = {"sessionmaker", "Session", "scoped_session"}
CONNECTING = {"connect", "begin"}  # engine.connect(), engine.begin(), session.begin(): with no arguments


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def own_ways(source: str) -> List[str]:
    """The calls in ``source`` that open a session or connection directly."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        if name in SESSION_FACTORIES or name == "raw_connection" or (
                name in CONNECTING and isinstance(node.func, ast.Attribute) and not node.args and not node.keywords):
            found.append((node.lineno, f"line {node.lineno}: {ast.unparse(node.func)}()"))
    return [call for _, call in sorted(found)]


def test_the_guard_sees_each_way_around_the_unit_of_work():
    source = ("sessionmaker(engine)\nwith Session(engine) as s: pass\nwith engine.connect() as c: pass\n"
              "with self._engine.begin() as c: pass\nwith s.begin(): pass\nengine.raw_connection()\n"
              "sqlite3.connect(path)\nself.inflight.begin(key, sender)\nClientSession()\n")
    assert [line.split(":")[0] for line in own_ways(source)] == [f"line {n}" for n in range(1, 7)]


def test_only_the_unit_of_work_opens_sessions_and_connections():
    offenders = []
    for path in sorted((ROOT / "bot").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith(ALLOWED):
            continue
        offenders += [f"{relative} {call}" for call in own_ways(path.read_text(encoding="utf-8"))]
    assert offenders == []
