"""Links in merged Anlage pages: javascript:, file:, remote jumps are removed (issue #13)."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pikepdf
from pikepdf import Dictionary, Name, String

import ratsdok
from ratsdok.pdf.bundling import build_bundle, bundle_to_file
from ratsdok.pdf.links import strip_links
from tests.factories import anlage, anlage_pdf, pdfa_problems, vorlage


def _link(pdf: pikepdf.Pdf, action: Dictionary) -> Dictionary:
    return pdf.make_indirect(
        Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[10, 10, 60, 30], F=4, A=action)
    )


def _uri(u: str) -> Dictionary:
    return Dictionary(S=Name.URI, URI=String(u))


def _with_links() -> bytes:
    """An Anlage (PDF/A-compatible, rendered by ratsdok) with five links on page 1."""
    with pikepdf.open(io.BytesIO(anlage_pdf("Verweise"))) as pdf:
        pdf.pages[0].obj.Annots = pikepdf.Array(
            [
                _link(pdf, _uri("https://ris.example.de/vorlage/1")),
                _link(pdf, _uri("mailto:buero@example.de")),
                _link(pdf, _uri("javascript:alert(1)")),
                _link(pdf, _uri("file:///C:/Windows/system32/calc.exe")),
                _link(pdf, Dictionary(S=Name.GoToR, F=String("\\\\server\\share\\x.pdf"), D=[0])),
            ]
        )
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
    return out.getvalue()


def test_only_web_and_mail_links_stay() -> None:
    with pikepdf.open(io.BytesIO(_with_links())) as pdf:
        removed = strip_links(pdf)
        kept = [str(a.A.URI) for a in pdf.pages[0].Annots]
    assert kept == ["https://ris.example.de/vorlage/1", "mailto:buero@example.de"]
    assert removed == [
        "page 1: a javascript: link",
        "page 1: a file: link",
        "page 1: a GoToR action",
    ]


def test_bundle_removes_them_from_the_merged_pages_and_says_so(tmp_path: Path) -> None:
    data = _with_links()
    (tmp_path / "verweise.pdf").write_bytes(data)
    v = vorlage(anlagen=[anlage(1, "verweise.pdf", sha256=hashlib.sha256(data).hexdigest())])
    for streamed in (False, True):
        if streamed:  # the on-disk path merges from a saved copy, not from the file
            out = tmp_path / "b.pdf"
            hinweise = bundle_to_file(v, tmp_path, out, stream_threshold=1)
            bundled = out.read_bytes()
            assert b"/Prev" in bundled[-2048:]
        else:
            result = build_bundle(v, tmp_path)
            hinweise, bundled = result.hinweise, result.data
        assert any("links that leave the web or mail removed" in str(h) for h in hinweise)
        with pikepdf.open(io.BytesIO(bundled)) as pdf:
            uris = [str(a.A.get("/URI", "")) for p in pdf.pages for a in p.obj.get("/Annots", [])]
            assert not any(u.startswith(("javascript:", "file:")) for u in uris)
            assert "https://ris.example.de/vorlage/1" in uris
            # the embedded original keeps its links, byte for byte
            assert pdf.attachments["verweise.pdf"].get_file().read_bytes() == data
        assert pdfa_problems(bundled) == []
        assert ratsdok.verify(bundled).ok  # rebuilt the same way: the pages verify
