"""`ragbox serve` with the real models: the same answers as a local engine, through a socket only
its owner can open, and an index changed by another process is searched as it is now."""

import os
import shutil
import stat
import subprocess
import sys
import threading

import pytest
from click.testing import CliRunner

from ragbox.cli import main
from ragbox.config import load_settings
from ragbox.engine import Engine
from ragbox.errors import StoreError
from ragbox.paths import data_dir
from ragbox.serving import protocol
from ragbox.serving.client import RemoteEngine, connect
from ragbox.serving.server import serve
from ragbox.types import Answer, Hit

from support import REPO, SAMPLE_DOCS

pytestmark = pytest.mark.slow  # the server loads the real embedding model and GGUF


def start_server(settings, warm_up=False):
    stop, ready, requests, failed = threading.Event(), threading.Event(), [], []

    def run():
        try:
            serve(settings, on_ready=lambda path: ready.set(), on_request=requests.append, warm_up=warm_up,
                  stop=stop)
        except BaseException as exc:  # surfaced by the test, not lost in the thread
            failed.append(exc)
            ready.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(120), "the server did not start"
    assert not failed, failed
    return stop, thread, requests


@pytest.fixture
def served(tmp_path, make_engine):
    docs = tmp_path / "docs"
    shutil.copytree(SAMPLE_DOCS / "contracts", docs)
    # the model writes the answer, so that tokens stream (an extracted answer comes as one piece)
    settings = load_settings(None, environ={}, flags={"store.dir": str(tmp_path / "store"),
                                                      "answer.style": "generate"})
    make_engine().index([docs])
    stop, thread, requests = start_server(settings)
    yield settings, requests, docs
    stop.set()
    thread.join(30)


def test_search_through_the_server_equals_a_local_search(served):
    settings, requests, _ = served
    remote = connect(settings)
    assert isinstance(remote, RemoteEngine)
    local = Engine(settings)
    for query in ("governing law", 'Consider the NDA between "Northwind"; How much notice ends it?'):
        hits = remote.search(query, k=5)
        assert all(isinstance(h, Hit) for h in hits) and len(hits) == 5
        assert [h.as_dict() for h in hits] == [h.as_dict() for h in local.search(query, k=5)]
    assert remote.search("governing law", k=3, where="*nda*")[0].path.endswith("mutual_nda_northwind_bluefin.pdf")
    assert requests.count("search") == 3
    local.close()


def test_ask_streams_tokens_and_returns_the_answer(served):
    settings, requests, _ = served
    tokens = []
    answer = connect(settings).ask("How does the master services agreement renew after the initial term?",
                                   on_token=tokens.append)
    # checked sentence by sentence before it is shown, so it streams a sentence at a time
    assert isinstance(answer, Answer) and tokens
    assert "".join(tokens).strip() == answer.text
    assert "one (1) year" in answer.text
    assert isinstance(answer.sources[0], Hit) and answer.sources[0].page == 2
    assert answer.quotes and all(isinstance(q, tuple) for q in answer.quotes)
    assert answer.timings["first_token_s"] > 0
    assert requests == ["ask"]


def test_errors_come_back_as_the_same_one_line_error(served):
    settings, _, _ = served
    other = settings.replace({"store.index": "empty"})
    with pytest.raises(StoreError) as remote_error:
        connect(other).search("anything")
    with pytest.raises(StoreError) as local_error:
        Engine(other).search("anything")
    assert remote_error.value.one_line() == local_error.value.one_line()
    assert remote_error.value.one_line().startswith("Index 'empty' is empty (")


def test_the_socket_is_its_owners_alone(served):
    settings, _, _ = served
    path = protocol.socket_path(data_dir(settings))
    assert stat.S_ISSOCK(path.stat().st_mode) and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    with pytest.raises(StoreError, match="already running"):
        serve(settings, warm_up=False, stop=threading.Event())


def test_an_open_folder_is_refused(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    with pytest.raises(StoreError, match="Unsafe folder"):
        protocol.private_dir(folder)


def test_without_a_server_there_is_no_remote_engine(tmp_path):
    settings = load_settings(None, environ={}, flags={"store.dir": str(tmp_path / "store")})
    assert connect(settings) is None
    path = protocol.socket_path(data_dir(settings))
    protocol.private_dir(path.parent)
    path.write_text("left behind")  # not a socket anyone listens on
    try:
        assert connect(settings) is None
    finally:
        path.unlink()


def test_the_cli_asks_the_server_while_it_runs(served, monkeypatch):
    settings, requests, _ = served
    monkeypatch.setenv("RAGBOX_STORE__DIR", settings.store.dir)
    result = CliRunner().invoke(main, ["search", "--json", "governing law"], catch_exceptions=False)
    assert result.exit_code == 0 and "mutual_nda" in result.output
    assert requests == ["search"]
    monkeypatch.setenv("RAGBOX_SERVE__USE", "false")
    assert CliRunner().invoke(main, ["search", "governing law"]).exit_code == 0
    assert requests == ["search"]  # answered locally


@pytest.mark.parametrize("exact_up_to", [50000, 0], ids=["catalog-vectors", "chroma"])
def test_a_file_indexed_by_another_process_is_found(tmp_path, make_engine, exact_up_to):
    docs = tmp_path / "docs"
    shutil.copytree(SAMPLE_DOCS / "contracts", docs)
    settings = load_settings(None, environ={}, flags={"store.dir": str(tmp_path / "store"),
                                                      "retrieval.exact_up_to": exact_up_to})
    make_engine().index([docs])
    stop, thread, _ = start_server(settings)
    try:
        remote = connect(settings)
        query = "sourdough starter hydration"
        assert not any("sourdough" in h.path for h in remote.search(query, k=3))
        shutil.copy(REPO / "tests" / "fixtures" / "eval" / "docs" / "sourdough_notes.txt", docs)
        env = {**os.environ, "RAGBOX_STORE__DIR": settings.store.dir, "RAGBOX_SERVE__USE": "false",
               "PYTHONPATH": str(REPO)}
        subprocess.run([sys.executable, "-m", "ragbox", "index", str(docs)], env=env, check=True,
                       capture_output=True)
        assert remote.search(query, k=3)[0].path.endswith("sourdough_notes.txt")
    finally:
        stop.set()
        thread.join(30)


def test_requests_reuse_the_servers_threads_and_a_slow_one_holds_up_no_other(served):
    settings, requests, _ = served
    remote = connect(settings)
    def workers():
        return len([t for t in threading.enumerate() if t.name.startswith("ragbox-request")])

    remote.search("governing law", k=3)
    fds = len(os.listdir("/proc/self/fd"))
    for _ in range(30):
        remote.search("termination notice", k=3)
    # One after another, the requests are answered by the few threads there are (a client may
    # send the next before the last one's thread is idle again), each keeping its connection.
    assert workers() <= 8
    # Not a connection a request: at most one catalog connection (3 files) a worker, opened by its
    # first request -- which may come now for a worker that was idle when ``fds`` was counted (the
    # old server opened one for each of the 30 requests: 60-90 more).
    assert len(os.listdir("/proc/self/fd")) <= fds + 3 * workers()

    from ragbox.serving.client import _open

    stalled = _open(protocol.socket_path(data_dir(settings)))  # connected, sends nothing: a worker waits on it
    try:
        answered = []
        searching = threading.Thread(target=lambda: answered.append(remote.search("governing law", k=3)))
        searching.start()
        searching.join(60)
        assert answered and answered[0]  # another worker answered meanwhile
    finally:
        stalled.close()
