"""The public API: everything in __all__ resolves, and to the right kind of object."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
import types

import ratsdok

MODULE_EXPORTS = {"oparl"}


def test_every_exported_name_resolves_after_all_submodules_are_imported() -> None:
    # Importing a submodule binds its name on the package; a function exported under
    # the same name as a module would then be shadowed by the module.
    for info in pkgutil.walk_packages(ratsdok.__path__, "ratsdok."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)
    for name in ratsdok.__all__:
        value = getattr(ratsdok, name)
        if name in MODULE_EXPORTS:
            assert isinstance(value, types.ModuleType), name
        else:
            assert not isinstance(value, types.ModuleType), f"ratsdok.{name} is a module"


def test_import_ratsdok_does_not_load_the_pdf_and_signature_libraries() -> None:
    code = (
        "import sys, ratsdok\n"
        "heavy = [m for m in ('pikepdf', 'reportlab', 'signxml') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_lazy_names_are_in_all() -> None:
    lazy = set(ratsdok._LAZY)
    assert lazy <= set(ratsdok.__all__)
