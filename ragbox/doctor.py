"""``ragbox doctor``'s checks: where every byte lives, that nothing can leave the machine, and
that the data is private. Each check is ``{"status": "ok" | "warn" | "fail", "detail": ..., ...}``.

Called by ``Engine.doctor``, which hands over the engine itself (the LLM check is the engine's own
``llm.check``: a child process); this module imports the stages it inspects, never the engine.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from pathlib import Path

from ragbox import bundled, offline
from ragbox.config import as_flat_dict, config_file, environment_overrides
from ragbox.errors import RagboxError
from ragbox.privacy import loose_permissions

SELF_CHECK_SECONDS = 900
_NOTE = ("Harbor Street office procedures.\n\nThe vault at the Harbor Street office opens with access code 4417. "
         "Only the office manager and the deputy manager hold the code.\n")
_QUESTION = "What is the access code of the vault at the Harbor Street office?"


def run(engine, data_root: Path, config_path: str | None, network_check: bool) -> dict:
    report = {
        "storage": storage(engine, data_root),
        "models": models(engine.settings),
        "config": config(config_path),
        "switches": switches(engine),
        "permissions": permissions(data_root),
        "telemetry_state": telemetry_state(),
        "llm": _llm_check(engine.llm.check(None)),
        "protections": protections(engine.settings),
        "keyring": keyring_source(),
        "coverage": page_coverage(engine),
        "network": no_network_self_check(engine.settings) if network_check else
        {"status": "skipped", "detail": "not run (--quick)"},
    }
    report["failures"] = [name for name, check in report.items() if check.get("status") == "fail"]
    report["warnings"] = [name for name, check in report.items()
                          if isinstance(check, dict) and check.get("status") == "warn"]
    return report


# --- where every byte lives -------------------------------------------------------------------
def storage(engine, data_root: Path) -> dict:
    from ragbox.paths import cache_dir

    indexes_root = data_root / "indexes"
    names = sorted(p.name for p in indexes_root.iterdir() if p.is_dir()) if indexes_root.is_dir() else []
    indexes = [{"name": name, "path": str(indexes_root / name), **_usage(indexes_root / name),
                "in_use": name == engine.index_name} for name in names]
    conversations = data_root / "conversations"
    models_cache = cache_dir() / "models"
    return {"status": "ok", "detail": f"{len(indexes)} index(es) under {data_root}",
            "data_dir": {"path": str(data_root), **_usage(data_root)},
            "indexes": indexes,
            "conversations": {"path": str(conversations), **_usage(conversations)},
            "model_cache": {"path": str(models_cache), **_usage(models_cache)}}


def models(settings) -> dict:
    from ragbox.llm.model_catalog import model_folders, resolve
    from ragbox.store.embeddings import resolve_model_dir

    found: dict = {"status": "ok"}
    problems = []
    try:
        folder = resolve_model_dir(settings.embedding.model)
        found["embedding"] = {"path": str(folder), "files": [
            {"name": p.relative_to(folder).as_posix(), "bytes": p.stat().st_size, "sha256": sha256_of(p)}
            for p in sorted(folder.rglob("*")) if p.is_file()]}
    except RagboxError as exc:
        problems.append(exc.one_line())
    try:
        path = resolve(settings.llm.model_path, model_folders(settings.llm.model_dirs)).path
        found["llm"] = {"path": str(path), "bytes": path.stat().st_size, "sha256": sha256_of(path)}
        if not settings.llm.model_path:
            expected = _bundled_llm_sha256()
            found["llm"]["matches_package"] = found["llm"]["sha256"] == expected if expected else None
    except RagboxError as exc:
        problems.append(exc.one_line())
    if settings.retrieval.reranker:
        folder = Path(settings.retrieval.reranker).expanduser()
        found["reranker"] = {"path": str(folder), **_usage(folder)}
    if found.get("llm", {}).get("matches_package") is False:
        problems.append("the bundled LLM differs from the checksum its package ships")
    found["status"] = "fail" if problems else "ok"
    found["detail"] = "; ".join(problems) or "embedding model and LLM found (checksums above)"
    return found


def config(config_path: str | None) -> dict:
    try:
        path = config_file(config_path)
    except RagboxError as exc:
        return {"status": "fail", "detail": exc.one_line(), "file": None, "environment": {}}
    # store.token is a secret: the report says it is set, never what it is
    overrides = {k: ("(set, not shown)" if k == "store.token" else v) for k, v in environment_overrides().items()}
    detail = f"{path}" if path else "no config file: defaults"
    if overrides:
        detail += f", {len(overrides)} RAGBOX_* environment override(s)"
    return {"status": "ok", "detail": detail, "file": str(path) if path else None, "environment": overrides}


# --- nothing leaves the machine ---------------------------------------------------------------
def switches(engine) -> dict:
    from ragbox.store import vectors

    values = {name: value for name, (value, _) in offline.offline_switches().items()}
    wrong = [name for name, (_, right) in offline.offline_switches().items() if not right]
    chroma = vectors.TELEMETRY
    if engine.exists():
        chroma = engine.vectors.telemetry_setting()
    values["chroma anonymized_telemetry"] = str(chroma)
    if chroma:
        wrong.append("chroma anonymized_telemetry")
    detail = "offline and no-telemetry switches set" if not wrong else f"not set as needed: {', '.join(wrong)}"
    return {"status": "fail" if wrong else "ok", "detail": detail, "values": values}


def no_network_self_check(settings) -> dict:
    """Index a small note and answer a question about it, with the configured models, in child
    processes that cannot reach any network (``offline.run_without_network``)."""
    how = offline.mechanism()
    if how is None:
        return {"status": "warn", "detail": "cannot make networking impossible here (install util-linux or strace)"}
    with tempfile.TemporaryDirectory(prefix="ragbox-selfcheck-") as scratch:
        docs = Path(scratch) / "docs"
        docs.mkdir()
        (docs / "harbor_street_procedures.txt").write_text(_NOTE, encoding="utf-8")
        env = _child_env(settings, Path(scratch) / "store")
        runs = [offline.run_without_network([sys.executable, "-m", "ragbox", "index", str(docs)], env,
                                            SELF_CHECK_SECONDS)]
        if runs[0].returncode == 0:
            runs.append(offline.run_without_network([sys.executable, "-m", "ragbox", "ask", "--json", _QUESTION],
                                                    env, SELF_CHECK_SECONDS))
    attempts = [a for r in runs for a in r.attempts]
    failed = next((r for r in runs if r.returncode != 0), None)
    if attempts:
        return {"status": "fail", "detail": f"{len(attempts)} attempt(s) to reach the network", "mechanism": how,
                "attempts": attempts[:20]}
    if failed is not None:
        last = (failed.stderr.strip() or failed.stdout.strip() or "no output").splitlines()[-1]
        return {"status": "fail", "detail": f"indexing or asking failed without network: {last}", "mechanism": how}
    return {"status": "ok", "mechanism": how,
            "detail": "indexed a note and answered a question about it with networking impossible"}


def _child_env(settings, store: Path) -> dict:
    """This process's settings as environment variables (the child reads no other config), and no
    offline switch: ragbox must set those itself."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("RAGBOX_") and k not in offline.OFFLINE_ENV}
    for key, value in as_flat_dict(settings).items():
        section, name = key.split(".")
        env[f"RAGBOX_{section.upper()}__{name.upper()}"] = str(value)
    env["RAGBOX_STORE__DIR"] = str(store)
    env["RAGBOX_STORE__INDEX"] = "selfcheck"
    # its own store on this machine: a team server's would take the note, and cannot be reached here
    env["RAGBOX_STORE__URL"] = env["RAGBOX_STORE__TOKEN"] = ""
    return offline.child_env(env, switches=False)


