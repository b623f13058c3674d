"""Every ready passage's vector as one memory-mapped matrix file beside the catalog (exact search).

Reading 100k vectors out of SQLite (1.5 KB blobs, one row each) took 0.7 s of every cold
``ragbox search`` at 100k passages, and checking that every passage has a vector 0.14 s more.
The first search after the index changed reads them once and writes them here, in the catalog's
row order, as numpy files; each later process maps them, and the OS's page cache serves the pages.
A folder is named after the catalog file's inode and generation, so it is never taken for another
version of the index (a catalog made anew restarts its generation), and the one write that built
it replaces any older folder. The files are private like the catalog; a folder nothing can
write (a read-only store) only costs the read from SQLite.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from ragbox.privacy import PRIVATE_FILE_MODE, private_dir

PREFIX = "exact-"
FILES = ("vectors.npy", "ids.npy", "owners.npy")


@dataclass
class VectorMatrix:
    ids: Any  # numpy bytes array (UTF-8 chunk ids), in catalog row order
    owners: Any  # numpy int32 array: each row's document, as an index into ``documents``
    documents: list[str]
    matrix: Any  # numpy float32 (rows x dimension), or None when there are no rows
    complete: bool  # every ready passage has its vector here (else the exact search is off)
    # worked out on first use: each document's code, and its rows' run (False: not yet; None: no runs)
    _code_of: dict | None = field(default=None, init=False, repr=False, compare=False)
    _runs: Any = field(default=False, init=False, repr=False, compare=False)

    def chunk_id(self, row: int) -> str:
        return self.ids[row].decode()

    def codes(self, doc_ids) -> list[int]:
        """The codes in ``owners`` of those of ``doc_ids`` that have rows here."""
        code_of = self._code_of
        if code_of is None:
            code_of = self._code_of = {doc_id: i for i, doc_id in enumerate(self.documents)}
        return [code_of[d] for d in doc_ids if d in code_of]

    def runs(self):
        """(first row, row after the last) of each document code, when each document's rows are
        one run of the matrix (as the catalog writes them); None when some are not."""
        import numpy as np

        found = self._runs
        if found is False:
            owners = np.asarray(self.owners)
            starts = np.flatnonzero(np.diff(owners)) + 1
            starts = np.concatenate(([0], starts)).astype(np.int64) if len(owners) else starts
            codes = owners[starts]
            found = None
            if len(np.unique(codes)) == len(codes):
                first, end = (np.zeros(len(self.documents), dtype=np.int64) for _ in range(2))
                first[codes] = starts
                end[codes] = np.concatenate((starts[1:], [len(owners)]))
                found = (first, end)
            self._runs = found
        return found


def folder_name(catalog_path: Path, generation: str) -> str:
    return f"{PREFIX}{os.stat(catalog_path).st_ino}-{generation}"


def read(index_dir: Path, name: str) -> VectorMatrix | None:
    """The matrix written for ``name`` (``folder_name``), memory-mapped; None when there is none."""
    import numpy as np

    folder = index_dir / name
    try:
        meta = json.loads((folder / "meta.json").read_text())
        vectors, ids, owners = (np.load(folder / f, mmap_mode="r") if meta["rows"] else None for f in FILES)
    except (OSError, ValueError, KeyError):
        return None
    if not meta["rows"]:
        ids, owners = np.zeros(0, dtype="S1"), np.zeros(0, dtype=np.int32)
    return VectorMatrix(ids, owners, meta["documents"], vectors, meta["complete"])


def build(rows: Iterable[tuple[str, str, bytes | None]], count: int) -> VectorMatrix:
    """The matrix of ``rows`` (chunk id, document id, float32 vector blob or None), in their order,
    ``count`` of them at most. Filled row by row from a cursor: holding every row's blob and then
    joining them needed three copies of the vectors at once (3.5 GB at a million passages)."""
    import numpy as np

    code_of: dict[str, int] = {}
    owners, ids = np.zeros(count, dtype=np.int32), []
    matrix, complete = None, True
    for chunk_id, doc_id, blob in rows:
        if blob is None:
            complete = False
            continue
        vector = np.frombuffer(blob, dtype=np.float32)
        if matrix is None:
            matrix = np.empty((count, len(vector)), dtype=np.float32)
        matrix[len(ids)] = vector
        owners[len(ids)] = code_of.setdefault(doc_id, len(code_of))
        ids.append(chunk_id.encode())
    if not ids:
        return VectorMatrix(np.zeros(0, dtype="S1"), np.zeros(0, dtype=np.int32), [], None, complete)
    return VectorMatrix(np.asarray(ids, dtype=bytes), owners[:len(ids)], list(code_of), matrix[:len(ids)], complete)


def write(index_dir: Path, name: str, found: VectorMatrix) -> None:
    """``found`` as the folder ``name``, put in place whole (a reader sees all of it or none),
    and every other version's folder removed. Best effort: a store that cannot be written to is
    searched all the same."""
    import numpy as np

    folder = index_dir / name
    if folder.is_dir():
        return
    partial = index_dir / f".{name}.{os.getpid()}.{threading.get_ident()}"
    try:
        private_dir(partial)
        if found.matrix is not None:
            for file, array in zip(FILES, (found.matrix, found.ids, found.owners)):
                with os.fdopen(os.open(partial / file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC,
                                       PRIVATE_FILE_MODE), "wb") as out:
                    np.save(out, array)
        meta = {"rows": len(found.ids), "documents": found.documents, "complete": found.complete}
        with os.fdopen(os.open(partial / "meta.json", os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC,
                               PRIVATE_FILE_MODE), "w") as out:
            json.dump(meta, out)
        os.rename(partial, folder)  # fails when another process put the same version in place first
    except OSError:
        shutil.rmtree(partial, ignore_errors=True)
        return
    for old in index_dir.glob(f"{PREFIX}*"):
        if old.name != name:
            shutil.rmtree(old, ignore_errors=True)


def remove_all(index_dir: Path) -> None:
    """Every version's folder (and any half-written one): called where removed text is purged,
    so the vectors of removed passages do not stay until the next search writes a new folder."""
    for folder in [*index_dir.glob(f"{PREFIX}*"), *index_dir.glob(f".{PREFIX}*")]:
        shutil.rmtree(folder, ignore_errors=True)
