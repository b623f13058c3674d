"""Helpers for the app's tests: a fake, controllable LLM and Pilot waits (imported by name)."""

from __future__ import annotations

import time

from support import ScriptedGenerator

# Two sentences, both supported by the NDA's clause 7.2, so the check lets both through.
FIRST_SENTENCE = "Either party may terminate the NDA with thirty (30) days' written notice [1]."
ANSWER_TOKENS = ["Either party may terminate ", "the NDA with thirty (30) days' ", "written notice [1]. ",
                 "Either party may do so ", "at any time [1]."]


# How an answer opens when its question names the NDA ("the Northwind Bluefin NDA"): from that document.
IN_NDA = "In Mutual Non-Disclosure Agreement (mutual_nda_northwind_bluefin.pdf): "
IN_MSA = "In Master Services Agreement (services_agreement_acme_globex.pdf): "

SCRIPTED = {"llm.backend": "scripted"}  # the app's stand-in LLM


def FakeGenerator(tokens=None, name: str = "fake-llm.gguf", **kwargs) -> ScriptedGenerator:  # noqa: N802
    """The scripted LLM writing ``tokens`` (two supported sentences about the NDA by default);
    ``gate`` holds it before piece ``gate_at`` (by default, once the first sentence is complete)."""
    return ScriptedGenerator(list(tokens or ANSWER_TOKENS), name=name, **kwargs)


def scripted_llm(engine) -> ScriptedGenerator:
    """The LLM of an engine built with ``SCRIPTED`` (built now, as the slot builds any), set to
    write the app's default answer."""
    llm = engine.llm.generator
    llm.name, llm.pieces = "fake-llm.gguf", list(ANSWER_TOKENS)
    return llm


async def wait_for(pilot, condition, timeout: float = 30.0, what: str = "condition") -> None:
    """Let the app run until ``condition()`` holds (workers run in threads, at their own pace)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


async def ready(pilot) -> None:
    """Wait for the first paint's background work: the catalog read and the model warm-up."""
    screen = pilot.app.main_screen
    await wait_for(pilot, lambda: screen is not None and screen.is_mounted and
                   screen.query_one("#status").files is not None, what="the catalog")
    await wait_for(pilot, lambda: pilot.app.models.state in ("ready", "error", "not used"), what="the model")
    await pilot.pause()


async def ask(pilot, question: str, wait: bool = True, timeout: float = 30.0) -> None:
    screen = pilot.app.main_screen
    screen.query_one("#question").focus()
    screen.query_one("#question").value = question
    await pilot.press("enter")
    if wait:
        await wait_for(pilot, lambda: screen.asking_turn is None and not screen.pending, timeout, "the answer")
        await pilot.pause()


def notifications(app) -> list[str]:
    return [f"{n.title or ''}: {n.message}" for n in app._notifications]


async def notified(pilot, *fragments: str) -> None:
    """Wait for a notification holding every fragment: ``notify`` posts a message the app handles
    on a later turn of its loop, so reading the list right after the action that caused it races."""
    await wait_for(pilot, lambda: any(all(f in n for f in fragments) for n in notifications(pilot.app)),
                   what=f"a notification with {fragments}")
