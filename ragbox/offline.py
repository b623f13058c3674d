"""Nothing leaves the machine, and that can be proven: the switches ragbox sets, and a runner that
makes networking impossible for a command and records every connection it still attempts.

The runner puts the command in a network namespace of its own (``unshare -rn``: only a loopback
device, no route anywhere) and, where ``strace`` works, traces every ``connect``/``sendto``/``sendmsg``
so an attempt that a library swallows (telemetry usually does) is still seen. The tests run
``index`` and ``ask`` through it; ``ragbox doctor`` runs the same check.
"""

from __future__ import annotations

import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Sequence

# Set for the whole process before any model library loads: Hugging Face never asks the hub,
# Chroma and the like never send usage statistics.
OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "DO_NOT_TRACK": "1",
    # ONNX Runtime's Linux build (1.29+) starts Microsoft's 1DS telemetry when its environment is
    # created, before disable_telemetry_events() can run: a device id and an event database under
    # ~/.cache/Microsoft, and an uploader that looks up its collector. Only this switch, set before
    # onnxruntime initialises, stops all of it (its Privacy.md).
    "ORT_DISABLE_TELEMETRY": "1",
}

_TRACED_CALLS = "connect,sendto,sendmsg"
_INET = re.compile(r"sa_family=AF_INET6?\b")
_IPV4 = re.compile(r'inet_addr\("([^"]+)"\)')
_IPV6 = re.compile(r'inet_pton\(AF_INET6, "([^"]+)"')
_PORT = re.compile(r"sin6?_port=htons\((\d+)\)")


def apply_offline_env(environ: dict | None = None) -> None:
    """Set the offline and no-telemetry switches (over any value the environment had)."""
    target = os.environ if environ is None else environ
    target.update(OFFLINE_ENV)


