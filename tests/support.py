"""Helpers shared by the tests (imported by name; conftest.py holds only fixtures)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE_DOCS = REPO / "sample_docs"
FIXTURES = REPO / "tests" / "fixtures"
NDA = SAMPLE_DOCS / "contracts" / "mutual_nda_northwind_bluefin.pdf"
MSA = SAMPLE_DOCS / "contracts" / "services_agreement_acme_globex.pdf"


def store_state(engine) -> dict:
    """Everything observable about an index, for comparing two of them (paths made relative)."""
    catalog = engine.catalog
    state = {}
    for doc in catalog.documents(state=None):
        state[Path(doc.path).name] = (
            doc.state, doc.content_hash, doc.pages,
            tuple((c.page, c.char_start, c.char_end, c.text) for c in catalog.chunks_of(doc.doc_id)),
        )
    return state


def assert_consistent(engine) -> None:
    """Catalog and vector store agree exactly: no orphan, missing or duplicate chunks."""
    catalog_ids = []
    for doc in engine.catalog.documents(state=None):
        assert doc.state == "ready", f"{doc.path} left in state {doc.state}"
        ids = engine.catalog.chunk_ids(doc.doc_id)
        assert len(ids) == doc.chunks
        catalog_ids.extend(ids)
    vector_ids = engine.vectors.all_ids()
    assert len(vector_ids) == len(set(vector_ids))
    assert sorted(vector_ids) == sorted(catalog_ids)
    paths = [d.path for d in engine.catalog.documents()]
    assert len(paths) == len(set(paths)), "a path is indexed twice"


def flate_pdf(contents: list[bytes]) -> bytes:
    """A PDF with one page per item of ``contents``, each the page's content stream, Flate-compressed:
    a few kilobytes that inflate to whatever the streams hold (a decompression bomb, if asked)."""
    import zlib

    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(len(contents)))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               f"<< /Type /Pages /Kids [{kids}] /Count {len(contents)} >>".encode(),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    for i, raw in enumerate(contents):
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
                       f"/Contents {5 + 2 * i} 0 R >>".encode())
        data = zlib.compress(raw, 9)
        objects.append(f"<< /Length {len(data)} /Filter /FlateDecode >>\nstream\n".encode() + data + b"\nendstream")
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def text_page(text: str, padding: int = 0) -> bytes:
    """A content stream showing ``text``, then ``padding`` spaces (which inflate, and cost parsing)."""
    return f"BT /F1 12 Tf 72 700 Td ({text}) Tj ET\n".encode() + b" " * padding
