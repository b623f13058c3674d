"""``ragbox doctor``: where every byte lives and whether anything could leave the machine."""

from __future__ import annotations

import json

import click

from ragbox.cli import Context, handle_errors

MARKS = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL", "skipped": "--  "}
WEIGHTS_SHOWN_FROM = 1_000_000  # smaller model files (configs, vocabularies) are in --json only


@click.command()
@click.option("--quick", is_flag=True, help="Skip the no-network self-check (it indexes and asks, about a minute).")
@click.option("--json", "as_json", is_flag=True, help="Print the full report as JSON.")
@click.pass_obj
@handle_errors
def doctor(obj: Context, quick: bool, as_json: bool) -> None:
    """Show where ragbox keeps your data and models, and check it is private and offline.

    Lists index folders with sizes, model files with sha256, the config in effect; checks the
    offline and no-telemetry switches, file permissions, that the LLM runs on this CPU, and (unless
    --quick) indexes and answers a question with networking made impossible. Exits 1 on a failure.
    """
    engine = obj.engine()
    if not as_json and not quick:
        click.echo("Checking (the no-network self-check takes about a minute; --quick skips it)...", err=True)
    report = engine.doctor(obj.config, network_check=not quick)
    if as_json:
        click.echo(json.dumps(report, indent=2))
    else:
        _print_storage(report, engine.index_name)
        _print_checks(report)
    if report["failures"]:
        raise SystemExit(1)


def _print_storage(report: dict, index_name: str) -> None:
    storage, models, config = report["storage"], report["models"], report["config"]
    click.secho("Where your data lives", bold=True)
    data = storage["data_dir"]
    _row("Data folder", f"{data['path']}  {_size(data)}")
    for index in storage["indexes"]:
        _row(f"Index {index['name']}", f"{index['path']}  {_size(index)}" + ("  (in use)" if index["in_use"] else ""))
    if not storage["indexes"]:
        _row(f"Index {index_name}", "not created yet")
    for key, label in (("conversations", "Conversations"), ("model_cache", "Model cache")):
        _row(label, f"{storage[key]['path']}  {_size(storage[key])}")
    click.secho("Models", bold=True)
    if "embedding" in models:
        _row("Embedding model", models["embedding"]["path"])
        for item in models["embedding"]["files"]:
            if item["bytes"] >= WEIGHTS_SHOWN_FROM:
                _row("", f"{item['name']}  {item['bytes']:,} bytes  sha256 {item['sha256']}")
    if "llm" in models:
        llm = models["llm"]
        match = {True: "  (matches its package)", False: "  (DIFFERS from its package)", None: ""}[
            llm.get("matches_package")]
        _row("LLM", llm["path"])
        _row("", f"{llm['bytes']:,} bytes  sha256 {llm['sha256']}{match}")
    if "reranker" in models:
        _row("Reranker", f"{models['reranker']['path']}  {_size(models['reranker'])}")
    click.secho("Settings", bold=True)
    _row("Config file", config["file"] or "none (defaults)")
    for key, value in sorted(config.get("environment", {}).items()):
        _row("", f"{key} = {value!r} (environment)")


def _print_checks(report: dict) -> None:
    click.secho("Checks", bold=True)
    switches, network, permissions = report["switches"], report["network"], report["permissions"]
    details = {
        "offline switches": ["  ".join(f"{k}={v}" for k, v in switches["values"].items())],
        "permissions": permissions.get("loose", [])[:10],
        "no network": network.get("attempts", []) + ([f"(networking ruled out by: {network['mechanism']})"]
                                                     if "mechanism" in network else []),
        "page coverage": _unread_lines(report.get("coverage", {})),
    }
    rows = [("models found", report["models"]), ("config", report["config"]), ("offline switches", switches),
            ("permissions", permissions), ("telemetry state", report["telemetry_state"]),
            ("LLM on this CPU", report["llm"]), ("no network", network)]
    if "protections" in report:
        rows.append(("sealed", report["protections"]))
        details["sealed"] = protection_lines(report["protections"])
    rows += [("page coverage", report["coverage"])] if "coverage" in report else []
    rows += [("OS keyring", report["keyring"])] if "keyring" in report else []
    for label, check in rows:
        click.echo(f"  {MARKS[check['status']]}  {label:<17}{check['detail']}")
        for line in details.get(label, []):
            click.echo(f"{'':25}{line}")
    if report["failures"]:
        click.secho(f"{len(report['failures'])} check(s) failed: {', '.join(report['failures'])}", fg="red")
    elif report["warnings"]:
        click.echo(f"No failures; {len(report['warnings'])} warning(s): {', '.join(report['warnings'])}")
    else:
        click.echo("All checks passed.")


def protection_lines(protections: dict) -> list[str]:
    """One line a protection: in force or missing, and what it does or why it is missing."""
    return [f"{name}: {'active' if item['active'] else 'MISSING'} - {item['detail']}"
            for name, item in protections.items() if isinstance(item, dict)]


def _row(label: str, value: str) -> None:
    click.echo(f"  {label:<17}{value}" if label else f"{'':19}{value}")


def _size(usage: dict) -> str:
    if not usage.get("exists"):
        return "(not created yet)"
    return f"{usage['bytes'] / 2**20:,.1f} MB in {usage['files']} file(s)"


COMMANDS = [doctor]


def _unread_lines(coverage: dict, most: int = 10) -> list[str]:
    """A line a document with pages not read: its path, the pages, why."""
    from ragbox.cli.output import display_path

    documents = coverage.get("documents", [])
    lines = [f"{display_path(d['path'])}: {'page' if len(d['not_read']) == 1 else 'pages'} {d['pages']} "
             f"({'; '.join(d['reasons'])})" for d in documents[:most]]
    return lines + ([f"... and {len(documents) - most} more"] if len(documents) > most else [])