# --- private data -----------------------------------------------------------------------------
def telemetry_state() -> dict:
    """ONNX Runtime's telemetry state on disk (a device id, queued events): ragbox switches it off
    before the runtime starts, but a run that did not (an older ragbox) may have left it."""
    folder = offline.onnx_telemetry_state()
    if folder is None:
        return {"status": "ok", "detail": "no telemetry state on disk"}
    return {"status": "warn", "detail": f"ONNX Runtime's device id and queued events at {folder} (left by a run "
                                        f"without ORT_DISABLE_TELEMETRY); fix: rm -r '{folder}'"}


def permissions(data_root: Path) -> dict:
    loose = loose_permissions(data_root)
    if not loose:
        return {"status": "ok", "detail": f"only you can read {data_root}", "loose": []}
    return {"status": "warn", "detail": f"{len(loose)} path(s) others can access; fix: chmod -R go-rwx '{data_root}'",
            "loose": [item.describe() for item in loose]}


# --- sealed readers and model -----------------------------------------------------------------
def protections(settings) -> dict:
    """Whether a reader and the model worker run sealed here (``ragbox.sealing``), proven: each is
    asked to do what a hostile file or model would, read a file outside what it needs and connect
    to a port this process listens on, on 127.0.0.1. Each protection is active or not, and why."""
    import socket

    from ragbox.ingest.loaders import ReaderProcess, ReadLimits
    from ragbox.sealing import escape_attempts

    found: dict = {}
    with tempfile.TemporaryDirectory(prefix="ragbox-doctor-") as scratch, socket.socket() as listener:
        secret = Path(scratch) / "secret.txt"
        secret.write_text("not for a reader\n", encoding="utf-8")
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        with ReaderProcess(ReadLimits.from_settings(settings.index)) as reader:
            found.update(_proven("readers", reader.call(secret, escape_attempts, str(secret), port)))
        found.update(_model_protections(settings, secret, port))
    missing = [name for name, item in found.items() if not item["active"]]
    broken = [name for name, item in found.items() if item.get("escaped")]
    detail = (f"NOT sealed though reported so: {', '.join(broken)}" if broken else
              f"missing here: {', '.join(missing)}" if missing else "readers and model sealed off the network and disk")
    return {"status": "fail" if broken else "warn" if missing else "ok", "detail": detail, **found}


