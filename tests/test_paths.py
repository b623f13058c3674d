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
