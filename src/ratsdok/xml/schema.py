"""The ratsdok XML Schema: where it lives and how documents are checked against it.

The schema files in ``schemas/`` at the top of the repository are the source of
truth; wheels carry them as ``ratsdok/schemas``.
"""

from __future__ import annotations

import functools
import threading
from importlib import resources
from pathlib import Path

from lxml import etree

from ratsdok.errors import Problem
from ratsdok.xml.names import Q

__all__ = ["load_schema", "schema_dir", "schema_problems"]


def schema_dir() -> Path:
    """The folder holding ``ratsdok.xsd`` and the code lists."""
    packaged = Path(str(resources.files("ratsdok"))) / "schemas"
    if (packaged / "ratsdok.xsd").is_file():
        return packaged
    # Source checkout or editable install: the top-level schemas/ folder.
    checkout = Path(__file__).resolve().parents[3] / "schemas"
    if (checkout / "ratsdok.xsd").is_file():
        return checkout
    raise FileNotFoundError("the ratsdok schema files are missing from this installation")


@functools.cache
def load_schema() -> etree.XMLSchema:
    """The compiled driver schema ``ratsdok.xsd`` (compiled once per process)."""
    # Trusted files from the package, but still no network and no entities.
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    doc = etree.parse(str(schema_dir() / "ratsdok.xsd"), parser)
    return etree.XMLSchema(doc)


# An XMLSchema keeps its error log on the object, so validations are serialised.
_lock = threading.Lock()


def schema_problems(tree: etree._ElementTree, *, source: str | None = None) -> list[Problem]:
    """Every violation of the ratsdok schema in *tree* (empty when valid)."""
    schema = load_schema()
    with _lock:
        if schema.validate(tree):
            return []
        return [
            Problem(
                err.message.replace(Q, "ratsdok:"),
                file=source,
                line=err.line or None,
            )
            for err in schema.error_log
        ]
