"""Sealing a child process off the network and the rest of the disk, without privileges (Linux).

The file readers (a crafted PDF may exploit a parser bug) and the model worker run sealed:

- **network**: a user and network namespace of the child's own (``unshare(CLONE_NEWUSER |
  CLONE_NEWNET)``, which needs no privilege where the kernel allows unprivileged user namespaces).
  The namespace's only device is a loopback that is down: no socket reaches anything, not even
  this machine's 127.0.0.1. The user's id is mapped to itself, so files stay the user's.
- **sockets**: a seccomp filter makes ``socket()`` and ``connect()`` fail with EPERM, which also
  closes what a namespace leaves open: Unix sockets named in the filesystem (a desktop bus, a
  container daemon's socket), which any process that can reach the path can otherwise connect to.
- **filesystem** (readers): Landlock (kernel 5.13+) lets the child read and execute only the
  paths it is given (Python, its packages, the models, the system libraries) and write only its
  scratch folder; anything else (``~/.ssh``, the indexed folder: the reader gets the file's bytes
  through its pipe) fails with EACCES. Landlock ABI 4+ also forbids every TCP connect and bind,
  a second wall where namespaces are not allowed; ABI 6+ keeps signals and abstract Unix sockets
  inside the sandbox.

Both are irreversible and per process, applied once when a child starts (before it reads
anything), so they cost a child start, not a file. Where one is not available the child runs
without it and ``Seal`` says why; ``ragbox doctor`` shows that. The raw syscalls go through
ctypes: Python 3.11 has no ``os.unshare``, and PyPI's Landlock bindings are first releases
(py-landlock 0.1, landlockpy 0.1, landlock 1.0.0.dev) for the three syscalls used here.
"""

from __future__ import annotations

import ctypes
import errno
import os
import socket
import struct
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
PR_SET_NO_NEW_PRIVS = 38
# The same numbers on every architecture (added after the syscall tables were unified).
SYS_CREATE_RULESET, SYS_ADD_RULE, SYS_RESTRICT_SELF = 444, 445, 446
CREATE_RULESET_VERSION = 1
RULE_PATH_BENEATH, RULE_NET_PORT = 1, 2
# Landlock filesystem rights, in ABI order: 13 in ABI 1, REFER in 2, TRUNCATE in 3, IOCTL_DEV in 5.
FS_EXECUTE, FS_WRITE_FILE, FS_READ_FILE, FS_READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
FS_TRUNCATE, FS_IOCTL_DEV = 1 << 14, 1 << 15
NET_BIND_TCP, NET_CONNECT_TCP = 1 << 0, 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1
PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO = 0x7FFF0000, 0x00050000
# (audit arch, socket, connect) of the machines ragbox runs on; elsewhere no filter is set.
SECCOMP_ARCHES = {"x86_64": (0xC000003E, 41, 42), "aarch64": (0xC00000B7, 198, 203)}
X32_SYSCALL_BIT = 0x40000000
FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV
READ_RIGHTS = FS_EXECUTE | FS_READ_FILE | FS_READ_DIR

# What any Python child needs to read besides its own prefix and packages: the dynamic loader's
# cache and the system libraries, time zones, its own /proc entries, CPU facts ONNX Runtime reads.
SYSTEM_READABLE = ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/etc/ld.so.cache", "/etc/localtime",
                   "/etc/fonts", "/proc/self", "/proc/cpuinfo", "/proc/meminfo", "/proc/stat", "/proc/loadavg",
                   "/sys/devices/system/cpu", "/sys/fs/cgroup", "/dev/null", "/dev/zero", "/dev/urandom",
                   "/dev/random")
WRITABLE_DEVICES = ("/dev/null",)


@dataclass(frozen=True)
class Protection:
    """One protection of a process: whether it is in force, and what it does or why it is not."""

    active: bool
    detail: str


@dataclass(frozen=True)
class Seal:
    """What sealing a child achieved."""

    network: Protection
    filesystem: Protection

    def as_dict(self) -> dict:
        return {"network": asdict(self.network), "filesystem": asdict(self.filesystem)}


OFF = Protection(False, "turned off by index.seal_readers = false")
_applied: Seal | None = None  # this process's seal, once applied (a child reports it)


def applied() -> Seal | None:
    return _applied


def _libc():
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    return libc


def _fail(what: str) -> str:
    code = ctypes.get_errno()
    return f"{what} failed: {errno.errorcode.get(code, code)} ({os.strerror(code)})"


