"""The direction of dependencies: `core` is the base every app builds on, and it knows
no app above it. Apps plug into core through registrations in their `ready()` (menus,
module filters, parent gates), and domain code returns decisions instead of pages."""

import ast
from pathlib import Path

import ouderportaal

SOURCE = Path(ouderportaal.__file__).parent
APPS = {
    path.name
    for path in SOURCE.iterdir()
    if path.is_dir() and (path / "apps.py").exists() and path.name != "core"
}


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_core_imports_no_app_built_on_it():
    wrong = []
    for path in sorted((SOURCE / "core").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for module in imported_modules(path):
            parts = module.split(".")
            if len(parts) > 1 and parts[0] == "ouderportaal" and parts[1] in APPS:
                wrong.append(f"{path.relative_to(SOURCE)} imports {module}")
    assert wrong == []


def test_the_parent_gate_decides_and_does_not_render():
    modules = imported_modules(SOURCE / "schoolcontrol" / "gates.py")
    assert not {m for m in modules if m.startswith(("django.shortcuts", "django.template"))}
