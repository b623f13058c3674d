"""What a document is and how a question named it: its card (title, kind, parties, dates, file
words; made at index time by ``ingest.cards``) and a document a question resolved to
(``search.resolver``). Shared by the stages, the engine and the interfaces, like ``types``."""

from __future__ import annotations

from dataclasses import dataclass

HEAD_CHARS = 8000  # a card is read from a document's opening: its title, parties and preamble's dates are there


@dataclass(frozen=True)
class Party:
    """A party a document names: ``name`` as the preamble writes it ("Giggles N' Hugs, Inc."),
    ``short_names`` the terms it is then defined as ("Giggles", "the Company")."""

    name: str
    short_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class DocumentCard:
    """What a document is, read from its opening text without a model when it is indexed: how
    people name it ("the Giggles agreement", "the Knee Injury note"). ``path`` is the part path
    (see ``Hit.path``)."""

    path: str
    title: str = ""  # its heading: "STRATEGIC ALLIANCE AGREEMENT", "OPERATIVE REPORT"
    kind: str = ""  # the type of document, lower case: "strategic alliance agreement", "operative report"
    parties: tuple[Party, ...] = ()
    dates: tuple[str, ...] = ()  # the dates of its preamble, as written
    file_words: tuple[str, ...] = ()  # the words of its file name, lower case
    # Other headings it goes by: "Project Cooperation Agreement" on the cover, "Cooperation
    # Agreement" over the text (one the title's words hold, or holding them).
    also_titled: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {"path": self.path, "title": self.title, "kind": self.kind,
                "parties": [{"name": p.name, "short_names": list(p.short_names)} for p in self.parties],
                "dates": list(self.dates), "file_words": list(self.file_words), "also_titled": list(self.also_titled)}

    @classmethod
    def from_dict(cls, data: dict) -> "DocumentCard":
        parties = tuple(Party(p["name"], tuple(p.get("short_names", ()))) for p in data.get("parties", ()))
        return cls(data["path"], data.get("title", ""), data.get("kind", ""), parties,
                   tuple(data.get("dates", ())), tuple(data.get("file_words", ())), tuple(data.get("also_titled", ())))


@dataclass(frozen=True)
class ResolvedDocument:
    """A document a question names, and why: ``matched`` pairs the question's words with the card
    field they matched ("giggles", "party"); ``score`` weighs how distinctive they are here."""

    path: str
    title: str
    matched: tuple[tuple[str, str], ...]
    score: float

    def as_dict(self) -> dict:
        return {"path": self.path, "title": self.title, "score": round(self.score, 3),
                "matched": [{"words": words, "field": field} for words, field in self.matched]}
