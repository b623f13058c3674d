"""What a PDF page draws besides its text layer, to tell a page of text from a picture of one.

A scan is an image covering most of the page; a page of text drawn as vector outlines is thousands
of path operators. Either may carry a text layer that is useless: a stamped page number, a Bates
label, a few words of a header. Such a page has far less text than its drawn area would hold, and
is read by OCR (``pdf_ocr``) even though it has some text.

The marks are found by walking the page's content stream (and the forms it draws, a few levels
deep) with pypdf, keeping the current transformation matrix: an image's area on the page is the
area of the unit square under it. This costs a parse of the content stream, so it is done only
for pages with little text for their size (``needs_a_look``).
"""

from __future__ import annotations

from dataclasses import dataclass

POINTS_PER_INCH = 72
# A page with fewer characters per square inch of its area is looked at (a full page of contract
# text has about 30; a heading page or a signature page has 2-10; a scan with a stamp, under 1).
LOOK_BELOW_CHARS_PER_SQ_INCH = 6.0
# A drawn area with fewer characters per square inch than this holds no real text layer: it is
# read by OCR. Text is 20-40 a square inch; a footer stamped on a scan of a quarter page is 2.3
# (measured on the 4,515 pages of the CUAD PDFs: see README, "Page coverage").
SPARSE_CHARS_PER_SQ_INCH = 3.0
IMAGE_SHARE = 0.25  # images covering this share of the page make it a picture page
# A page of outline glyphs has tens of thousands; a table, a logo or a signature a few thousand
# (pages of one CUAD contract draw 2,100 paths each beside a full text layer).
OUTLINE_PATH_OPS = 4000
MAX_FORM_DEPTH = 3
_PATH_OPS = frozenset((b"m", b"l", b"c", b"v", b"y", b"re"))
_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True)
class Marks:
    area_sq_inch: float  # the page's
    image_share: float  # of the page's area covered by images (overlaps add up; at most 1)
    path_ops: int  # path construction operators (moveto, lineto, curves, rectangles)

    @property
    def drawn(self) -> bool:
        return self.image_share > 0 or self.path_ops > 0

    def drawn_area(self) -> float:
        """Square inches that look like a picture of text: the images, or the page for outlines."""
        if self.path_ops >= OUTLINE_PATH_OPS:
            return self.area_sq_inch
        return self.image_share * self.area_sq_inch if self.image_share >= IMAGE_SHARE else 0.0


def page_area(page) -> float:
    box = page.mediabox
    return abs(float(box.width) * float(box.height)) / POINTS_PER_INCH ** 2


def needs_a_look(chars: int, area_sq_inch: float) -> bool:
    return chars < LOOK_BELOW_CHARS_PER_SQ_INCH * max(area_sq_inch, 1.0)


def is_sparse(chars: int, marks: Marks) -> bool:
    """Whether a page's text is too little for what it draws: likely an unread picture of text."""
    area = marks.drawn_area()
    return area > 0 and chars < SPARSE_CHARS_PER_SQ_INCH * area


def page_marks(page) -> Marks:
    """The images and paths ``page`` draws (pypdf page). Raises what pypdf raises on a broken stream."""
    from pypdf.generic import ContentStream

    area = page_area(page)
    contents = page.get_contents()
    if contents is None:
        return Marks(area, 0.0, 0)
    tally = [0.0, 0]
    _walk(ContentStream(contents, page.pdf), _xobjects(page.get("/Resources")), _IDENTITY, tally, page.pdf, 0)
    page_points = max(area, 1e-6) * POINTS_PER_INCH ** 2
    return Marks(area, min(1.0, tally[0] / page_points), tally[1])


def _walk(stream, xobjects: dict, matrix: tuple, tally: list, pdf, depth: int) -> None:
    from pypdf.generic import ContentStream

    saved: list[tuple] = []
    for operands, operator in stream.operations:
        if operator in _PATH_OPS:
            tally[1] += 1
        elif operator == b"q":
            saved.append(matrix)
        elif operator == b"Q":
            matrix = saved.pop() if saved else _IDENTITY
        elif operator == b"cm" and len(operands) == 6:
            matrix = _multiply(tuple(float(x) for x in operands), matrix)
        elif operator == b"INLINE IMAGE":
            tally[0] += _unit_square_area(matrix)
        elif operator == b"Do" and operands:
            xobject = xobjects.get(operands[0])
            xobject = xobject.get_object() if xobject is not None else None
            if xobject is None:
                continue
            subtype = xobject.get("/Subtype")
            if subtype == "/Image":
                tally[0] += _unit_square_area(matrix)
            elif subtype == "/Form" and depth < MAX_FORM_DEPTH:
                inner = tuple(float(x) for x in xobject.get("/Matrix", _IDENTITY))
                _walk(ContentStream(xobject, pdf), _xobjects(xobject.get("/Resources")) or xobjects,
                      _multiply(inner, matrix), tally, pdf, depth + 1)


def _xobjects(resources) -> dict:
    if resources is None:
        return {}
    found = resources.get_object().get("/XObject")
    return dict(found.get_object()) if found is not None else {}


def _multiply(a: tuple, b: tuple) -> tuple:
    """The PDF matrix product a x b (each [a b c d e f])."""
    return (a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5])


def _unit_square_area(matrix: tuple) -> float:
    return abs(matrix[0] * matrix[3] - matrix[1] * matrix[2])