def landlock_abi() -> tuple[int, str]:
    """The kernel's Landlock ABI version (0: none here) and, when 0, why."""
    if not sys.platform.startswith("linux"):
        return 0, f"Landlock is a Linux feature (this is {sys.platform})"
    version = _libc().syscall(SYS_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(CREATE_RULESET_VERSION))
    if version > 0:
        return int(version), ""
    code = ctypes.get_errno()
    if code == errno.EOPNOTSUPP:
        return 0, "Landlock is built into the kernel but not enabled (add landlock to the lsm= boot option)"
    return 0, "the kernel has no Landlock (Linux 5.13+ built with CONFIG_SECURITY_LANDLOCK)"


def seal_network() -> Protection:
    """Move this process into a user and network namespace of its own: no network at all. Must
    run while the process has one thread (the kernel refuses otherwise)."""
    if not sys.platform.startswith("linux"):
        return Protection(False, f"network namespaces are a Linux feature (this is {sys.platform})")
    uid, gid = os.getuid(), os.getgid()
    if _libc().unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
        why = _fail("unshare(CLONE_NEWUSER|CLONE_NEWNET)")
        if ctypes.get_errno() in (errno.EPERM, errno.ENOSPC, errno.EUSERS, errno.EACCES):
            why += (": unprivileged user namespaces are not allowed here (kernel.unprivileged_userns_clone, "
                    "user.max_user_namespaces, AppArmor's restrict_unprivileged_userns, or a container's seccomp)")
        return Protection(False, why)
    # The user's own ids mapped to themselves: files it creates are the user's, and it is no root.
    for name, text in (("uid_map", f"{uid} {uid} 1"), ("setgroups", "deny"), ("gid_map", f"{gid} {gid} 1")):
        try:
            Path("/proc/self", name).write_text(text)
        except OSError:
            pass  # unmapped: still no network, only files cannot be created
    return Protection(True, "own user and network namespace: no network device up, no route anywhere")


def seal_filesystem(readable: list[str], writable: list[str], tcp_ports: tuple[int, ...] = ()) -> Protection:
    """Landlock this process: read and execute only ``readable``, write only ``writable``; TCP
    connects only to ``tcp_ports`` (ABI 4+). For good: no child it starts can undo it."""
    abi, why = landlock_abi()
    if not abi:
        return Protection(False, why)
    libc = _libc()
    handled_fs = (1 << 13) - 1 | (1 << 13 if abi >= 2 else 0) | (FS_TRUNCATE if abi >= 3 else 0) | (
        FS_IOCTL_DEV if abi >= 5 else 0)
    handled_net = NET_BIND_TCP | NET_CONNECT_TCP if abi >= 4 else 0
    scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if abi >= 6 else 0
    attr = struct.pack("=QQQ", handled_fs, handled_net, scoped)[:8 if abi < 4 else 16 if abi < 6 else 24]
    ruleset = libc.syscall(SYS_CREATE_RULESET, ctypes.c_char_p(attr), ctypes.c_size_t(len(attr)), ctypes.c_uint32(0))
    if ruleset < 0:
        return Protection(False, _fail("landlock_create_ruleset"))
    try:
        for path in readable:
            _allow_path(libc, ruleset, path, READ_RIGHTS & handled_fs)
        for path in writable:
            _allow_path(libc, ruleset, path, handled_fs)
        for port in tcp_ports if handled_net else ():
            rule = struct.pack("=QQ", NET_CONNECT_TCP, port)
            libc.syscall(SYS_ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(RULE_NET_PORT), ctypes.c_char_p(rule),
                         ctypes.c_uint32(0))
        if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            return Protection(False, _fail("prctl(PR_SET_NO_NEW_PRIVS)"))
        if libc.syscall(SYS_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)) != 0:
            return Protection(False, _fail("landlock_restrict_self"))
    finally:
        os.close(ruleset)
    tcp = (f"; TCP connects only to port(s) {', '.join(map(str, tcp_ports))}" if tcp_ports else
           "; no TCP connect or bind") if handled_net else ""
    own = [path for path in writable if not path.startswith("/dev/")]
    writes = f"writes only {len(own)} folder(s) of its own" if own else "writes nowhere"
    return Protection(True, f"Landlock ABI {abi}: reads only Python, its packages, the models and the system "
                            f"libraries, {writes}{tcp}")


def _allow_path(libc, ruleset: int, path: str, rights: int) -> None:
    """One rule; a path missing on this system is skipped (``/lib32``, a model not installed)."""
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return
    try:
        if not os.path.isdir(path):
            rights &= FILE_RIGHTS  # a file takes only the rights that apply to files
        rule = struct.pack("=Qi", rights, fd)
        libc.syscall(SYS_ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(RULE_PATH_BENEATH), ctypes.c_char_p(rule),
                     ctypes.c_uint32(0))
    finally:
        os.close(fd)