def child_env(base: Mapping[str, str] | None = None, switches: bool = True) -> dict[str, str]:
    """The environment for a child Python running this ragbox: its package importable whatever the
    current folder, and (``switches``) the offline switches set."""
    import ragbox

    env = dict(os.environ if base is None else base)
    package_root = str(Path(ragbox.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    if switches:
        env.update(OFFLINE_ENV)
    return env


def offline_switches(environ: Mapping[str, str] | None = None) -> dict[str, tuple[str | None, bool]]:
    """Each switch: its value in ``environ`` and whether that is the value ragbox needs."""
    environ = os.environ if environ is None else environ
    return {name: (environ.get(name), environ.get(name) == value) for name, value in OFFLINE_ENV.items()}


@dataclass
class IsolatedRun:
    """A command run with networking made impossible."""

    returncode: int
    stdout: str
    stderr: str
    mechanism: str
    attempts: list[str] = field(default_factory=list)  # non-local connections tried, as traced

    @property
    def clean(self) -> bool:
        return self.returncode == 0 and not self.attempts


class NoIsolation(RuntimeError):
    """Neither a network namespace nor strace is available: networking cannot be ruled out."""


@lru_cache(maxsize=1)
def _can_unshare() -> bool:
    return _works(["unshare", "-rn", "true"])


@lru_cache(maxsize=1)
def _strace_flags() -> tuple[str, ...] | None:
    """strace's flags for tracing network calls, or None when strace cannot trace here."""
    if shutil.which("strace") is None:
        return None
    for flags in (("-f", "-qq", "--seccomp-bpf"), ("-f", "-qq")):  # seccomp-bpf: near-zero overhead
        if _works(["strace", *flags, "-e", f"trace={_TRACED_CALLS}", "-o", os.devnull, "true"]):
            return flags
    return None


def _works(argv: list[str]) -> bool:
    if shutil.which(argv[0]) is None:
        return False
    try:
        return subprocess.run(argv, capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def mechanism() -> str | None:
    """How networking is ruled out on this machine, or None when it cannot be."""
    parts = []
    if _can_unshare():
        parts.append("network namespace (unshare -rn)")
    if _strace_flags() is not None:
        parts.append("strace of every connect/sendto/sendmsg")
    return " + ".join(parts) or None


def run_without_network(argv: Sequence[str], env: Mapping[str, str] | None = None, timeout: float = 900,
                        cwd: str | Path | None = None) -> IsolatedRun:
    """Run ``argv`` where it cannot reach any network, recording connection attempts."""
    how = mechanism()
    if how is None:
        raise NoIsolation("Cannot rule out network access here: install util-linux (unshare) or strace")
    command = list(argv)
    with tempfile.TemporaryDirectory(prefix="ragbox-offline-") as scratch:
        trace = Path(scratch) / "trace"
        flags = _strace_flags()
        if flags is not None:
            command = ["strace", *flags, "-e", f"trace={_TRACED_CALLS}", "-e", "signal=none",
                       "-o", str(trace), "--", *command]
        if _can_unshare():
            # The namespace has a loopback device, down until brought up: local IPC keeps working.
            command = ["unshare", "-rn", "--", "sh", "-c", 'ip link set lo up 2>/dev/null; exec "$@"',
                       "ragbox-offline", *command]
        done = subprocess.run(command, env=dict(env) if env is not None else None, cwd=cwd,
                              capture_output=True, text=True, timeout=timeout)
        attempts = non_local_attempts(trace.read_text(errors="replace")) if trace.exists() else []
    return IsolatedRun(done.returncode, done.stdout, done.stderr, how, attempts)


def non_local_attempts(trace: str) -> list[str]:
    """The traced calls that tried to reach another machine: any IPv4/IPv6 address but loopback,
    and any DNS query (port 53), even to a local resolver, which would forward it."""
    found = []
    for line in trace.splitlines():
        if not _INET.search(line):
            continue
        address = _IPV4.search(line) or _IPV6.search(line)
        port = _PORT.search(line)
        host = address.group(1) if address else ""
        local = host.startswith(("127.", "::ffff:127.")) or host in ("::1", "::", "0.0.0.0")
        if not local or (port and port.group(1) == "53"):
            found.append(line.strip())
    return found


def onnx_telemetry_state() -> Path | None:
    """The folder where ONNX Runtime's telemetry keeps a device id and events to upload, when a run
    without ``ORT_DISABLE_TELEMETRY`` (an older ragbox, another program) left one; else None."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = cache / "Microsoft" / "DeveloperTools" / ".onnxruntime"
    return folder if folder.is_dir() else None


# The child's side of ``in_child_process``: the call comes in on stdin, its outcome goes to the file named.
_CALL_IN_CHILD = (
    "import importlib, pickle, sys\n"
    "module, function, args = pickle.load(sys.stdin.buffer)\n"
    "try:\n"
    "    outcome = (True, getattr(importlib.import_module(module), function)(*args))\n"
    "except Exception as exc:\n"
    "    outcome = (False, exc)\n"
    "try:\n"
    "    data = pickle.dumps(outcome)\n"
    "except Exception:  # an outcome that cannot travel is told as a RuntimeError\n"
    "    data = pickle.dumps((False, RuntimeError(f'{type(outcome[1]).__name__}: {outcome[1]}')))\n"
    "with open(sys.argv[1], 'wb') as handle:\n"
    "    handle.write(data)\n"
)


def in_child_process(module: str, function: str, *args: Any) -> Any:
    """``module.function(*args)`` run in a fresh Python (this ragbox, the offline switches set): its
    result returned, its exception raised here. For a one-time model build, whose libraries (torch's
    tracer, ONNX Runtime's quantiser) take hundreds of MB a process keeps for the rest of its life:
    a child gives them back when it ends. A child that dies without an outcome raises
    ``ChildProcessError`` with the last line it wrote to stderr."""
    with tempfile.TemporaryDirectory(prefix="ragbox-child-") as scratch:
        outcome_file = Path(scratch) / "outcome"
        done = subprocess.run([sys.executable, "-P", "-c", _CALL_IN_CHILD, str(outcome_file)],
                              input=pickle.dumps((module, function, args)), env=child_env(),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if not outcome_file.is_file() or not outcome_file.stat().st_size:
            last = (done.stderr.decode(errors="replace").strip().splitlines() or [""])[-1]
            raise ChildProcessError(f"{module}.{function} ended without a result (exit {done.returncode}) {last}"
                                    .strip())
        ok, value = pickle.loads(outcome_file.read_bytes())
    if not ok:
        raise value
    return value
