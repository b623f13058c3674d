"""A folder of every format indexed in one run, with format-aware citations; documents inside a
file (an e-mail's attachments) change, move and go with their file."""

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_indexing import CountingEmbedder

from ragbox.cli import main
from ragbox.paths import locator

from make_files import email_message, write_docx, write_eml, write_html, write_mbox, write_scan
from support import MSA, NDA, assert_consistent, store_state


def mixed_folder(root: Path, scan: bool = True) -> Path:
    root.mkdir()
    write_docx(root / "supply agreement.docx")
    write_html(root / "discharge.html")
    broken = ("broken.pdf", b"%PDF-1.7 garbage", "application", "pdf")
    write_eml(root / "lease.eml", attachments=[("nda.pdf", NDA.read_bytes(), "application", "pdf"),
                                               ("note.txt", b"The parking space is included in the rent.\n",
                                                "text", "plain"), broken])
    write_mbox(root / "archive.mbox")
    (root / "memo.txt").write_text("Memo: the office moves to Harbour Street in June.\n")
    if scan:
        write_scan(root / "scanned msa.pdf", source=MSA, pages=1)
    return root


def top(engine, query, path_end, k=10):
    """The best hit of ``query`` whose path ends with ``path_end``."""
    hits = [h for h in engine.search(query, k=k) if h.path.endswith(path_end)]
    assert hits, f"no hit from {path_end} for {query!r}"
    return hits[0]


def test_every_format_in_one_run_with_format_aware_citations(make_engine, tmp_path, monkeypatch):
    folder = mixed_folder(tmp_path / "docs")
    engine = make_engine()
    summary = engine.index([folder])
    assert sorted(Path(p).name for p in summary.indexed) == [
        "archive.mbox", "discharge.html", "lease.eml", "memo.txt", "scanned msa.pdf", "supply agreement.docx"]
    assert list(summary.skipped) == [f"{folder.resolve()}/lease.eml › broken.pdf"]
    assert next(iter(summary.skipped.values())).startswith("unreadable PDF")
    assert summary.ocr_pages == 1
    assert_consistent(engine)
    bases = [folder.resolve()]

    cited = {
        "lease.eml › nda.pdf": top(engine, "How many days of written notice to terminate the NDA?", "nda.pdf"),
        "lease.eml › note.txt": top(engine, "Is the parking space included in the rent?", "note.txt"),
        "lease.eml": top(engine, "When does the rent review happen?", "lease.eml"),
        "archive.mbox › 2. Parking": top(engine, "How much does the parking space cost a month?", "Parking"),
        "supply agreement.docx": top(engine, "What is the early termination fee?", ".docx"),
        "discharge.html": top(engine, "What was the SpO2 at discharge?", ".html"),
        "scanned msa.pdf": top(engine, "Master Services Agreement between Acme and Globex", "msa.pdf"),
    }
    labels = {name: locator(hit, bases) for name, hit in cited.items()}
    assert labels["lease.eml › nda.pdf"] == "lease.eml › nda.pdf, page 3"
    assert labels["lease.eml › note.txt"] == "lease.eml › note.txt"
    assert labels["lease.eml"] == "lease.eml"
    assert labels["archive.mbox › 2. Parking"] == "archive.mbox › 2. Parking"
    assert labels["supply agreement.docx"] == "supply agreement.docx, section Fees"
    assert labels["discharge.html"] == "discharge.html, section Observations"
    assert labels["scanned msa.pdf"] == "scanned msa.pdf, page 1, OCR"
    assert "| Early termination | $7,500 | within 30 days of notice |" in cited["supply agreement.docx"].text
    for name, hit in cited.items():  # the passage view finds every passage at its exact offsets
        context = engine.page_in_context(hit)
        assert context.span == (hit.char_start, hit.char_end), name
        assert context.text[hit.char_start:hit.char_end] == hit.text

    monkeypatch.setenv("RAGBOX_STORE__DIR", str(engine.settings.store.dir))
    monkeypatch.chdir(folder)
    runner = CliRunner()
    output = runner.invoke(main, ["search", "--k", "3", "Master Services Agreement between Acme and Globex"]).output
    assert "scanned msa.pdf, page 1, OCR" in output
    hits = json.loads(runner.invoke(main, ["search", "--json", "--k", "20", "thirty days written notice NDA"]).output)
    nda = next(h for h in hits if h["path"].endswith("lease.eml › nda.pdf"))
    assert nda["page"] == 3 and "ocr" not in nda
    hits = json.loads(runner.invoke(main, ["search", "--json", "--k", "3", "Master Services Agreement Acme"]).output)
    scanned = next(h for h in hits if h["path"].endswith("scanned msa.pdf"))
    assert scanned["page"] == 1 and scanned["ocr"] is True