def forbid_sockets() -> Protection:
    """A seccomp filter: ``socket`` and ``connect`` fail with EPERM, and so does every syscall of
    another ABI (i386's ``socketcall``, x32), which the filter's numbers do not cover."""
    arch = SECCOMP_ARCHES.get(os.uname().machine) if sys.platform.startswith("linux") else None
    if arch is None:
        return Protection(False, f"no socket filter for {sys.platform} {os.uname().machine}")
    audit_arch, nr_socket, nr_connect = arch
    deny = SECCOMP_RET_ERRNO | errno.EPERM
    load_w_abs, jeq_k, jge_k, ret_k = 0x20, 0x15, 0x35, 0x06
    program = [(load_w_abs, 0, 0, 4), (jeq_k, 1, 0, audit_arch), (ret_k, 0, 0, deny),
               (load_w_abs, 0, 0, 0), (jge_k, 3, 0, X32_SYSCALL_BIT), (jeq_k, 2, 0, nr_socket),
               (jeq_k, 1, 0, nr_connect), (ret_k, 0, 0, SECCOMP_RET_ALLOW), (ret_k, 0, 0, deny)]
    filters = b"".join(struct.pack("=HBBI", *instruction) for instruction in program)
    buffer = ctypes.create_string_buffer(filters)
    fprog = struct.pack("=HxxxxxxQ", len(program), ctypes.addressof(buffer))
    libc = _libc()
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return Protection(False, _fail("prctl(PR_SET_NO_NEW_PRIVS)"))
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.c_char_p(fprog), 0, 0) != 0:
        return Protection(False, _fail("seccomp"))
    return Protection(True, "no socket can be created or connected (seccomp)")


def python_readable() -> list[str]:
    """Where this Python and its packages live: its prefixes and its import path (never the
    current folder, which may be the folder being indexed)."""
    import ragbox

    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
             str(Path(sys.executable).resolve().parent), str(Path(ragbox.__file__).resolve().parent)}
    paths.update(entry for entry in sys.path if entry and os.path.isabs(entry))
    paths.update(entry for entry in os.environ.get("LD_LIBRARY_PATH", "").split(os.pathsep) if os.path.isabs(entry))
    return sorted(paths | _loaded_library_folders())


def _loaded_library_folders() -> set[str]:
    """The folders of the shared libraries this process has loaded (libpython, libc and the like,
    wherever the system keeps them: /nix/store, a Homebrew prefix): their neighbours load later."""
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return set()
    folders = set()
    for line in maps.splitlines():
        fields = line.split(maxsplit=5)
        if len(fields) == 6 and fields[5].startswith("/") and ".so" in os.path.basename(fields[5]):
            folders.add(os.path.dirname(fields[5]))
    return folders


def seal_child(extra_readable: list[str], writable: list[str], tcp_ports: tuple[int, ...] = (),
               filesystem: bool = True, enabled: bool = True) -> Seal:
    """Seal this (single-threaded, just started) child: network first (the namespace's id maps are
    written through /proc), then the filesystem. Records the result for ``applied``."""
    global _applied
    if not enabled:
        _applied = Seal(OFF, OFF)
        return _applied
    network = seal_network()
    sockets = forbid_sockets()
    if filesystem:
        readable = python_readable() + list(SYSTEM_READABLE) + list(extra_readable)
        files = seal_filesystem(readable, [*writable, *WRITABLE_DEVICES], tcp_ports)
    else:
        files = Protection(False, "not sealed: this process reads files wherever the user keeps them")
    if network.active:
        detail = f"{network.detail}; {sockets.detail}" if sockets.active else network.detail
        network = Protection(True, detail)
    elif sockets.active:  # no namespace, but the filter keeps every socket closed: sealed all the same
        network = Protection(True, f"{sockets.detail} (no namespace here: {network.detail})")
    _applied = Seal(network, files)
    return _applied


def escape_attempts(secret: str, port: int) -> dict:
    """Run inside a sealed child (``ragbox doctor``, the tests): try what a hostile parser would,
    reading ``secret`` (a file outside what the child may read) and connecting to ``port`` on
    this machine's loopback, where the caller listens. Each: None when it failed, else what it got."""
    seal = applied()
    found: dict = {"seal": seal.as_dict() if seal else None}
    try:
        found["read"] = Path(secret).read_text()[:40]
    except OSError as exc:
        found["read"] = None
        found["read_error"] = type(exc).__name__
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            found["connect"] = "connected"
    except OSError as exc:
        found["connect"] = None
        found["connect_error"] = type(exc).__name__
    return found
