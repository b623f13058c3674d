"""The LLM in its worker process, with the real bundled GGUF: answers, exact token counts, cancel,
and every way the worker can fail (a self-inflicted SIGILL, SIGSEGV and SIGABRT through the fault
hook, a real SIGKILL from outside mid-answer, a hang) as one-line errors followed by a restart."""

from __future__ import annotations

import os
import signal
import time

import pytest

from ragbox.errors import ModelError
from ragbox.llm.crash_reports import llama_cpp_version
from ragbox.llm.generator import Prompt
from ragbox.llm.model_files import bundled_llm_path
from ragbox.llm.model_process import WorkerGenerator

pytestmark = pytest.mark.slow

QUESTION = Prompt("completion", text="Question: What is the capital of France?\nAnswer:")
LONG = Prompt("completion", text="The tenant shall pay the rent on the first day of each month. " * 120)


@pytest.fixture
def worker():
    generator = WorkerGenerator(bundled_llm_path(), n_ctx=2048)
    yield generator
    generator.close()


def answer(generator, prompt=QUESTION, max_tokens=16) -> str:
    return "".join(generator.stream(prompt, max_tokens))


def fault(monkeypatch, tmp_path, spec: str) -> None:
    """The next worker started fails as ``spec`` says, once; the one started after it runs clean."""
    monkeypatch.setenv("RAGBOX_WORKER_FAULT", spec)
    monkeypatch.setenv("RAGBOX_WORKER_FAULT_ONCE", str(tmp_path / "fault-fired"))


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split()[2] == "Z"  # a zombie not yet reaped counts as gone


def test_the_worker_answers_and_counts_tokens_exactly_in_one_round_trip(worker):
    from ragbox.llm.llama_backend import LlamaCppGenerator

    texts = ["hello world", "Either party may terminate this Agreement [1].", "", "ünïcødé — 30 days' notice"]
    in_process = LlamaCppGenerator(bundled_llm_path(), n_ctx=2048)
    sent = []
    worker.load()
    original = worker._process.send
    worker._process.send = lambda message: sent.append(message["op"]) or original(message)
    assert worker.count_tokens_many(texts) == [in_process.count_tokens(t) for t in texts]
    assert sent == ["count"]  # one request for all of them
    assert worker.count_tokens(texts[1]) == in_process.count_tokens(texts[1]) and sent == ["count"]  # cached
    assert answer(worker) == "".join(in_process.stream(QUESTION, 16))  # same tokens (greedy)
    assert worker.prompt_style() == "completion" and not worker.has_chat_template()
    assert worker.info["llama_cpp_version"] == llama_cpp_version() and "AVX" in worker.info["system_info"]


def test_a_request_the_model_refuses_is_one_error_and_leaves_the_worker_working(worker):
    too_long = Prompt("completion", text=LONG.text * 2)  # more tokens than llm.n_ctx holds
    worker.load()
    pid = worker.pid
    with pytest.raises(ModelError) as caught:
        answer(worker, too_long)
    assert caught.value.one_line() == ("The LLM failed: ValueError: Requested tokens (3362) exceed context window "
                                       "of 2048")
    assert answer(worker).strip() and worker.pid == pid


def test_closing_the_stream_cancels_promptly_and_keeps_the_worker(worker):
    worker.load()
    pid = worker.pid
    stream = worker.stream(LONG, 200)
    assert next(stream) == ""  # a heartbeat: the model is still reading the 1,500-token prompt
    started = time.perf_counter()
    stream.close()
    reading = time.perf_counter() - started
    stream = worker.stream(QUESTION, 200)
    first = next(piece for piece in stream if piece)
    started = time.perf_counter()
    stream.close()
    writing = time.perf_counter() - started
    # The worker acknowledged both cancels (it is idle again) well within a second, and stayed up.
    assert reading < 1.0 and writing < 1.0, (reading, writing)
    assert first and worker.pid == pid and worker.loaded
    assert answer(worker).strip()


def test_a_sigill_in_the_worker_is_one_line_with_the_portable_build_fix(worker, monkeypatch, tmp_path):
    fault(monkeypatch, tmp_path, "sigill@generate:1")
    worker.load()
    crashed = worker.pid
    with pytest.raises(ModelError) as caught:
        answer(worker)
    assert caught.value.one_line() == (
        f"The LLM crashed ({bundled_llm_path()}): illegal instruction (SIGILL): this llama.cpp build uses a CPU "
        "instruction this machine does not allow (a native build on a VM, e.g. Intel AMX); reinstall the "
        f'portable build: CMAKE_ARGS="-DGGML_NATIVE=OFF" pip install --no-cache-dir --force-reinstall --no-deps '
        f"llama-cpp-python=={llama_cpp_version()}")
    assert gone(crashed) and not worker.loaded
    assert answer(worker).strip() and worker.pid != crashed  # the next request restarted it


