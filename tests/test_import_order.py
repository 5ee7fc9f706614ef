"""The apps import only those to their left (DESIGN.md): core ← orgs ← schemes ←
collection, ballots ← results ← reports; api, demo and home may import all; the engine
imports neither Django nor any app.

Every import is read with ``ast`` from the source, including imports inside functions
(a late import is still a dependency). Tests and ``conftest.py`` are left out: they
exercise the project as a whole (the permission walk reads every app's table, the cast
of every test builds units) and are not imported by the apps.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "kaohe"

# What every app may use besides the apps to its left: the engine, the presets it ships
# and the project's settings and Celery app.
SHARED = {"engine", "presets", "examples", "config"}
CORE = {"core"}
ORGS = CORE | {"orgs"}
SCHEMES = ORGS | {"schemes"}
COLLECTION = SCHEMES | {"collection"}
BALLOTS = SCHEMES | {"ballots"}
RESULTS = COLLECTION | BALLOTS | {"results"}
REPORTS = RESULTS | {"reports"}
EVERY_APP = REPORTS | {"api", "demo", "home"}
MAY_IMPORT = {
    "core": CORE,
    "orgs": ORGS,
    "schemes": SCHEMES,
    "collection": COLLECTION,
    "ballots": BALLOTS,
    "results": RESULTS,
    "reports": REPORTS,
    "api": EVERY_APP,
    "demo": EVERY_APP,
    "home": EVERY_APP,
}
# The parts of the package that are not apps: the pure engine and its data, the wiring
# (settings, urls, Celery) and the command line.
NOT_APPS = {"engine", "presets", "examples", "config"}
WEB = ("django", "rest_framework", "drf_spectacular", "celery")


def _sources(package: str) -> Iterator[Path]:
    for path in sorted((PACKAGE / package).rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if "tests" not in parts and path.name != "conftest.py":
            yield path


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, module) of every import in the file, relative ones resolved, ``from kaohe
    import engine`` read as ``kaohe.engine``."""
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            if base == "kaohe":
                for alias in node.names:
                    yield node.lineno, f"kaohe.{alias.name}"
            else:
                yield node.lineno, base


def _kaohe_part(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "kaohe" and len(parts) > 1 else None


def _apps() -> list[str]:
    return sorted(
        p.name
        for p in PACKAGE.iterdir()
        if (p / "__init__.py").exists() and p.name not in NOT_APPS and p.name != "__pycache__"
    )


def test_every_app_has_its_place_in_the_order() -> None:
    assert set(_apps()) <= set(MAY_IMPORT), "add the new app to MAY_IMPORT (and DESIGN.md)"


@pytest.mark.parametrize("app", _apps())
def test_an_app_imports_only_the_apps_to_its_left(app: str) -> None:
    allowed = MAY_IMPORT.get(app, set()) | SHARED
    wrong = [
        f"{path.relative_to(PACKAGE)}:{line} imports {module}"
        for path in _sources(app)
        for line, module in _imports(path)
        if (part := _kaohe_part(module)) is not None and part not in allowed
    ]
    assert wrong == []


def test_the_engine_imports_no_app_and_no_web_framework_even_inside_a_function() -> None:
    wrong = [
        f"{path.relative_to(PACKAGE)}:{line} imports {module}"
        for path in _sources("engine")
        for line, module in _imports(path)
        if module.split(".")[0] in WEB or _kaohe_part(module) not in (None, "engine")
    ]
    assert wrong == []


def test_the_reader_sees_late_relative_and_package_imports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The checks above find what they look for: a late import inside a function, a
    relative import and ``from kaohe import x`` are all read."""
    app = tmp_path / "kaohe" / "core"
    app.mkdir(parents=True)
    source = app / "views.py"
    source.write_text(
        "def home():\n"
        "    from kaohe.orgs.selectors import units_for_user\n"
        "    from ..schemes import models\n"
        "    from kaohe import demo\n"
        "    from . import forms\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(f"{__name__}.PACKAGE", tmp_path / "kaohe")
    assert [module for _line, module in _imports(source)] == [
        "kaohe.orgs.selectors",
        "kaohe.schemes",
        "kaohe.demo",
        "kaohe.core",
    ]
