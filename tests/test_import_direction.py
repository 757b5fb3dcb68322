"""Imports run downhill only (DESIGN §8), and nobody borrows another module's private names.

`LAYERS` is the one place the order is written, lowest first. An app may import any app on a
lower layer; apps that share a layer stay independent of each other. Every import counts,
also one inside a function: a lazy import is still an upward dependency.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

LAYERS: list[tuple[str, ...]] = [
    ("linli",),  # the shared kernel: the base refusal and the view idiom, no models
    ("communities",),
    ("accounts",),
    ("providers",),
    ("marketplace", "assessments"),
    ("billing",),
    ("orders",),
    ("care",),
    ("reviews", "statements", "volunteers"),
    ("api", "cms"),
    ("config",),  # settings, root URLs and ASGI routing: they wire everything together
]
RANK = {app: rank for rank, layer in enumerate(LAYERS) for app in layer}
# Never imported by the apps; they may import anything.
OUTSIDE = ("tests", "bench", "scripts")


def python_files(top: str) -> Iterator[Path]:
    folder = ROOT / top
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_first_party_module(dotted: str) -> bool:
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imported_modules(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def upward_imports() -> list[str]:
    found = []
    for app, rank in RANK.items():
        for path in python_files(app):
            tree = ast.parse(path.read_text(), filename=str(path))
            for line, module in imported_modules(tree):
                top = module.split(".")[0]
                if top == app or (top not in RANK and top not in OUTSIDE):
                    continue
                if top in OUTSIDE or RANK[top] >= rank:
                    found.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return found


def private_names_borrowed() -> list[str]:
    """`from x import _y`, and `x._y` where x is one of our own modules."""
    found = []
    tops = [*RANK, *OUTSIDE]
    for top in tops:
        for path in python_files(top):
            tree = ast.parse(path.read_text(), filename=str(path))
            here = module_name(path)
            module_aliases: set[str] = set()
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    first_party = node.module.split(".")[0] in tops
                    for alias in node.names:
                        if not first_party:
                            continue
                        if alias.name.startswith("_") and not alias.name.startswith("__"):
                            if node.module != here:
                                found.append(
                                    f"{path.relative_to(ROOT)}:{node.lineno} imports "
                                    f"{alias.name} from {node.module}"
                                )
                        elif is_first_party_module(f"{node.module}.{alias.name}"):
                            module_aliases.add(alias.asname or alias.name)
                elif isinstance(node, ast.Import):
                    for alias in node.names:
                        if alias.name.split(".")[0] in tops and alias.asname:
                            module_aliases.add(alias.asname)
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Attribute)
                    and isinstance(node.value, ast.Name)
                    and node.value.id in module_aliases
                    and node.attr.startswith("_")
                    and not node.attr.startswith("__")
                ):
                    found.append(
                        f"{path.relative_to(ROOT)}:{node.lineno} uses {node.value.id}.{node.attr}"
                    )
    return found


def test_every_app_is_on_a_layer():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps - set(RANK) == set(), "add the new app to LAYERS"


def test_no_app_imports_an_app_above_it_or_beside_it():
    assert upward_imports() == []


def test_no_module_borrows_a_private_name_of_another():
    assert private_names_borrowed() == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from orders.models import Order", True),
        ("def f():\n    from cms import jobs", True),
        ("from billing import subsidy", False),
    ],
)
def test_the_check_sees_an_upward_import_even_inside_a_function(tmp_path, source, expected):
    tree = ast.parse(source)
    modules = [module for _, module in imported_modules(tree)]
    upward = [m for m in modules if RANK[m.split(".")[0]] >= RANK["orders"]]
    assert bool(upward) is expected
