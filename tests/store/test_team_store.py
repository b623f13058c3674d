"""A team on one index in a real Chroma server (`chroma run` on loopback): the server holds
everything a member needs, and a member's catalog is only a cache ragbox refreshes by itself.
Two members with separate homes: what one indexes, the other searches, asks and tabulates with
nothing copied."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ragbox.config import load_settings
from ragbox.engine import Engine
from ragbox.errors import IndexBusyError, StoreError
from ragbox.store.team_server import LEASE_SECONDS

from support import REPO, cli_env, start_chroma_server, stop_chroma_server, write_notes

pytestmark = pytest.mark.slow

QUERIES = ["What is the monthly fee for the services?", "Which medication was prescribed for Jane Doe?",
           "How long do the confidentiality obligations last?", "knee surgery follow-up"]


@pytest.fixture
def server(chroma_server: str) -> str:
    """The team's server: a real `chroma run` on loopback (conftest.chroma_server)."""
    return chroma_server


@pytest.fixture
def member(tmp_path: Path, server: str, embedder):
    """member("a") -> an engine with its own home (store.dir) and only store.url in common."""
    engines = []

    def make(name: str, url: str = "", **flags) -> Engine:
        settings = load_settings(None, environ={}, flags={
            "store.dir": str(tmp_path / f"home-{name}"), "store.index": "team", "store.url": url or server,
            "answer.style": "extract", **flags})
        engine = Engine(settings, embedder=embedder)
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.close()


def top(engine: Engine, query: str, k: int = 5) -> list[tuple[str, str, int, int, str]]:
    return [(h.chunk_id, h.path, h.char_start, h.char_end, h.text) for h in engine.search(query, k=k)]


def test_a_member_with_an_empty_home_searches_asks_and_tabulates_the_same_index(member, docs):
    a, b = member("a"), member("b")
    a.index([docs])
    assert not b.index_dir.exists()
    for query in QUERIES:
        assert top(b, query) == top(a, query)
    answer_a, answer_b = (m.ask("What is the liability cap in the services agreement?") for m in (a, b))
    assert answer_b.found and answer_b.cited
    assert answer_b.text == answer_a.text
    assert [s.chunk_id for s in answer_b.sources] == [s.chunk_id for s in answer_a.sources]
    table_a, table_b = (m.table(["governing law"], where="contracts/**") for m in (a, b))
    assert [[c.text for c in row] for row in table_b.cells] == [[c.text for c in row] for row in table_a.cells]
    assert [c.path for c in b.cards()] == [c.path for c in a.cards()] and b.cards()
    status = b.status()
    assert status["files"] == 7 and status["team"]["cache"] == "current"
    assert status["team"]["revision"] == status["team"]["cache_revision"] != "0"


def test_another_members_new_and_removed_files_are_seen_with_no_command(member, docs, tmp_path):
    a, b = member("a"), member("b")
    a.index([docs])
    assert top(b, "asthma inhaler")  # b's cache is filled
    more = tmp_path / "more"
    write_notes(more, 3)
    a.index([docs, more])
    (docs / "clinical_notes" / "2026-04-02_john_roe_asthma.md").unlink()
    a.index([docs])
    paths = {h.path for h in b.search("patient note", k=50)}
    assert any(p.startswith(str(more)) for p in paths)
    assert not any("john_roe_asthma" in p for p in paths)
    assert sorted(d.path for d in b.documents()) == sorted(d.path for d in a.documents())


def test_one_indexer_at_a_time_across_machines(member, docs):
    a, b = member("a"), member("b")
    a.index([docs])
    with a.team.lease():
        with pytest.raises(IndexBusyError) as busy:
            b.index([docs])
        assert "is busy" in str(busy.value) and "\n" not in str(busy.value)
    b.index([docs])  # the lease is free again
    assert LEASE_SECONDS <= 120  # a dead indexer frees the index within minutes


def test_a_stopped_server_is_a_one_line_error_and_the_next_run_is_clean(tmp_path, member, docs, embedder):
    process, url = start_chroma_server(tmp_path / "own-server")
    a = member("a", url)
    a.index([docs])
    more = tmp_path / "more"
    write_notes(more, 40)
    stopped = False

    def stop_midway(progress) -> None:
        nonlocal stopped
        if progress.files_done >= 5 and not stopped:
            stop_chroma_server(process)
            stopped = True

    with pytest.raises(StoreError) as lost:
        a.index([docs, more], on_progress=stop_midway)
    assert "Team server" in str(lost.value) and url in str(lost.value) and "\n" not in str(lost.value)
    process, _ = _restart(tmp_path / "own-server", url)
    try:
        before = member("before", url)  # a member meanwhile sees the last published index, whole
        assert len(before.documents()) == 7 and len(before.catalog.chunks_by_id(before.catalog.chunk_ids(
            before.documents()[0].doc_id))) == before.documents()[0].chunks
        a.close()
        a2 = member("a", url)  # the same home: its own lease from the lost run is taken over
        a2.index([docs, more])
        b = member("b", url)
        assert sorted(d.path for d in b.documents()) == sorted(d.path for d in a2.documents())
        server_docs = a2.team.documents()
        assert len(server_docs) == 7 + 40
        assert a2.vectors.count() == sum(d["chunks"] for d in server_docs.values())
    finally:
        stop_chroma_server(process)


