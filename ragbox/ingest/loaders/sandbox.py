"""Parsing files in a child process with a memory cap and a time limit.

Every format's parser runs here (``ReaderProcess.call`` runs any module-level function of the
reading code in the child: a file's pages, a part inside it, a whole parse with chunking), so a
crafted file (a PDF whose streams inflate to gigabytes, a parser stuck in a loop, a crash in a C
extension) costs at most ``ReadLimits.reader_memory_bytes`` and ``ReadLimits.seconds``, and only
this child: the file is skipped with the reason and the run
goes on with a fresh child. The child's output is discarded (a library's warning may quote the
file), and it dies with its parent.

Before it reads anything the child seals itself (``ragbox.sealing``, unless
``index.seal_readers = false``): no network, and reads only of Python, its packages, the models
and the system libraries, writes only of a scratch folder of its own; a parser exploited by a
crafted file can neither send anything nor read the user's files. Once per child, not per file.
It reads the OCR cache but never writes it: its new pages come back to be filed (``ocr_handoff``).
"""

from __future__ import annotations

import errno
import json
import os
import pickle
import select
import shutil
import signal
import struct
import subprocess
import sys
import time
import weakref
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

from ragbox.errors import DocumentError
from ragbox.ingest.loaders import reply_unpickler
from ragbox.ingest.loaders.ocr_handoff import ParentFiling, Send, send_pages_to_parent
from ragbox.ingest.loaders.options import DEFAULT_OPTIONS, OcrProgress, ReadOptions
from ragbox.ingest.loaders.reading import ReadLimits, describe_failure
from ragbox.offline import child_env
from ragbox.privacy import private_scratch
from ragbox.sealing import Seal, applied, seal_child
from ragbox.types import Page

_HEADER = struct.Struct("!Q")
_CHILD = "from ragbox.ingest.loaders.sandbox import serve; serve()"