@pytest.fixture
def mail_folder(tmp_path):
    folder = tmp_path / "mail"
    folder.mkdir()
    attachments = [("nda.pdf", NDA.read_bytes(), "application", "pdf"),
                   ("broken.pdf", b"%PDF garbage", "application", "pdf")]
    write_eml(folder / "lease.eml", attachments=attachments)
    (folder / "other.md").write_text("# Other\nA note about the boiler service in May.\n")
    return folder


def test_renamed_email_keeps_its_attachments_without_re_embedding(make_engine, mail_folder, embedder):
    engine = make_engine(**{"index.ocr": "off"})
    engine.index([mail_folder])
    before = store_state(engine)
    counting = CountingEmbedder(embedder)
    engine = make_engine(embedder_instead=counting, **{"index.ocr": "off"})
    old, new = mail_folder / "lease.eml", mail_folder / "archive" / "signed lease.eml"
    new.parent.mkdir()
    shutil.move(old, new)
    summary = engine.index([mail_folder])
    assert summary.renamed == [(str(old.resolve()), str(new.resolve()))] and counting.texts == 0
    after = store_state(engine)
    assert after.pop("signed lease.eml") == before.pop("lease.eml") and after == before
    hit = top(engine, "How many days of written notice to terminate the NDA?", "nda.pdf")
    assert hit.path == f"{new.resolve()} › nda.pdf"
    assert engine.page_in_context(hit).span == (hit.char_start, hit.char_end)
    assert summary.skipped == {f"{new.resolve()} › broken.pdf": summary.skipped[f"{new.resolve()} › broken.pdf"]}
    assert set(engine.catalog.skipped()) == {f"{new.resolve()} › broken.pdf"}
    assert_consistent(engine)


def test_unchanged_email_keeps_the_reasons_its_attachments_were_skipped(make_engine, mail_folder):
    engine = make_engine(**{"index.ocr": "off"})
    first = engine.index([mail_folder])
    second = engine.index([mail_folder])
    assert second.unchanged == 2 and second.skipped == first.skipped and len(first.skipped) == 1
    assert engine.catalog.skipped() == first.skipped


def test_deleted_or_forgotten_email_takes_its_attachments(make_engine, mail_folder):
    engine = make_engine(**{"index.ocr": "off"})
    engine.index([mail_folder])
    mail = (mail_folder / "lease.eml").resolve()
    assert any(h.path.startswith(f"{mail} › ") for h in engine.search("NDA written notice terminate", k=20))
    engine.forget(mail)
    assert all(str(mail) not in h.path for h in engine.search("NDA written notice terminate", k=20))
    assert_consistent(engine)
    engine.index([mail_folder])  # back again, then deleted on disk
    (mail_folder / "lease.eml").unlink()
    summary = engine.index([mail_folder])
    assert summary.removed == [str(mail)] and summary.skipped == {}
    assert all(str(mail) not in h.path for h in engine.search("NDA written notice terminate", k=20))
    assert [Path(d.path).name for d in engine.catalog.documents()] == ["other.md"]
    assert_consistent(engine)


def test_an_edited_email_replaces_all_its_parts(make_engine, mail_folder):
    engine = make_engine(**{"index.ocr": "off"})
    engine.index([mail_folder])
    message = email_message(attachments=[("renewal.txt", b"The lease now renews for five years.\n", "text", "plain")])
    (mail_folder / "lease.eml").write_bytes(message.as_bytes())
    summary = engine.index([mail_folder])
    assert len(summary.indexed) == 1 and summary.skipped == {}
    paths = {h.path.rsplit(" › ", 1)[-1] for h in engine.search("lease renews years NDA notice", k=30)}
    assert "renewal.txt" in paths and "nda.pdf" not in paths
    assert_consistent(engine)


@pytest.mark.parametrize("crash_at", ["moved:1", "removing:1"])
def test_a_run_killed_while_moving_or_removing_an_email_is_repaired(crash_at, make_engine, mail_folder, tmp_path):
    import signal

    from test_crash_safety import run_index_subprocess

    store = tmp_path / "store"
    make_engine(**{"store.dir": str(store)}).index([mail_folder])
    shutil.move(mail_folder / "lease.eml", mail_folder / "signed.eml")
    if crash_at.startswith("removing"):
        (mail_folder / "signed.eml").unlink()
    assert run_index_subprocess(store, mail_folder, crash_at=crash_at) == -signal.SIGKILL
    engine = make_engine(**{"store.dir": str(store)})
    assert engine.index([mail_folder]).repaired >= 1
    assert_consistent(engine)
    fresh = make_engine(**{"store.dir": str(tmp_path / "fresh")})
    fresh.index([mail_folder])
    assert store_state(engine) == store_state(fresh)
    assert engine.catalog.skipped() == fresh.catalog.skipped()
    assert len(fresh.catalog.skipped()) == (1 if crash_at.startswith("moved") else 0)  # signed.eml › broken.pdf
