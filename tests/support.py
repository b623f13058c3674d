"""Helpers shared by the tests (imported by name; conftest.py holds only fixtures)."""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Sequence

from ragbox.llm.scripted_backend import ScriptedGenerator  # noqa: F401  (the tests' stand-in LLM)

REPO = Path(__file__).resolve().parent.parent
SAMPLE_DOCS = REPO / "sample_docs"
FIXTURES = REPO / "tests" / "fixtures"
NDA = SAMPLE_DOCS / "contracts" / "mutual_nda_northwind_bluefin.pdf"
MSA = SAMPLE_DOCS / "contracts" / "services_agreement_acme_globex.pdf"


class CountingEmbedder:
    """Wraps the real embedder to count what gets embedded."""

    def __init__(self, inner):
        self.inner = inner
        self.model_id = inner.model_id
        self.tokenizer = inner.tokenizer
        self.texts = 0

    def embed(self, texts):
        self.texts += len(texts)
        return self.inner.embed(texts)


def store_state(engine) -> dict:
    """Everything observable about an index, for comparing two of them (paths made relative)."""
    catalog = engine.catalog
    state = {}
    for doc in catalog.documents(state=None):
        state[Path(doc.path).name] = (
            doc.state, doc.content_hash, doc.pages,
            tuple(c.as_chunk() for c in catalog.chunks_of(doc.doc_id)),
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


# A cash-flow statement as annual reports print it: a title, a header of years, row groups.
CASH_FLOW_ROWS = [
    ("Cash Flows from Operating Activities", None),
    ("Net income", ("5,791", "5,929", "5,453")),
    ("Depreciation and amortization", ("1,831", "1,915", "1,911")),
    ("Net cash provided by operating activities", ("5,591", "7,454", "8,113")),
    ("Cash Flows from Investing Activities", None),
    ("Purchases of property, plant and equipment", ("(1,749)", "(1,603)", "(1,501)")),
    ("Proceeds from sale of businesses", ("13", "-", "576")),
    ("Net cash used in investing activities", ("(1,046)", "(1,317)", "(580)")),
    ("Cash Flows from Financing Activities", None),
    ("Dividends paid to shareholders", ("(3,369)", "(3,420)", "(3,388)")),
    ("Purchases of treasury stock", ("(1,464)", "(2,199)", "(368)")),
]


def statement_page(pdf, heading: Sequence[str], unit: str, years: Sequence[str], rows) -> None:
    """A financial statement's page: its heading lines, the unit line with the years' column
    headers, then its rows (a row without cells is a section's heading). Without ``heading``, the
    page it continues on: rows only."""
    pdf.add_page()
    if heading:
        for line in heading:
            pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
        pdf.cell(100, 6, unit)
        for year in years:
            pdf.cell(30, 6, year, align="R")
        pdf.ln()
    for label, cells in rows:
        pdf.cell(100, 6, label)
        for cell in cells or ():
            pdf.cell(30, 6, cell, align="R")
        pdf.ln()


def write_annual_report(path: Path, company: str = "Northwind Widgets Inc.", years=("2022", "2021", "2020"),
                        rows=CASH_FLOW_ROWS) -> Path:
    """A three-page PDF report: prose, the consolidated statement of cash flows, prose."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=10)
    pdf.add_page()
    pdf.multi_cell(0, 5, f"{company} annual report. The company designs and sells widgets in forty "
                         "countries through distributors and its own stores. " * 5)
    statement_page(pdf, (company, "Consolidated Statement of Cash Flows", "Years ended December 31"), "(Millions)",
                   years, rows)
    pdf.add_page()
    pdf.multi_cell(0, 5, "Risk factors. Demand for widgets may fall when the economy slows down and "
                         "competitors lower their prices. " * 5)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


FEE_SCHEDULE_MD = """# Fee schedule

The fees below apply from 1 January 2025.

## Service fees

| Fee | Amount | Due |
|---|---|---|
| Onboarding | 1,200 EUR | on signature |
| Monthly support | 450 EUR | first day of each month |
| Emergency call-out | 300 EUR | within 30 days of the call |
| Data export | 90 EUR | on delivery |

Late payment interest is 8% a year.
"""


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
# --- model stores as the tools that fill them leave them (Ollama, LM Studio, Hugging Face) ---
def link(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except FileExistsError:
        # Never written to: were it a link of the bundled model, writing would truncate the one
        # file every process maps (a model running meanwhile dies of SIGBUS).
        if not target.samefile(source):
            raise
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        shutil.copyfile(source, target)  # another file system: a copy will do
    return target


def sha256(path: Path) -> str:
    with open(path, "rb") as handle:  # the standard library's, not ragbox's own (doctor.sha256_of)
        return hashlib.file_digest(handle, "sha256").hexdigest()


def blob(root: Path, data: bytes | Path, media_type: str) -> dict:
    """A blob in Ollama's store, named after its digest, and the manifest layer naming it."""
    if isinstance(data, Path):
        digest, size = sha256(data), data.stat().st_size
        link(data, root / "blobs" / f"sha256-{digest}")
    else:
        digest, size = hashlib.sha256(data).hexdigest(), len(data)
        (root / "blobs").mkdir(parents=True, exist_ok=True)
        (root / "blobs" / f"sha256-{digest}").write_bytes(data)
    return {"mediaType": media_type, "digest": f"sha256:{digest}", "size": size}


def ollama_model(root: Path, manifest_path: str, gguf: Path, license_text: str = "") -> None:
    """What `ollama pull` leaves: blobs/sha256-<hex> and manifests/<host>/<namespace>/<model>/<tag>."""
    config = json.dumps({"model_format": "gguf", "model_family": "llama", "file_type": "Q4_1"}).encode()
    layers = [blob(root, gguf, "application/vnd.ollama.image.model"),
              blob(root, b"{{ .Prompt }}", "application/vnd.ollama.image.template")]
    if license_text:
        layers.append(blob(root, license_text.encode(), "application/vnd.ollama.image.license"))
    layers.append(blob(root, b'{"stop": ["<|im_end|>"]}', "application/vnd.ollama.image.params"))
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                "config": blob(root, config, "application/vnd.docker.container.image.v1+json"), "layers": layers}
    target = root / "manifests" / manifest_path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(manifest), encoding="utf-8")


def start_chroma_server(path: Path, port: int | None = None):
    """A real Chroma server (`chroma run`) on a free loopback port (or ``port``: the same server
    again), storing under ``path``; returns (process, url). The caller stops it."""
    import os
    import shutil
    import socket
    import subprocess
    import sys
    import time

    if port is None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    process = subprocess.Popen([chroma, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"chroma run exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("chroma run did not start listening within 60 s")


def stop_chroma_server(process) -> None:
    process.terminate()
    try:
        process.wait(10)
    except Exception:
        process.kill()


def both_vector_stores(request) -> str:
    """For a ``store_url`` fixture parametrized ["embedded", "chroma-server"]: "" (the embedded
    store) or the url of a real Chroma server started for the test."""
    return "" if request.param == "embedded" else request.getfixturevalue("chroma_server")


class FakeOcr:
    """Stands in for the OCR engine in tests of the logic around it (which pages, progress)."""

    def __init__(self, text="Read from the image of the page by OCR."):
        self.text = text
        self.asked = []

    def pdf_pages(self, data, numbers):
        for number in numbers:
            self.asked.append(number)
            yield number, f"{self.text} ({number})", 0.9