def test_a_worker_killed_mid_answer_is_reported_as_out_of_memory(worker):
    worker.load()
    killed = worker.pid
    pieces = []
    counting = Prompt("completion", text="Count to a hundred: 1, 2, 3, 4, 5, 6,")
    with pytest.raises(ModelError) as caught:
        for piece in worker.stream(counting, 64):
            if piece and not pieces:
                os.kill(killed, signal.SIGKILL)  # what the out-of-memory killer does
            if piece:
                pieces.append(piece)
    message = caught.value.one_line()
    assert message.startswith(f"The LLM was killed ({bundled_llm_path()}): SIGKILL, most likely by the "
                              "out-of-memory killer: gemma-3-270m-q4_k_m.gguf needs about 0.44 GB (0.25 GB weights "
                              "+ 0.04 GB KV cache at llm.n_ctx=2048 + 0.15 GB buffers) and ")
    assert message.endswith(" was available when it loaded; use a smaller model or quantization, lower "
                            "llm.n_ctx, or close other programs")
    assert answer(worker).strip() and worker.pid != killed


@pytest.mark.parametrize("spec, expected", [
    ("sigsegv@load", "The LLM crashed ({path}): SIGSEGV (a memory fault in llama.cpp); the file may be damaged"),
    ("abort@generate:1", "The LLM crashed ({path}): llama.cpp aborted (SIGABRT): GGML_ASSERT(fault) failed "
                         "(worker fault injected); the model may not be supported"),
    ("exit@start", "The LLM worker exited ({path}): exit status 3: worker fault: exit"),
])
def test_other_crashes_name_their_cause(worker, monkeypatch, tmp_path, spec, expected):
    fault(monkeypatch, tmp_path, spec)
    with pytest.raises(ModelError) as caught:
        answer(worker)
    assert caught.value.one_line().startswith(expected.format(path=bundled_llm_path()))
    assert answer(worker).strip()


def test_a_hung_worker_is_stopped_after_the_timeout(monkeypatch, tmp_path):
    fault(monkeypatch, tmp_path, "hang@generate:1")
    generator = WorkerGenerator(bundled_llm_path(), n_ctx=2048, timeout_s=2)
    try:
        generator.load()
        hung = generator.pid
        started = time.perf_counter()
        with pytest.raises(ModelError) as caught:
            answer(generator)
        waited = time.perf_counter() - started
        assert caught.value.one_line() == (
            f"The LLM stopped responding ({bundled_llm_path()}): no token and no sign of work for 2 s "
            "(llm.timeout_s), so it was stopped; ask again to restart it, or raise llm.timeout_s for a very "
            "slow machine")
        assert 2 <= waited < 10 and gone(hung)
        assert answer(generator).strip() and generator.pid != hung
    finally:
        generator.close()


def test_a_model_that_does_not_fit_is_refused_with_the_numbers(monkeypatch):
    import psutil

    from ragbox.llm.crash_reports import check_fits

    assert check_fits(bundled_llm_path(), "x", 2048)["weights"] == bundled_llm_path().stat().st_size
    real = psutil.virtual_memory()
    monkeypatch.setattr(psutil, "virtual_memory", lambda: real._replace(available=100 * 10**6))
    generator = WorkerGenerator(bundled_llm_path(), n_ctx=8192)
    with pytest.raises(ModelError) as caught:
        generator.load()
    # 18 layers x 8192 positions x 1 KV head x (256 + 256) x 2 bytes = 0.15 GB of KV cache
    assert caught.value.one_line() == (
        f"Not enough memory for the LLM ({bundled_llm_path()}): gemma-3-270m-q4_k_m.gguf needs about 0.60 GB "
        "(0.25 GB weights + 0.15 GB KV cache at llm.n_ctx=8192 + 0.20 GB buffers), 0.10 GB is available now; "
        "choose a smaller model or quantization, lower llm.n_ctx, or close other programs "
        "(llm.check_memory = false loads it anyway)")
    assert generator.pid is None  # nothing was started