class ReaderProcess:
    """One child process reading files one at a time; restarted after a file kills it. Sealed, it
    may read ``readable`` besides Python and the system (a model folder the parse needs)."""

    def __init__(self, limits: ReadLimits | None = None, readable: tuple[str, ...] = ()) -> None:
        self.limits = limits or ReadLimits()
        self.readable = tuple(str(path) for path in readable)
        self._proc: subprocess.Popen | None = None
        self._interrupted = False
        self._scratch: str | None = None
        self._caches: set[str] = set()  # folders the child may read, never write (the OCR cache)
        self.reading: Path | None = None  # the file the child is reading now

    def __enter__(self) -> "ReaderProcess":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.stdin.close()
            try:
                proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        scratch, self._scratch = self._scratch, None
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)

    def pages(self, path: Path, data: bytes, options: ReadOptions = DEFAULT_OPTIONS) -> list[Page]:
        """The pages of ``data`` (the bytes of ``path``), or a ``DocumentError`` saying why not."""
        from ragbox.ingest.loaders import pages_from_bytes

        return self.call(path, pages_from_bytes, path, data, options)

    def call(self, path: Path, function: Callable[..., Any], *args: Any) -> Any:
        """``function(*args)`` run in the child (a module-level function, sent by name), for the
        file ``path``: its result, or a ``DocumentError`` naming ``path`` saying why not. OCR
        progress asked for by a ``ReadOptions`` among ``args`` is reported from the child as it
        goes, and each report restarts the time limit (a long scan is slow, not stuck)."""
        progress = next((a.on_ocr for a in args if isinstance(a, ReadOptions) and a.on_ocr), None)
        self._caches_for(a for a in args if isinstance(a, ReadOptions))
        filing = ParentFiling(args)
        args = tuple(replace(a, on_ocr=None) if isinstance(a, ReadOptions) else a for a in args)
        seconds = self.limits.seconds
        deadline = time.monotonic() + seconds if seconds else None
        request = pickle.dumps((function, args, progress is not None), protocol=pickle.HIGHEST_PROTOCOL)
        del args
        try:
            proc = self._hand_over(_HEADER.pack(len(request)) + request, deadline)
            self.reading = path  # the child has the whole request: from here on a death is this file's
            del request
            while True:
                kind, *rest = reply_unpickler.loads(_receive(proc, deadline))  # data only: never code
                if kind.startswith("ocr-"):
                    filing.receive(kind, *rest)  # a page read by OCR: ragbox files it
                    continue
                if kind != "progress":
                    break
                progress(*rest)
                deadline = time.monotonic() + seconds if seconds else None
        except TimeoutError:
            self._kill()
            raise DocumentError("Skipped", f"took longer than {seconds:g} s to read "
                                           "(index.max_read_seconds)", path) from None
        except (EOFError, BrokenPipeError):
            raise DocumentError("Skipped", self._death(), path) from None
        except reply_unpickler.UnsafeReply:
            self._kill()  # a reader that sends code has been taken over: it reads nothing more
            raise DocumentError("Skipped", "its reader sent back something that is not data (taken over by the "
                                           "file?)", path) from None
        finally:
            self.reading = None
        if kind == "result":
            return rest[0]
        if kind == "memory":
            self._kill()  # a fresh child for the next file: this one's heap is in pieces
            raise DocumentError("Skipped", f"needs more than {self.limits.reader_memory_bytes // 2**20} MB of "
                                           "memory to read (a decompression bomb?)", path)
        raise DocumentError(rest[0], rest[1], path)

    def _hand_over(self, frame: bytes, deadline: float | None) -> subprocess.Popen:
        """Send a request; the child that has it, once it said so (its first reply to every request).
        A child that dies before (killed while idle, maybe still dying when the file is sent: its
        pipe takes the request, then closes unread) dies of something else than this file: the
        request goes to a fresh child, once; not after ``interrupt``, which killed it on purpose."""
        try:
            proc = self._start()
            _send(proc, frame, deadline)
            _taken(proc, deadline)
        except (EOFError, BrokenPipeError):
            if self._interrupted:
                raise
            self._death()
            proc = self._start()
            _send(proc, frame, deadline)
            _taken(proc, deadline)
        return proc

    def _caches_for(self, options) -> None:
        """Make sure the child may read the OCR cache these options reuse: a child sealed without
        that folder is replaced by one sealed with it (once an engine, in practice)."""
        folders = {folder for o in options for folder in o.cache_folders()}
        if folders <= self._caches:
            return
        for folder in folders:
            os.makedirs(folder, mode=0o700, exist_ok=True)  # a Landlock rule names a folder that exists
        self._caches |= folders
        if self._proc is not None:
            self.close()

    def interrupt(self) -> None:
        """Kill the child now, from any thread (a run being abandoned): a call waiting on it ends
        with the file skipped."""
        self._interrupted = True
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.kill()

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def _start(self) -> subprocess.Popen:
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        if self._scratch is None:  # the only folder a sealed child may write to, its TMPDIR
            self._scratch = private_scratch("ragbox-reader-")
            weakref.finalize(self, shutil.rmtree, self._scratch, True)
        spec = json.dumps({"seal": self.limits.seal, "readable": self.readable, "scratch": self._scratch,
                           "caches": sorted(self._caches)})
        # -P: the current folder (maybe the folder being indexed) is not on the child's import path.
        self._proc = subprocess.Popen(
            [sys.executable, "-P", "-c", _CHILD, str(self.limits.reader_memory_bytes), str(os.getpid()), spec],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env={**child_env(), "TMPDIR": self._scratch})
        os.set_blocking(self._proc.stdin.fileno(), False)
        return self._proc

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.kill()
            proc.wait()

    def _death(self) -> str:
        proc, self._proc = self._proc, None
        code = proc.wait() if proc is not None else None
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            return f"the reader process died on this file ({name})"
        return f"the reader process died on this file (exit status {code})"


def _send(proc: subprocess.Popen, payload: bytes, deadline: float | None) -> None:
    fd = proc.stdin.fileno()
    view = memoryview(payload)
    while view:
        _wait(fd, deadline, write=True)
        try:
            written = os.write(fd, view[:1 << 20])
        except BlockingIOError:
            continue
        view = view[written:]


def _taken(proc: subprocess.Popen, deadline: float | None) -> None:
    """Wait for the child to say it has the whole request (its first reply to every request)."""
    if _receive(proc, deadline) != _TAKEN:
        raise RuntimeError("the reader process broke the protocol: a reply came before the request was taken")


def _receive(proc: subprocess.Popen, deadline: float | None) -> bytes:
    fd = proc.stdout.fileno()
    (size,) = _HEADER.unpack(_read_exactly(fd, _HEADER.size, deadline))
    return _read_exactly(fd, size, deadline)