def _restart(path: Path, url: str):
    """The same server again, on the same port (its data kept)."""
    return start_chroma_server(path, port=int(url.rsplit(":", 1)[1]))


def test_an_embedded_index_moves_to_the_server(tmp_path, member, docs, embedder):
    home = tmp_path / "home-a"
    local = Engine(load_settings(None, environ={}, flags={"store.dir": str(home), "store.index": "team"}),
                   embedder=embedder)
    local.index([docs])
    expected = top(local, QUERIES[0])
    local.close()
    a = member("a")  # the same home, now with store.url
    moved = a.index([docs])
    assert moved.indexed == [] and moved.unchanged == 7
    b = member("b")
    assert top(b, QUERIES[0]) == expected


def test_the_cli_of_an_empty_home_searches_and_status_shows_the_server(member, docs, server, tmp_path):
    member("a").index([docs])
    home = tmp_path / "empty-home"
    env = {**cli_env(home / "data"), "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"),
           "RAGBOX_STORE__URL": server, "RAGBOX_STORE__INDEX": "team", "RAGBOX_STORE__TOKEN": "sekrit-token"}
    found = subprocess.run([sys.executable, "-m", "ragbox", "search", "--json", "monthly fee"], env=env,
                           capture_output=True, text=True, cwd=REPO, timeout=300)
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)
    status = subprocess.run([sys.executable, "-m", "ragbox", "status"], env=env, capture_output=True, text=True,
                            cwd=REPO, timeout=300)
    assert status.returncode == 0, status.stderr
    assert server in status.stdout and "current" in status.stdout
    assert "sekrit-token" not in status.stdout + status.stderr + found.stdout + found.stderr


class TokenProxy:
    """A loopback reverse proxy in front of the Chroma server that wants a bearer token, as a team
    server is deployed (the installed `chroma run` has no token authentication of its own)."""

    def __init__(self, upstream: str, token: str) -> None:
        import http.client
        import http.server
        import threading
        from urllib.parse import urlsplit

        target = urlsplit(upstream)

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _forward(self) -> None:
                if self.headers.get("Authorization") != f"Bearer {token}":
                    self.send_response(401)
                    self.send_header("Content-Type", "application/json")
                    body = b'{"error": "Unauthorized", "message": "Unauthorized"}'
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                upstream = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "authorization")}
                upstream.request(self.command, self.path, body, headers)
                reply = upstream.getresponse()
                data = reply.read()
                self.send_response(reply.status)
                for key, value in reply.getheaders():
                    if key.lower() not in ("transfer-encoding", "content-length", "connection"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _forward

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


def test_the_token_comes_from_the_environment_and_a_wrong_one_is_a_one_line_error(member, docs, server, tmp_path):
    proxy = TokenProxy(server, "team-secret-1")
    try:
        member("a", proxy.url, **{"store.token": "team-secret-1"}).index([docs])
        home = tmp_path / "member-b"
        env = {**cli_env(home / "data"), "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"),
               "RAGBOX_STORE__URL": proxy.url, "RAGBOX_STORE__INDEX": "team"}

        def search(**extra):
            return subprocess.run([sys.executable, "-m", "ragbox", "search", "--json", "liability cap"],
                                  env={**env, **extra}, capture_output=True, text=True, cwd=REPO, timeout=300)

        assert json.loads(search(RAGBOX_STORE__TOKEN="team-secret-1").stdout)
        for wrong in ({"RAGBOX_STORE__TOKEN": "not-the-secret"}, {}):
            refused = search(**wrong)
            assert refused.returncode == 1
            lines = refused.stderr.strip().splitlines()
            assert len(lines) == 1 and proxy.url in lines[0] and "token" in lines[0], refused.stderr
            assert "not-the-secret" not in refused.stderr + refused.stdout
    finally:
        proxy.close()


def test_doctor_never_shows_the_token(monkeypatch):
    from ragbox import doctor

    monkeypatch.setenv("RAGBOX_STORE__TOKEN", "team-secret-2")
    report = doctor.config(None)
    assert "store.token" in report["environment"] and "team-secret-2" not in json.dumps(report)


def test_a_refresh_that_died_midway_is_finished_by_the_next(member, docs):
    a, b = member("a"), member("b")
    a.index([docs])
    b.follow_team()
    doc = b.documents()[0]
    b.catalog.mark_deleting([doc.doc_id])  # as a refresh killed between its writes leaves a row
    b.catalog.set_meta("team_revision", "0")
    b.follow_team()
    assert sorted(d.doc_id for d in b.documents()) == sorted(d.doc_id for d in a.documents())
    assert len(b.catalog.chunk_ids(doc.doc_id)) == doc.chunks


def test_a_server_wiped_and_filled_again_is_not_mistaken_for_the_cached_one(tmp_path, member, docs):
    process, url = start_chroma_server(tmp_path / "first-server")
    member("a", url).index([docs])
    b = member("b", url)
    assert len(b.documents()) == 7
    stop_chroma_server(process)
    process, _ = _restart(tmp_path / "second-server", url)  # empty, on the same address
    try:
        more = tmp_path / "more"
        write_notes(more, 2)
        member("c", url).index([more])  # its first revision, like the first server's
        assert sorted(d.path for d in b.documents()) == sorted(str(p.resolve()) for p in more.iterdir())
    finally:
        stop_chroma_server(process)
