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
        return max(c["x1"] for c in self.chars if c["size"] >= self.size - 0.01 and not c["text"].isspace())


def lines(path, sizes: tuple[float, ...], notes_size: float | None = None, min_x0: float = 0.0,
          top: float = 0.0, bottom_margin: float = 0.0, first_top: float = 0.0) -> list[list[Line]]:
    """Paragraphs (lists of lines) of characters of the given font sizes, page by page, top down.

    A raised footnote number joins the line whose baseline is just below it. A footnote (font
    size `notes_size`) starts where a line begins with its raised number. Only characters
    right of `min_x0`, below `top` (`first_top` on page 1, below the masthead) and with their
    baseline above `bottom_margin` from the foot of the page count: the running header, the
    page number and the masthead are not text lines.
    """
    paragraphs: list[list[Line]] = []
    pages: list[list[Line]] = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            rows: dict[float, list] = {}
            for char in page.chars:
                upper = first_top if number == 1 else top
                baseline = round(page.height - char["matrix"][5], 1)
                if char["x0"] >= min_x0 and upper <= char["top"] and baseline <= page.height - bottom_margin:
                    rows.setdefault(baseline, []).append(char)
            page_lines, raised = [], []
            for row in sorted(rows):
                chars = rows[row]
                size = max(round(c["size"], 1) for c in chars)
                if size in sizes:
                    page_lines.append(Line(number, min(c["top"] for c in chars), size, chars, row))
                elif size < min(sizes):
                    raised.append((row, chars))
            for row, chars in raised:
                below = [ln for ln in page_lines if 0 < ln.baseline - row < ln.size]
                if below:
                    below[0].chars = below[0].chars + chars
            for line in page_lines:
                line.chars.sort(key=lambda c: c["x0"])
            pages.append(page_lines)
    # the leading of each size: the smallest distance between consecutive baselines seen twice
    steps: dict[float, list[float]] = {}
    for page_lines in pages:
        for a, b in zip(page_lines, page_lines[1:]):
            if a.size == b.size:
                steps.setdefault(a.size, []).append(round(b.baseline - a.baseline, 1))
    leading = {size: min([v for v in values if values.count(v) > 1] or values) for size, values in steps.items()}
    for page_lines in pages:
        previous = None
        for line in page_lines:
            starts_note = line.size == notes_size and line.chars[0]["size"] < line.size
            if (previous is None or line.size != previous.size or starts_note
                    or line.baseline - previous.baseline > leading.get(line.size, 0) + 1.0):
                paragraphs.append([])
            paragraphs[-1].append(line)
            previous = line
    return paragraphs


# ---------------------------------------------------------------- what a typesetter checks

# clreq 3.1.7: characters that may not start a line, and those that may not end one.
NO_LINE_START = set("，。、；：？！）》」』”’〕］｝〉】〗〙…‥·～%‰℃,.;:?!)]}")
NO_LINE_END = set("（《「『“‘〔［｛〈【〖〘([{")


def is_raised(char, line: Line) -> bool:
    return char["size"] < line.size - 0.01


def body_chars(line: Line) -> list:
    """The line's letters without raised footnote numbers (and without spaces the PDF draws at a line end)."""
    return [c for c in line.chars if not is_raised(c, line) and not c["text"].isspace()]


def ragged(paragraphs, right: float, tolerance: float = 0.5) -> list[str]:
    """Lines other than a paragraph's last whose right end is not at the column's edge."""
    bad = []
    for para in paragraphs:
        for line in para[:-1]:
            if abs(line.x1 - right) > tolerance:
                bad.append(f"page {line.page}: ends at {line.x1:.2f}, not {right:.2f}: {line.text}")
    return bad


def kinsoku(paragraphs) -> list[str]:
    """Lines that break clreq's line-start and line-end rules, start with a footnote call, or split
    a document symbol (E/CN.15/2006/ | 10) or a two-em dash."""
    bad = []
    for para in paragraphs:
        for i, line in enumerate(para):
            letters = body_chars(line)
            if not letters:
                continue
            if i > 0 and is_raised(line.chars[0], line):
                bad.append(f"page {line.page}: a footnote call starts the line: {line.text}")
            if i > 0 and letters[0]["text"] in NO_LINE_START:
                bad.append(f"page {line.page}: line starts with {letters[0]['text']}: {line.text}")
            if i < len(para) - 1 and letters[-1]["text"] in NO_LINE_END:
                bad.append(f"page {line.page}: line ends with {letters[-1]['text']}: {line.text}")
            if i < len(para) - 1 and letters[-1]["text"] == "/":
                bad.append(f"page {line.page}: a document symbol breaks after a slash: {line.text}")
            if i < len(para) - 1 and letters[-1]["text"] in "—…":
                following = body_chars(para[i + 1])
                if following and following[0]["text"] == letters[-1]["text"]:
                    bad.append(f"page {line.page}: {letters[-1]['text'] * 2} split across lines: {line.text}")
    return bad


def footnote_numbers(paragraphs, notes_size: float) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """Pages of each footnote call and of each footnote body, from the raised numbers.

    A body is a footnote-size paragraph that starts with its raised number; a call is a run of
    raised digits inside a line of any other size.
    """
    calls: dict[int, list[int]] = {}
    bodies: dict[int, list[int]] = {}
    for para in paragraphs:
        first = para[0]
        if first.size == notes_size:
            digits = ""
            for char in first.chars:
                if not is_raised(char, first):
                    break
                digits += char["text"]
            if digits.isdigit():
                bodies.setdefault(int(digits), []).append(first.page)
            continue
        for line in para:
            run = ""
            for char in line.chars + [None]:
                if char is not None and is_raised(char, line) and char["text"].isdigit():
                    run += char["text"]
                    continue
                if run:
                    calls.setdefault(int(run), []).append(line.page)
                run = ""
    return calls, bodies