def _read_exactly(fd: int, size: int, deadline: float | None) -> bytes:
    parts, missing = [], size
    while missing:
        _wait(fd, deadline, write=False)
        part = os.read(fd, min(missing, 1 << 20))
        if not part:
            raise EOFError
        parts.append(part)
        missing -= len(part)
    return b"".join(parts)


def _wait(fd: int, deadline: float | None, write: bool) -> None:
    timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
    ready = select.select([], [fd], [], timeout) if write else select.select([fd], [], [], timeout)
    if not any(ready):
        raise TimeoutError


# --- the child ---------------------------------------------------------------------------------
def serve() -> None:
    """The child's loop: read a request, answer it, until the parent closes the pipe or dies."""
    memory_bytes, parent, spec = int(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3])
    _die_with_parent(parent)
    _seal(spec)
    import resource

    # RLIMIT_DATA counts what the parser allocates (heap and anonymous maps), not the libraries
    # mapped in; an allocation past it fails with MemoryError instead of growing the process.
    resource.setrlimit(resource.RLIMIT_DATA, (memory_bytes, memory_bytes))
    requests = sys.stdin.buffer
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # whatever a library prints goes where stderr goes (nowhere), not into replies
    while True:
        header = requests.read(_HEADER.size)
        if len(header) < _HEADER.size:
            return
        (size,) = _HEADER.unpack(header)
        reply = _answer(_take(requests, size, replies),
                        lambda kind, *payload: _write(replies, pickle.dumps((kind, *payload))))
        _write(replies, reply)
        if reply == _OUT_OF_MEMORY:
            return  # the parent starts a fresh child: this heap is in pieces


_OUT_OF_MEMORY = pickle.dumps(("memory",))
_TAKEN = pickle.dumps(("taken",))


def _take(requests, size: int, replies) -> bytes:
    """A request's bytes, all read, and said so: from now on a death is the request's doing."""
    request = requests.read(size)
    _write(replies, _TAKEN)
    return request


def _write(replies, frame: bytes) -> None:
    replies.write(_HEADER.pack(len(frame)))
    replies.write(frame)
    replies.flush()


def _answer(request: bytes, send: Send) -> bytes:
    """One call's reply (progress and OCR'd pages go to ``send`` as they come); everything the
    parse allocated is freed when this returns."""
    try:
        function, args, reports = pickle.loads(request)
        del request
        if reports:
            report: OcrProgress = lambda *done: send("progress", *done)  # noqa: E731
            args = tuple(replace(a, on_ocr=report) if isinstance(a, ReadOptions) else a for a in args)
        send_pages_to_parent(args, send)
        result = function(*args)
        del args
        return pickle.dumps(("result", result), pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        return _OUT_OF_MEMORY
    except DocumentError as exc:
        return pickle.dumps(("error", exc.what, exc.why))
    except RecursionError:
        return pickle.dumps(("error", "Skipped", "unreadable: nested too deeply (RecursionError)"))
    except OSError as exc:
        return pickle.dumps(("error", "Skipped", _refused(exc)))
    except Exception as exc:  # any parser failure is this file's problem, never the run's
        return pickle.dumps(("error", "Skipped", f"unreadable ({describe_failure(exc)})"))


def _seal(spec: dict) -> Seal:
    """Seal this child before it reads anything (it has one thread yet, as unshare needs)."""
    return seal_child([*spec["readable"], *spec["caches"]], [spec["scratch"]], enabled=spec["seal"])


def _refused(exc: OSError) -> str:
    """An OS error's reason; one the seal caused says so (the file made its parser try to reach the
    network or a file beyond what a reader may read: a crafted file, or a reader that needs more)."""
    seal = applied()
    sealed = seal is not None and (seal.network.active or seal.filesystem.active)
    if sealed and exc.errno in (errno.EACCES, errno.EPERM, errno.ENETUNREACH):
        return (f"unreadable: its parser tried to reach the network or a file outside what a sealed reader may "
                f"read, and was refused ({describe_failure(exc)}; index.seal_readers)")
    return f"unreadable ({describe_failure(exc)})"


def _die_with_parent(parent: int) -> None:
    """SIGKILL this child when the parent dies (a killed indexing run leaves no reader behind)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the closed pipe still ends the loop
        pass
    if os.getppid() != parent:
        sys.exit(0)
