"""Provably offline: ``index`` and ``ask`` reach the bundled GGUF with networking made impossible,
and every connection attempt is recorded, so a dependency that starts phoning home (even one that
swallows the error, as telemetry does) fails the build.

The mechanism (``ragbox.offline``): a network namespace of its own (``unshare -rn``) and strace
of every connect/sendto/sendmsg. A machine offering neither fails these tests instead of skipping
them: the guarantee would be untested.
"""

import json
import os
import sys
from pathlib import Path

import pytest

from ragbox import bundled, offline

from support import REPO, SAMPLE_DOCS

QUESTION = "How does the master services agreement renew after the initial term?"


def user_env(store: Path, extra_path: Path | None = None) -> dict:
    """A user's environment: none of the offline switches set (ragbox must set them itself)."""
    env = {k: v for k, v in os.environ.items() if k not in offline.OFFLINE_ENV and not k.startswith("RAGBOX_")}
    env["RAGBOX_STORE__DIR"] = str(store)
    env["RAGBOX_ANSWER__STYLE"] = "generate"  # the model writes the answer: the whole path is exercised
    env["PYTHONPATH"] = os.pathsep.join(str(p) for p in (extra_path, REPO) if p)
    return env


def test_this_machine_can_rule_out_the_network():
    how = offline.mechanism()
    assert how is not None, "neither `unshare -rn` nor strace works here: the offline guarantee is untested"
    assert "unshare" in how and "strace" in how, how  # CI has both: keep it that way


@pytest.mark.slow
def test_index_and_ask_reach_the_model_with_networking_impossible(tmp_path):
    env = user_env(tmp_path / "store")
    indexed = offline.run_without_network([sys.executable, "-m", "ragbox", "index", "--json", str(SAMPLE_DOCS)], env)
    assert indexed.returncode == 0, indexed.stderr
    assert json.loads(indexed.stdout)["indexed"] == 7
    assert indexed.attempts == []

    asked = offline.run_without_network([sys.executable, "-m", "ragbox", "ask", "--json", QUESTION], env)
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert answer["found"] and answer["model"] == bundled.LLM_FILE
    assert answer["timings"]["generation_s"] > 0 and "sixty (60) days" in answer["answer"]  # the model ran
    assert asked.attempts == []


SITECUSTOMIZE = '''
import socket
outcome = []
try:  # what a telemetry client does: try, and swallow the failure
    socket.create_connection(("192.0.2.10", 443), timeout=2).close()
    outcome.append("connected")
except OSError as exc:
    outcome.append(f"blocked: {exc.errno}")
try:
    socket.getaddrinfo("telemetry.example.com", 443)
    outcome.append("resolved")
except OSError:
    outcome.append("no name service")
open(__import__("os").environ["PHONE_HOME_LOG"], "w").write(" ".join(outcome))
'''


def test_a_dependency_that_phones_home_is_caught_even_when_it_swallows_the_error(tmp_path):
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(SITECUSTOMIZE)  # imported by every Python that starts
    env = {**user_env(tmp_path / "store", extra_path=hook), "PHONE_HOME_LOG": str(tmp_path / "log")}
    run = offline.run_without_network([sys.executable, "-m", "ragbox", "--help"], env)
    assert run.returncode == 0  # the command itself is fine: only the trace shows the attempt
    assert (tmp_path / "log").read_text() == "blocked: 101 no name service"  # ENETUNREACH: nothing left
    assert any('inet_addr("192.0.2.10")' in line for line in run.attempts), run.attempts
    assert not run.clean


def test_only_attempts_to_reach_another_machine_count():
    trace = "\n".join([
        '10 connect(3, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1 ENOENT',
        '10 connect(4, {sa_family=AF_INET, sin_port=htons(8000), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
        '10 connect(5, {sa_family=AF_INET6, sin6_port=htons(80), sin6_flowinfo=htonl(0), '
        'inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = 0',
        '11 connect(6, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("140.82.112.3")}, 16) = -1',
        '11 sendto(7, "abc", 3, 0, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("127.0.0.53")}, 16) = 3',
        '12 connect(8, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), '
        'inet_pton(AF_INET6, "2606:4700::1111", &sin6_addr), sin6_scope_id=0}, 28) = -1 ENETUNREACH',
    ])
    attempts = offline.non_local_attempts(trace)
    assert [line.split()[0] + " " + line.split("(")[1].split(",")[0] for line in attempts] == [
        "11 6", "11 7", "12 8"]


def test_the_offline_switches_are_set_by_ragbox_itself():
    from ragbox.config import load_settings
    from ragbox.engine import Engine

    environ = dict(os.environ)
    try:
        for name in offline.OFFLINE_ENV:
            os.environ.pop(name, None)
        os.environ["HF_HUB_OFFLINE"] = "0"  # a stray setting must not turn the hub back on
        Engine(load_settings(None, environ={}))
        assert all(right for _, right in offline.offline_switches().values()), offline.offline_switches()
    finally:
        os.environ.clear()
        os.environ.update(environ)


ONNX_SESSION = '''
import sys
from ragbox.offline import apply_offline_env
apply_offline_env()  # what every ragbox entry point does before any model library is imported
import onnx, onnxruntime
from onnx import TensorProto, helper
graph = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "g",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 8
onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
'''


def test_onnx_runtime_keeps_no_telemetry_state_on_disk(tmp_path):
    """ONNX Runtime's Linux build starts its telemetry when its environment is created, before
    ``disable_telemetry_events()`` can run: a device id and an event database to upload later.
    Only ``ORT_DISABLE_TELEMETRY``, set before it initialises, stops that."""
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in offline.OFFLINE_ENV and k != "XDG_CACHE_HOME"}
    env.update(HOME=str(home), PYTHONPATH=str(REPO))
    import subprocess

    subprocess.run([sys.executable, "-c", ONNX_SESSION], env=env, check=True, timeout=120)
    assert sorted(str(p.relative_to(home)) for p in home.rglob("*")) == []
