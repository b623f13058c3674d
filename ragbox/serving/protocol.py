"""The wire format between ``ragbox serve`` and its clients: one JSON object per line.

A request is ``{"op", "settings", "args"}``: the client's complete settings travel with it, so
the server answers exactly as a local engine built from them would. Replies are events:
``{"event": "token", "text"}`` while an answer streams, then ``{"event": "result", "value"}`` or
``{"event": "error", ...}`` (a ``RagboxError`` rebuilt on the client, so the CLI prints the same
one-line error). Results are dataclasses sent as ``dataclasses.asdict`` and rebuilt from their
type hints, so a field added to ``Answer`` or ``Hit`` crosses the socket with no change here.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import socket
import struct
import typing
from pathlib import Path
from typing import Any, Iterator

from ragbox import errors
from ragbox.errors import StoreError
from ragbox.types import Hit

PROTOCOL = 1
_PEERCRED = struct.Struct("3i")  # pid, uid, gid


def socket_path(data_dir: Path) -> Path:
    """Where the server for the store in ``data_dir`` listens: in the user's runtime dir (a
    store path can be longer than a socket path may be), named by the store's real path."""
    key = hashlib.sha256(str(Path(data_dir).expanduser().resolve()).encode()).hexdigest()[:16]
    return runtime_dir() / f"serve-{key}.sock"


def runtime_dir() -> Path:
    base = os.environ.get("XDG_RUNTIME_DIR")
    if base and Path(base).is_dir():
        return Path(base) / "ragbox"
    return Path("/tmp") / f"ragbox-{os.getuid()}"


def private_dir(path: Path) -> Path:
    """``path`` created 0700, or checked to be the user's own and closed to others."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.lstat()
    if info.st_uid != os.getuid() or info.st_mode & 0o077 or not path.is_dir() or path.is_symlink():
        raise StoreError("Unsafe folder for the ragbox socket", "it must be a folder of yours that only you "
                         "can open (chmod 700)", path)
    return path


def peer_uid(conn: socket.socket) -> int:
    raw = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, _PEERCRED.size)
    return _PEERCRED.unpack(raw)[1]


def send(conn_file, message: dict) -> None:
    conn_file.write(json.dumps(message, ensure_ascii=False).encode() + b"\n")
    conn_file.flush()


def receive(conn_file) -> Iterator[dict]:
    for line in conn_file:
        yield json.loads(line)


def error_event(exc: errors.RagboxError) -> dict:
    return {"event": "error", "kind": type(exc).__name__, "what": exc.what, "why": exc.why, "path": exc.path}


def raise_error(event: dict) -> None:
    kind = getattr(errors, event.get("kind", ""), None)
    if not (isinstance(kind, type) and issubclass(kind, errors.RagboxError)):
        kind = errors.RagboxError
    raise kind(event.get("what", "ragbox serve failed"), event.get("why", ""), event.get("path"))


def encode(value: Any) -> Any:
    """A result as JSON: a hit in its one shape (``Hit.as_dict``), other dataclasses field by
    field, lists and dicts item by item."""
    if isinstance(value, Hit):
        return value.as_dict()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    return value


def decode(kind: Any, data: Any) -> Any:
    """``data`` (from ``encode``) rebuilt as ``kind``, a type hint: dataclasses field by field,
    lists and tuples element by element, ``X | None`` as X or None."""
    if data is None:
        return None
    origin = typing.get_origin(kind)
    args = typing.get_args(kind)
    if dataclasses.is_dataclass(kind):
        hints = _type_hints(kind)
        known = {f.name for f in dataclasses.fields(kind)}
        return kind(**{k: decode(hints[k], v) for k, v in data.items() if k in known})
    if origin in (list, typing.List) and args:
        return [decode(args[0], v) for v in data]
    if origin is tuple and args:
        return tuple(decode(a, v) for a, v in zip(args, data)) if args[-1] is not Ellipsis else tuple(data)
    if origin is dict and len(args) == 2:
        return {k: decode(args[1], v) for k, v in data.items()}
    if args and type(None) in args:  # Optional / X | None
        inner = [a for a in args if a is not type(None)]
        return decode(inner[0], data) if len(inner) == 1 else data
    return data


@functools.lru_cache(maxsize=None)
def _type_hints(kind: type) -> dict:
    """A dataclass's field types, worked out once: ``typing.get_type_hints`` took 1 ms of each
    search's reply (ten hits) on the client."""
    return typing.get_type_hints(kind)
