"""Word list numbering as Word displays it: ``1.``, ``1.1``, ``(a)``, ``iv.``, bullets as ``-``.

A numbered paragraph names a list instance (``numId``) and a level (``ilvl``), directly or
through its style. The instance points to an abstract definition whose levels say the format
(decimal, letters, roman) and the label text (``%1.%2``). Each instance counts on its own;
counting at a level restarts every deeper level.
"""

from __future__ import annotations

ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
         (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def roman(number: int) -> str:
    out = []
    for value, letters in ROMAN:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


def letters(number: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa (Word repeats the letter)."""
    return chr(ord("a") + (number - 1) % 26) * ((number - 1) // 26 + 1)


def formatted(number: int, kind: str) -> str:
    if kind == "lowerLetter":
        return letters(number)
    if kind == "upperLetter":
        return letters(number).upper()
    if kind == "lowerRoman":
        return roman(number)
    if kind == "upperRoman":
        return roman(number).upper()
    if kind == "decimalZero":
        return f"{number:02d}"
    if kind == "none":
        return ""
    return str(number)


class Numbering:
    def __init__(self, element, w: str) -> None:
        self.w = w
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}  # abstract id -> level -> (fmt, text, start)
        for abstract in element.iterchildren(f"{w}abstractNum"):
            levels = {}
            for lvl in abstract.iterchildren(f"{w}lvl"):
                levels[int(lvl.get(f"{w}ilvl"))] = (self._val(lvl, "numFmt", "decimal"),
                                                    self._val(lvl, "lvlText", ""), int(self._val(lvl, "start", "1")))
            self.levels[abstract.get(f"{w}abstractNumId")] = levels
        self.instances: dict[str, tuple[str, dict[int, int]]] = {}  # num id -> (abstract id, start overrides)
        for num in element.iterchildren(f"{w}num"):
            overrides = {}
            for override in num.iterchildren(f"{w}lvlOverride"):
                start = override.find(f"{w}startOverride")
                if start is not None:
                    overrides[int(override.get(f"{w}ilvl"))] = int(start.get(f"{w}val"))
            self.instances[num.get(f"{w}numId")] = (self._val(num, "abstractNumId", ""), overrides)
        self.counters: dict[str, dict[int, int]] = {}

    def _val(self, element, child: str, default: str) -> str:
        found = element.find(f"{self.w}{child}")
        value = found.get(f"{self.w}val") if found is not None else None
        return default if value is None else value

    def label(self, paragraph) -> str:
        """The number Word shows before ``paragraph`` ('' when it is not in a list), counted."""
        num_id, level = self._list_of(paragraph)
        if num_id is None or num_id not in self.instances:
            return ""
        abstract_id, overrides = self.instances[num_id]
        levels = self.levels.get(abstract_id, {})
        if level not in levels:
            return ""
        counts = self.counters.setdefault(num_id, {})
        start = overrides.get(level, levels[level][2])
        counts[level] = counts.get(level, start - 1) + 1
        for deeper in [k for k in counts if k > level]:
            del counts[deeper]
        kind, text, _ = levels[level]
        if kind == "bullet":
            return "-"
        for n in range(level + 1, 0, -1):  # %10 before %1 is not an issue: Word has 9 levels
            if f"%{n}" in text:
                lvl_kind, _, lvl_start = levels.get(n - 1, ("decimal", "", 1))
                value = counts.get(n - 1, overrides.get(n - 1, lvl_start))
                text = text.replace(f"%{n}", formatted(value, lvl_kind))
        return text.strip()

    def _list_of(self, paragraph) -> tuple[str | None, int]:
        """(numId, level) from the paragraph's own properties, else from its style chain."""
        w = self.w
        num_pr = paragraph._p.find(f"{w}pPr/{w}numPr")
        style = paragraph.style
        while num_pr is None and style is not None:
            num_pr = style.element.find(f"{w}pPr/{w}numPr")
            style = style.base_style
        if num_pr is None:
            return None, 0
        num_id = self._val(num_pr, "numId", "")
        if num_id in ("", "0"):
            return None, 0
        return num_id, int(self._val(num_pr, "ilvl", "0"))
