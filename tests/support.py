"""Helpers shared by the tests (imported by name; conftest.py holds only fixtures)."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
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


# --- another process indexing the same index ------------------------------------------------
SURNAMES = ["Abbott", "Baxter", "Carver", "Dalton", "Ellison", "Fairley", "Garrick", "Holloway", "Ingram", "Jessop"]


def write_notes(folder: Path, count: int) -> None:
    folder.mkdir(parents=True)
    for n in range(count):
        name = f"{SURNAMES[n % 10]} {n:03d}"
        sentences = [f"Visit note for patient {name}, seen on day {n} of the study.",
                     f"The patient reports knee pain graded {n % 7} out of ten after walking.",
                     f"Blood pressure was {110 + n % 30}/{70 + n % 15} and the pulse regular.",
                     f"Medication reviewed: continue ibuprofen {200 + n} mg as needed.",
                     f"Follow-up code for this visit is FU-{n:04d}-{SURNAMES[(n * 3) % 10].upper()}."]
        (folder / f"visit_{n:03d}.txt").write_text("\n\n".join(sentences * 3) + "\n")


def cli_env(store: Path) -> dict:
    env = {**os.environ, "RAGBOX_STORE__DIR": str(store), "PYTHONPATH": str(REPO)}
    env.pop("RAGBOX_CONFIG", None)
    return env


def start_writer(store: Path, *folders: Path, wait: bool = False) -> subprocess.Popen:
    flags = ["--wait"] if wait else []
    return subprocess.Popen([sys.executable, "-m", "ragbox", "index", *flags, *map(str, folders)],
                            env=cli_env(store), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_until_locked(lock: Path, writer: subprocess.Popen, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and writer.poll() is None:
        if lock.exists():
            with open(lock) as handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    fcntl.flock(handle, fcntl.LOCK_UN)
                except BlockingIOError:
                    return
        time.sleep(0.05)
    raise AssertionError("the writer never took the index's lock")