def _proven(who: str, attempt: dict) -> dict:
    """The child's own account of its seal, checked against what its escape attempts got."""
    seal = attempt["seal"]
    network = dict(seal["network"], escaped=seal["network"]["active"] and attempt["connect"] is not None)
    files = dict(seal["filesystem"], escaped=seal["filesystem"]["active"] and attempt["read"] is not None)
    return {f"{who}_network": network, f"{who}_filesystem": files}


def _model_protections(settings, secret: Path, port: int) -> dict:
    if settings.llm.base_url:
        return _server_client_protections(settings.llm, secret, port)
    from ragbox.llm.model_catalog import model_folders, resolve
    from ragbox.llm.model_process import probe_worker

    try:
        model = resolve(settings.llm.model_path, model_folders(settings.llm.model_dirs)).path
        return _proven("model", probe_worker(model, secret, port))
    except RagboxError as exc:
        why = f"not checked: {exc.one_line()}"
        return {"model_network": {"active": False, "detail": why}, "model_filesystem": {"active": False, "detail": why}}


def _server_client_protections(llm, secret: Path, port: int) -> dict:
    """With ``llm.base_url``: whether the client asking it runs sealed, reaching only that address
    (``server_confinement``), proven by the same escape attempts; else why ragbox's process asks."""
    from ragbox.llm.server_confinement import off_reason, only_address_detail, probe_client

    why = off_reason(llm)
    if not why:
        try:
            found = _proven("model", probe_client(llm.base_url, str(secret), port))
        except RagboxError as exc:
            found, why = {}, f"not checked: {exc.one_line()}"
    if not why and not found["model_network"]["active"]:
        why = f"the LLM client could not be sealed here ({found['model_network']['detail']})"
    if why:
        why += ", so ragbox's own process asks llm.base_url and can reach any address"
        missing = {"active": False, "detail": why}
        return {"model_network": missing, "model_filesystem": missing, "base_url_only": missing}
    return {**found, "base_url_only": {"active": not found["model_network"]["escaped"],
                                       "detail": only_address_detail(llm.base_url)}}


def keyring_source() -> dict:
    """Whether the OS keyring can keep an encrypted index's key here (``index.keyring``), and
    which; where none can, why (encrypted indexes then take a passphrase)."""
    from ragbox.store.os_keyring import backend

    ring, name = backend()
    if ring is None:
        return {"status": "ok", "available": False, "detail": f"{name}; encrypted indexes take a passphrase"}
    return {"status": "ok", "available": True, "backend": name,
            "detail": f"{name} can keep an encrypted index's key (index.keyring = true)"}


# --- the model on this CPU --------------------------------------------------------------------
def _llm_check(result: dict) -> dict:
    return {"status": "ok" if result["ok"] else "fail", **result}


# --- helpers ----------------------------------------------------------------------------------
def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _usage(path: Path) -> dict:
    if not path.exists():
        return {"exists": False, "bytes": 0, "files": 0}
    files = [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path]
    return {"exists": True, "bytes": sum(p.stat().st_size for p in files), "files": len(files)}


def _bundled_llm_sha256() -> str | None:
    import importlib

    try:
        return importlib.import_module(bundled.LLM_PACKAGE).EXPECTED_SHA256
    except (ImportError, AttributeError):
        return None


# --- pages not read ---------------------------------------------------------------------------
def page_coverage(engine) -> dict:
    """The documents of the index in use with pages that were not read (``ragbox coverage``)."""
    from ragbox.coverage import page_ranges
    from ragbox.store.keyfile import LockedIndexError

    try:
        documents = engine.coverage()
    except LockedIndexError:  # an encrypted index without its passphrase: nothing of it is shown
        return {"status": "ok", "detail": "the index is encrypted and locked: its pages are not shown",
                "documents": [], "unknown": 0}
    unread = [{"path": c.path, "not_read": c.not_read(), "pages": page_ranges(c.not_read()),
               "reasons": sorted({p.reason for p in c.pages if p.page in c.not_read()})}
              for c in documents if c.not_read()]
    unknown = sum(1 for c in documents if not c.known)
    detail = (f"{len(unread)} document(s) with pages not read (`ragbox coverage` lists them all)" if unread
              else f"every page of {len(documents)} document(s) read")
    if unknown:
        detail += f"; {unknown} indexed before page coverage was kept"
    return {"status": "warn" if unread else "ok", "detail": detail, "documents": unread, "unknown": unknown}
