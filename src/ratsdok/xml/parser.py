"""Safe XML parsing: no DTDs, no entities, no network, bounded size.

Every XML document ratsdok reads from outside goes through :func:`parse_xml`.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from lxml import etree

if TYPE_CHECKING:
    from lxml.etree._docloader import _InputDocument

from ratsdok.errors import Problem, UnsafeInputError, XmlSyntaxError

__all__ = ["DEFAULT_MAX_BYTES", "MAX_ATTRIBUTE_BYTES", "MAX_TEXT_BYTES", "parse_xml"]

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
"""Largest XML document accepted (and written) by default: 64 MiB.

Reading takes up to about 14 times the input in memory when the document is made of
short paragraphs (the lxml tree alone is about 5 times, the models as much again;
``bench/bench_memory.py``), so this keeps the peak near 1 GB. Callers with larger
documents and the memory for them pass ``max_bytes``."""

MAX_TEXT_BYTES = 10_000_000
"""Longest text of one element the reader accepts: UTF-8 bytes after references
are resolved. This is libxml2's limit without ``huge_tree`` (which stays off: it
also lifts the depth limit); the writer and the OParl import refuse longer text."""

MAX_ATTRIBUTE_BYTES = 1_000_000
"""Longest attribute value (as written, escaped) the writer puts out. libxml2
refuses a start tag of about :data:`MAX_TEXT_BYTES`; this leaves room for the
other attributes of the tag."""

_local = threading.local()


class _RefuseExternal(etree.Resolver):
    """Answers every external reference (DTD, entity) with nothing.

    With ``load_dtd=False`` libxml2 still opens a DOCTYPE's SYSTEM file; this
    stops it, and the DOCTYPE itself is refused after parsing.
    """

    def resolve(
        self, system_url: str | None, public_id: str | None, context: object, /
    ) -> _InputDocument:
        return self.resolve_string("", context)


def _parser() -> etree.XMLParser:
    # lxml parsers are not thread-safe; one per thread.
    parser: etree.XMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            remove_blank_text=False,
            collect_ids=False,
        )
        parser.resolvers.add(_RefuseExternal())
        _local.parser = parser
    return parser


def parse_xml(
    data: bytes, *, source: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> etree._ElementTree:
    """Parse *data* safely; raise :class:`~ratsdok.errors.XmlSyntaxError` or
    :class:`~ratsdok.errors.UnsafeInputError` naming *source* and the line."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("XML input must be bytes")
    if len(data) > max_bytes:
        raise UnsafeInputError(
            Problem(
                f"document is {len(data):,} bytes; the limit is {max_bytes:,} bytes",
                file=source,
            )
        )
    try:
        root = etree.fromstring(bytes(data), _parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        if "Text node too long" in exc.msg:
            raise UnsafeInputError(
                Problem(
                    f"a text is longer than the limit of {MAX_TEXT_BYTES:,} bytes",
                    file=source,
                    line=line,
                )
            ) from None
        raise XmlSyntaxError(
            Problem(f"not well-formed XML: {exc.msg}", file=source, line=line)
        ) from None
    tree = root.getroottree()
    info = tree.docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise UnsafeInputError(
            Problem("a DOCTYPE (DTD) is not allowed in ratsdok documents", file=source, line=1)
        )
    return tree
