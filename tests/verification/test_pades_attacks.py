"""Attacks on verify of PAdES-signed bundles found in review (issue #12): each must
end in a report that is not OK, or a clear ratsdok error, never a traceback."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pikepdf
import pytest

from ratsdok.errors import RatsdokError
from ratsdok.pdf.render import signaturfelder
from ratsdok.pdf.signieren import sign_field
from ratsdok.report import Kind, Status
from ratsdok.store.files import load
from ratsdok.verification import verify
from tests.conftest import EXAMPLE_DIR, EXAMPLE_XML
from tests.verification.test_pades import _ca, _doubly_signed, _signer


def _update(data: bytes, change: Callable[[Any, Any, Any], None], page: int = 0) -> bytes:
    """*data* with one incremental update (pyHanko's writer, as any PDF tool would)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    w = IncrementalPdfFileWriter(io.BytesIO(data))
    page_ref = w.find_page_for_modification(page)[0]
    change(w, page_ref, page_ref.get_object())
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def _widget(w: Any, page_ref: Any, pg: Any, extra: dict[str, Any], look: bytes) -> Any:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import NameObject as N

    stream = generic.StreamObject(stream_data=look)
    stream["/BBox"] = generic.ArrayObject(map(generic.FloatObject, (0, 0, 595, 842)))
    stream["/Type"], stream["/Subtype"] = N("/XObject"), N("/Form")
    widget = generic.DictionaryObject(
        {
            N("/FT"): N("/Sig"),
            N("/Type"): N("/Annot"),
            N("/Subtype"): N("/Widget"),
            N("/F"): generic.NumberObject(4),
            N("/Rect"): generic.ArrayObject(map(generic.FloatObject, (0, 0, 595, 842))),
            N("/P"): page_ref,
            N("/AP"): generic.DictionaryObject({N("/N"): w.add_object(stream)}),
            **{N(k): v for k, v in extra.items()},
        }
    )
    ref = w.add_object(widget)
    pg["/Annots"].append(ref)
    w.update_container(pg)
    if isinstance(pg.raw_get("/Annots"), generic.IndirectObject):
        w.update_container(pg["/Annots"])
    return ref


def _verdict(data: bytes) -> Any:
    try:
        return verify(data, trust=_ca())
    except RatsdokError:
        return None


def test_a_hidden_field_named_like_a_signed_one_does_not_hide_a_forgery() -> None:
    """A kid field "Unterzeichnung1" with a signature dictionary pyHanko skips (an
    unknown SubFilter), its widget covering page 1: the page fails."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import NameObject as N
    from pyhanko.pdf_utils.generic import pdf_string

    def change(w: Any, page_ref: Any, pg: Any) -> None:
        sig = generic.DictionaryObject(
            {
                N("/Type"): N("/Sig"),
                N("/Filter"): N("/Adobe.PPKLite"),
                N("/SubFilter"): N("/ratsdok.fake"),
                N("/Contents"): generic.ByteStringObject(b"\0" * 16),
                N("/ByteRange"): generic.ArrayObject([generic.NumberObject(0)] * 4),
            }
        )
        parent = w.add_object(
            generic.DictionaryObject({N("/FT"): N("/Sig"), N("/T"): pdf_string("X")})
        )
        kid = _widget(
            w,
            page_ref,
            pg,
            {"/T": pdf_string("Unterzeichnung1"), "/V": w.add_object(sig), "/Parent": parent},
            b"1 1 1 rg 0 0 595 842 re f",
        )
        parent.get_object()["/Kids"] = generic.ArrayObject([kid])
        form = w.root["/AcroForm"]
        form["/Fields"].append(parent)
        w.update_container(form)

    result = _verdict(_update(_doubly_signed(), change))
    assert result is not None and not result.ok
    first = next(c for c in result.checks if c.kind is Kind.SEITEN)
    assert (first.label, first.status) == ("Seite 1", Status.FAILED)


def test_an_empty_field_with_actions_and_other_looks_counts() -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import NameObject as N
    from pyhanko.pdf_utils.generic import pdf_string

    def change(w: Any, page_ref: Any, pg: Any) -> None:
        js = generic.DictionaryObject(
            {N("/S"): N("/JavaScript"), N("/JS"): pdf_string("app.alert(1)")}
        )
        ref = _widget(
            w,
            page_ref,
            pg,
            {"/T": pdf_string("Unterzeichnung9"), "/AA": generic.DictionaryObject({N("/PO"): js})},
            b"",
        )
        form = w.root["/AcroForm"]
        form["/Fields"].append(ref)
        w.update_container(form)

    result = _verdict(_update(_doubly_signed(), change))
    assert result is not None and not result.ok


@pytest.mark.parametrize(
    "tail",
    [
        b"1 0 obj\n<< /Title (ABGELEHNT) >>\nendobj\nstartxref\n116\n",  # no %%EOF after it
        b"\n%% a comment after the end\n",
    ],
)
def test_bytes_after_the_last_eof_line_are_refused(tail: bytes) -> None:
    """pyHanko reads back from the last %%EOF line, qpdf and viewers from the last
    startxref: anything after the end would be shown but not checked."""
    result = _verdict(_doubly_signed() + tail)
    assert result is None or not result.ok
    if result is not None:
        (pades,) = [c for c in result.checks if c.kind is Kind.PADES]
        assert pades.status is Status.INVALID and "EOF" in pades.reason


def test_metadata_changed_after_signing_fails() -> None:
    """pyHanko's own writer rewrites Info and XMP (a change PAdES tolerates): the
    title a viewer shows is part of what verify compares."""
    from pyhanko.pdf_utils import generic

    def change(w: Any, page_ref: Any, pg: Any) -> None:
        w.set_info(
            generic.DictionaryObject(
                {generic.NameObject("/Title"): generic.pdf_string("ABGELEHNT")}
            )
        )

    result = _verdict(_update(_doubly_signed(), change))
    assert result is not None and not result.ok
    assert any(c.label == "Dokument" and c.status is Status.CHANGED for c in result.checks)


def test_need_appearances_after_signing_fails() -> None:
    from pyhanko.pdf_utils import generic

    def change(w: Any, page_ref: Any, pg: Any) -> None:
        form = w.root["/AcroForm"]
        form["/NeedAppearances"] = generic.BooleanObject(True)
        w.update_container(form)

    result = _verdict(_update(_doubly_signed(), change))
    assert result is not None and not result.ok


def test_unchecked_pages_are_not_made_signed_by_signing() -> None:
    """Pages that cannot be proven (another renderer recorded) stay unchecked under
    valid signatures: a signature vouches for the signer, not for ratsdok's proof."""
    from ratsdok.pdf.bundling import build_bundle

    bundle = build_bundle(load(EXAMPLE_XML), EXAMPLE_DIR).data
    with pikepdf.open(io.BytesIO(bundle)) as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["pdf:Producer"] = "ein anderes Programm"
        buf = io.BytesIO()
        pdf.save(buf)
    felder = signaturfelder(load(EXAMPLE_XML))
    data = sign_field(buf.getvalue(), _signer("landrat"), felder[0], felder=felder)
    data = sign_field(data, _signer("beigeordneter_rsa"), felder[1])
    result = verify(data, trust=_ca())
    assert {c.status for c in result.checks if c.kind is Kind.SEITEN} == {Status.UNCHECKED}
    assert result.unchecked  # exit 3, not 0


def test_annotations_that_are_not_dictionaries_give_no_traceback() -> None:
    with pikepdf.open(io.BytesIO(_doubly_signed())) as pdf:
        pdf.pages[0].obj.Annots.append(5)
        pdf.pages[0].obj.Annots.append(pikepdf.String("x"))
        buf = io.BytesIO()
        pdf.save(buf)
    result = _verdict(buf.getvalue())
    assert result is None or not result.ok
