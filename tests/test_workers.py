"""What a build worker holds and how the parallel build hands it work (#14).

Memory and speed themselves are measured by `make bench`, not asserted here; these tests
check that the means used for them give the same answers as before.
"""

from __future__ import annotations

import pytest

from docgen import fonts


@pytest.mark.parametrize("file", ["LiberationSerif-Regular.ttf", "NotoSerifCJKsc-Regular.otf"])
def test_code_points_as_ranges_answer_as_the_font_does(file):
    from fontTools.ttLib import TTFont

    with TTFont(str(fonts.FONTS / file), lazy=True) as font:
        expected = set(font.getBestCmap())
    codes = fonts.cmap(file)
    assert [cp for cp in range(0x30000) if (cp in codes) != (cp in expected)] == []
    assert 0x10FFFF not in codes and -1 not in codes


def test_code_point_ranges_out_of_order_or_overlapping_are_merged():
    codes = fonts.CodePoints([[50, 60], [1, 3], [4, 4], [55, 70], [100, 100]])
    assert [cp for cp in range(110) if cp in codes] == [1, 2, 3, 4, *range(50, 71), 100]
