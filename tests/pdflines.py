"""Lines of text as they sit on a rendered PDF page, read back with pdfplumber.

Independent of docgen: a line is the run of characters sharing a baseline; a paragraph ends
where the gap to the next line is larger than the leading. Used to measure justification
(line ends) and line-breaking rules (line starts and ends) on real output.
"""

from __future__ import annotations

from dataclasses import dataclass

import pdfplumber


@dataclass
class Line:
    page: int
    top: float
    size: float
    chars: list
    baseline: float

    @property
    def text(self) -> str:
        return "".join(c["text"] for c in self.chars)

    @property
    def x0(self) -> float:
        return self.chars[0]["x0"]

    @property
    def x1(self) -> float:
        return max(c["x1"] for c in self.chars if c["size"] >= self.size - 0.01)


def lines(path, sizes: tuple[float, ...], notes_size: float | None = None, min_x0: float = 0.0) -> list[list[Line]]:
    """Paragraphs (lists of lines) of characters of the given font sizes, page by page, top down.

    A raised footnote number joins the line whose baseline is just below it. A footnote (font
    size `notes_size`) starts where a line begins with its raised number.
    """
    paragraphs: list[list[Line]] = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            rows: dict[float, list] = {}
            for char in page.chars:
                if char["x0"] >= min_x0:
                    rows.setdefault(round(page.height - char["matrix"][5], 1), []).append(char)
            page_lines, raised = [], []
            for bottom in sorted(rows):
                chars = rows[bottom]
                size = max(round(c["size"], 1) for c in chars)
                if size in sizes:
                    page_lines.append(Line(number, min(c["top"] for c in chars), size, chars, bottom))
                elif size < min(sizes):
                    raised.append((bottom, chars))
            for bottom, chars in raised:
                below = [ln for ln in page_lines if 0 < ln.baseline - bottom < ln.size]
                if below:
                    below[0].chars = below[0].chars + chars
            for line in page_lines:
                line.chars.sort(key=lambda c: c["x0"])
            previous = None
            for line in page_lines:
                starts_note = line.size == notes_size and line.chars[0]["size"] < line.size
                if (previous is None or line.size != previous.size or starts_note
                        or line.top - previous.top > line.size * 1.8):
                    paragraphs.append([])
                paragraphs[-1].append(line)
                previous = line
    return paragraphs
