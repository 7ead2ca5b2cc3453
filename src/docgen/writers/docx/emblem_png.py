"""The UN emblem (templates/emblem.svg, the PDF's vector picture) as a PNG for the Word draft.

python-docx embeds raster pictures only, as for the barcode (barcode_png.py). The emblem file is
drawn with Pillow, stroke by stroke, at 300 dpi for its printed width: the elements and path
commands it uses (circle, line, path with M m L l C c H h V v Z z, stroke only) and nothing else;
a file with anything else is refused by name, so a new emblem never turns into a wrong picture
silently. Same file, same bytes: no clock, no randomness (Pillow writes PNG deterministically).
"""

from __future__ import annotations

import io
import re
from functools import cache

from lxml import etree
from PIL import Image, ImageDraw

SVG = "{http://www.w3.org/2000/svg}"
DPI = 300
SUPERSAMPLE = 4  # drawn larger, then reduced: smooth edges
_TOKEN = re.compile(r"[A-Za-z]|-?(?:\d+\.?\d*|\.\d+)(?:e-?\d+)?")


def _path_points(d: str) -> list[list[tuple[float, float]]]:
    """The polylines of an SVG path (cubic curves flattened)."""
    tokens = _TOKEN.findall(d)
    lines: list[list[tuple[float, float]]] = []
    x = y = 0.0
    i, command = 0, ""

    def number() -> float:
        nonlocal i
        value = float(tokens[i])
        i += 1
        return value

    while i < len(tokens):
        if tokens[i].isalpha():
            command = tokens[i]
            i += 1
        relative = command.islower()
        c = command.upper()
        if c == "M":
            dx, dy = number(), number()
            x, y = (x + dx, y + dy) if relative else (dx, dy)
            lines.append([(x, y)])
            command = "l" if relative else "L"  # further pairs are line-tos
        elif c in "LHV":
            if c == "L":
                dx, dy = number(), number()
                x, y = (x + dx, y + dy) if relative else (dx, dy)
            elif c == "H":
                v = number()
                x = x + v if relative else v
            else:
                v = number()
                y = y + v if relative else v
            lines[-1].append((x, y))
        elif c == "C":
            pts = [number() for _ in range(6)]
            if relative:
                pts = [p + (x if k % 2 == 0 else y) for k, p in enumerate(pts)]
            x0, y0 = x, y
            (x1, y1, x2, y2, x, y) = pts
            for k in range(1, 25):
                t = k / 24
                u = 1 - t
                lines[-1].append((u**3 * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t**3 * x,
                                  u**3 * y0 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t**3 * y))
        elif c == "Z":
            lines[-1].append(lines[-1][0])
            x, y = lines[-1][0]
        else:
            raise ValueError(f"emblem.svg: path command {command!r} is not drawn for the Word draft")
    return lines


@cache
def emblem_ratio(svg: bytes) -> float:
    """Height / width of the emblem (its viewBox): the PDF scales it to emblem_width."""
    _, _, vw, vh = (float(v) for v in etree.fromstring(svg).get("viewBox").split())
    return vh / vw


@cache
def emblem_png(svg: bytes, width_pt: float) -> bytes:
    root = etree.fromstring(svg)
    vx, vy, vw, vh = (float(v) for v in root.get("viewBox").split())
    px = round(width_pt / 72 * DPI)
    scale = px * SUPERSAMPLE / vw
    size = (px * SUPERSAMPLE, round(vh * scale))
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)

    def walk(el, stroke: str, width: float):
        stroke = el.get("stroke", stroke)
        width = float(el.get("stroke-width", width))
        tag = el.tag.replace(SVG, "")
        if el.get("fill", "none") not in ("none",) and tag != "svg" and tag != "g":
            raise ValueError(f"emblem.svg: filled <{tag}> is not drawn for the Word draft")
        w = max(1, round(width * scale))
        pt = lambda x, y: ((float(x) - vx) * scale, (float(y) - vy) * scale)  # noqa: E731
        if tag in ("svg", "g"):
            for child in el:
                if isinstance(child.tag, str):
                    walk(child, stroke, width)
        elif tag in ("title", "desc"):
            pass
        elif tag == "circle":
            cx, cy = pt(el.get("cx"), el.get("cy"))
            r = float(el.get("r")) * scale
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=0, width=w)
        elif tag == "line":
            draw.line([pt(el.get("x1"), el.get("y1")), pt(el.get("x2"), el.get("y2"))], fill=0, width=w)
        elif tag == "path":
            for line in _path_points(el.get("d")):
                draw.line([pt(x, y) for x, y in line], fill=0, width=w, joint="curve")
        else:
            raise ValueError(f"emblem.svg: <{tag}> is not drawn for the Word draft")
        return stroke

    for child in root:
        if isinstance(child.tag, str):
            walk(child, root.get("stroke", "none"), float(root.get("stroke-width", 1)))
    image = image.resize((px, round(size[1] / SUPERSAMPLE)), Image.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(DPI, DPI))
    return out.getvalue()
