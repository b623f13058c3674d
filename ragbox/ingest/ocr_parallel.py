"""A scan's pages read by OCR in several sealed child processes at once, one page range each.

OCR is one thread a page (the most text per CPU-second, bench/ocr.py), so a long scan would keep
one core busy for minutes while others idle. The reading child that meets it hands page ranges to
as many OCR children as there are free cores and memory for (each child is a ``ReaderProcess``:
sealed like every reader, capped in memory and time, and it gets the PDF's bytes through its pipe).
Each page's text comes back as soon as it is read, so the progress bar counts pages as they are
done and the cache is written as before, by the caller; the pages end up in page order.
"""

from __future__ import annotations

import os
import queue
import threading
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Iterator

from ragbox.errors import DocumentError
from ragbox.ingest.loaders import ReaderProcess, ReadLimits, ReadOptions
from ragbox.sealing import OFF, applied

MIN_PAGES_PER_CHILD = 2  # a child loads the models (about a second of CPU): worth it from 2 pages on
SCAN_NAME = Path("scan.pdf")  # what a child's failure names; the caller names the real file


class ParallelPageOcr:
    """Wraps a ``RapidPageOcr``: reads pages itself when one process is all there is room for,
    else spreads them over child processes. ``processes`` 0: as many as free cores and memory allow."""

    def __init__(self, ocr, limits: ReadLimits | None = None, processes: int = 0) -> None:
        self.ocr = ocr
        self.limits = limits or ReadLimits()
        self.processes = processes
        self.read_by: dict[int, list[int]] = {}  # the last scan's pages by the child that read them

    def __getstate__(self) -> dict:
        return {**self.__dict__, "read_by": {}}

    @property
    def settings(self):
        return self.ocr.settings  # what the cache files a page's text under

    def build_models(self) -> None:
        self.ocr.build_models()

    def children_for(self, pages: int) -> int:
        """How many OCR children to read ``pages`` pages with (1: read them here)."""
        if self.processes:
            return max(1, min(self.processes, pages))
        return max(1, min(free_cores(), available_memory() // self.limits.reader_memory_bytes,
                          pages // MIN_PAGES_PER_CHILD))

    def pdf_pages(self, data: bytes, numbers: Iterable[int]) -> Iterator[tuple[int, str, float | None]]:
        """``(number, text, confidence)`` for each page, as each is read (in page order when read here)."""
        numbers = list(numbers)
        children = self.children_for(len(numbers))
        if children <= 1:
            yield from self.ocr.pdf_pages(data, numbers)
            return
        self.ocr.model_folder = self.ocr.models_folder()  # one for all: the int8 model is built once, here
        self.ocr.build_models()
        self.read_by = {}
        yield from self._in_children(data, page_ranges(numbers, children))

    def _in_children(self, data: bytes, ranges: list[list[int]]) -> Iterator[tuple[int, str, float | None]]:
        arrivals: queue.Queue = queue.Queue()
        seal = applied()  # a child of a reader sealed off by index.seal_readers = false is not sealed either
        limits = replace(self.limits, seal=False) if seal is not None and seal.network is OFF else self.limits
        limits = replace(limits, reader_memory_bytes=min(limits.reader_memory_bytes, memory_cap()))
        readers = [ReaderProcess(limits, (str(self.ocr.model_folder),)) for _ in ranges]

        def read(reader: ReaderProcess, numbers: list[int]) -> None:
            options = ReadOptions(on_ocr=lambda *page: arrivals.put(page))
            try:
                reader.call(SCAN_NAME, read_pages, self.ocr, data, numbers, options)
                arrivals.put(None)
            except DocumentError as exc:
                arrivals.put(exc)

        threads = [threading.Thread(target=read, args=(reader, numbers), daemon=True)
                   for reader, numbers in zip(readers, ranges)]
        try:
            for thread in threads:
                thread.start()
            running = len(threads)
            while running:
                arrival = arrivals.get()
                if isinstance(arrival, DocumentError):
                    raise DocumentError("Cannot OCR", arrival.why)
                if arrival is None:
                    running -= 1
                    continue
                number, text, confidence, child = arrival
                self.read_by.setdefault(child, []).append(number)
                yield number, text, confidence
        finally:
            for reader in readers:
                reader.interrupt()  # a range still being read when this one failed, or abandoned
            for thread in threads:
                thread.join()
            for reader in readers:
                reader.close()


def read_pages(ocr, data: bytes, numbers: list[int], options: ReadOptions) -> int:
    """In an OCR child: read ``numbers``, each page's ``(number, text, confidence, this child's
    pid)`` sent back as progress the moment it is read."""
    for number, text, confidence in ocr.pdf_pages(data, numbers):
        options.on_ocr(number, text, confidence, os.getpid())
    return len(numbers)


def page_ranges(numbers: list[int], children: int) -> list[list[int]]:
    """``numbers`` cut into ``children`` consecutive ranges, the longer ones first."""
    size, extra = divmod(len(numbers), children)
    ranges, start = [], 0
    for index in range(children):
        end = start + size + (index < extra)
        ranges.append(numbers[start:end])
        start = end
    return [r for r in ranges if r]


def free_cores() -> int:
    """Cores this process may use that the 1-minute load average does not fill (this process,
    which waits on its children, frees its own)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        busy = os.getloadavg()[0]
    except OSError:
        busy = cores - 1  # unknown: one child, the page read here
    return max(1, min(cores, int(cores - busy + 1)))


def memory_cap() -> int:
    """This process's own memory cap (a reading child's): a child of it cannot be given more."""
    try:
        import resource

        hard = resource.getrlimit(resource.RLIMIT_DATA)[1]
    except (ImportError, OSError, ValueError):
        return 2**62
    return 2**62 if hard == resource.RLIM_INFINITY else hard


def available_memory() -> int:
    """Bytes the system can give without swapping (MemAvailable); 0 when unknown (pages read here)."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0
