"""What ragbox takes back from a reader child is data, never code (issue 24): a reader a crafted
file took over could otherwise answer with a pickle that runs a command in ragbox, which is not
sealed. Real reader children; the hostile reply comes from a real module on their import path."""

from __future__ import annotations

import textwrap

import pytest

from ragbox.errors import DocumentError
from ragbox.ingest.loaders import ReaderProcess, ReadLimits
from ragbox.ingest.loaders.reply_unpickler import UnsafeReply, loads
from ragbox.types import Page

HOSTILE_REPLY = textwrap.dedent('''
    import os


    class RunsInRagbox:
        def __init__(self, marker):
            self.marker = marker

        def __reduce__(self):  # unpickled, this runs: touch MARKER
            return (os.system, (f"touch {self.marker}",))


    def answer_with_code(marker):
        return [RunsInRagbox(marker)]


    def answer_with_pages():
        from ragbox.types import Page

        return [Page(1, "a page"), {"tables": {(1, 2)}, "score": 0.5}]
''')


@pytest.fixture
def hostile_module(tmp_path, monkeypatch):
    plugin = tmp_path / "plugin"
    plugin.mkdir()
    (plugin / "hostile_reply.py").write_text(HOSTILE_REPLY)
    monkeypatch.syspath_prepend(str(plugin))  # ragbox pickles the function by name: it must import it too
    monkeypatch.setenv("PYTHONPATH", str(plugin))
    import hostile_reply

    return hostile_reply


def test_a_reply_that_would_run_code_in_ragbox_is_refused_and_runs_nothing(hostile_module, tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("A note.")
    marker = tmp_path / "ran-in-ragbox"
    with ReaderProcess(ReadLimits()) as reader:
        with pytest.raises(DocumentError) as refused:
            reader.call(note, hostile_module.answer_with_code, str(marker))
        assert "its reader sent back something that is not data" in refused.value.one_line()
        assert not marker.exists()
        # data comes back as before, from a fresh child
        assert reader.call(note, hostile_module.answer_with_pages) == [Page(1, "a page"),
                                                                      {"tables": {(1, 2)}, "score": 0.5}]


def test_only_data_classes_of_ragbox_and_plain_values_are_built():
    import pickle

    assert loads(pickle.dumps(Page(2, "text", ocr=True))) == Page(2, "text", ocr=True)
    for code in (pickle.dumps(print), pickle.dumps(ReaderProcess), b"not a pickle"):
        with pytest.raises(UnsafeReply):
            loads(code)
