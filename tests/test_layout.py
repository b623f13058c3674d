"""The house rules a reader relies on, checked on every module of the package: no module over 350
lines, no function over 50, and every module named in its package's docstring and in the README's
"Development" list (one line each), so a newcomer finds each one where they look first."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ragbox"
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_modules_and_functions_stay_short():
    long_modules = [str(p.relative_to(ROOT)) for p in MODULES if len(p.read_text().splitlines()) > 350]
    functions = [(p, node) for p in MODULES for node in ast.walk(ast.parse(p.read_text()))
                 if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    long_functions = [f"{p.relative_to(ROOT)}:{f.name}" for p, f in functions if f.end_lineno - f.lineno + 1 > 50]
    assert long_modules == [] and long_functions == []


def test_every_module_is_listed_by_its_package_and_the_readme():
    readme = (ROOT / "README.md").read_text()
    unlisted_in_readme = [str(p.relative_to(ROOT)) for p in MODULES
                          if p.name != "__init__.py" and f"`{p.relative_to(ROOT)}`" not in readme]
    unlisted_in_package = [str(p.relative_to(ROOT)) for p in MODULES
                           if p.name != "__init__.py" and f"``{p.stem}``" not in _docstring(p.parent / "__init__.py")]
    assert unlisted_in_readme == [] and unlisted_in_package == []


def _docstring(path: Path) -> str:
    return ast.get_docstring(ast.parse(path.read_text())) or ""


def test_the_readme_says_what_every_unsure_code_means():
    from ragbox.unsure_reasons import UNSURE_REASONS

    rows = [line.split(" | ")[0] for line in (ROOT / "README.md").read_text().splitlines() if line.startswith("| `")]
    assert [code for code in UNSURE_REASONS if not any(f"`{code}`" in row for row in rows)] == []
