"""How paths are shown, and scope patterns that match exactly one file."""

from ragbox.paths import display_path
from ragbox.search.scope import glob_escape, in_scope, path_matches


def test_display_path_is_relative_to_the_deepest_base_holding_it():
    assert display_path("/a/b/c.pdf", ["/a", "/a/b"]) == "c.pdf"
    assert display_path("/a/b/c.pdf", ["/a"]) == "b/c.pdf"
    assert display_path("/x/y.pdf", ["/a"]) == "/x/y.pdf"
    assert display_path("/a/b/c.pdf", ["/a/b/c.pdf"]) == "c.pdf"  # a file indexed on its own


def test_glob_escape_matches_only_that_file():
    odd = "notes/[draft] what?.md"
    assert path_matches("/root/" + odd, glob_escape(odd))
    assert not path_matches("/root/notes/d what?.md", glob_escape(odd))


def test_scope_patterns():
    assert in_scope("/d/contracts/a.pdf", "contracts/**") and in_scope("/d/contracts/a.pdf", None)
    assert in_scope("/d/notes/b.md", ["contracts/**", "*.md"])
    assert not in_scope("/d/notes/b.txt", ["contracts/**", "*.md"])


def test_part_paths_name_documents_inside_a_file(tmp_path):
    from ragbox.paths import locator, part_path, split_part_path
    from ragbox.types import Hit

    mail = str(tmp_path / "mail.eml")
    assert part_path(mail, "") == mail
    assert split_part_path(part_path(mail, "3. Renewal › lease.pdf")) == (mail, "3. Renewal › lease.pdf")
    odd = tmp_path / "a › b.txt"  # a real file whose name holds the separator stays whole
    odd.write_text("x")
    assert split_part_path(str(odd)) == (str(odd), "")
    hit = Hit("c", part_path(mail, "lease.pdf"), 2, 0, 4, "text", 0.5)
    assert locator(hit, [tmp_path]) == "mail.eml › lease.pdf, page 2"
    assert locator(Hit("c", mail, None, 0, 4, "text", 0.5, "Renewal"), [tmp_path]) == "mail.eml"
    assert locator(Hit("c", str(tmp_path / "x.docx"), None, 0, 4, "t", 0.5, "4. Fees | 4.1 Late"), [tmp_path]) == (
        "x.docx, section 4. Fees")
    assert locator(Hit("c", str(tmp_path / "s.pdf"), 4, 0, 4, "t", 0.5, ocr=True), [tmp_path]) == "s.pdf, page 4, OCR"
