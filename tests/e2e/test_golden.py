"""The design fixtures' pages look as they did: fresh renders against tests/golden/."""

from __future__ import annotations

from pathlib import Path

from support.golden import GOLDEN, PREVIEW, TOLERANCE, difference, render_pages


def golden_pages() -> list[Path]:
    return sorted(page for page in GOLDEN.glob("*.png") if page.name != PREVIEW)


def test_pages_match_the_golden_pages(tmp_path: Path):
    golden = golden_pages()
    assert golden, "no golden pages: run `make golden` and look at tests/golden/"
    fresh = render_pages(tmp_path)
    assert [page.name for page in fresh] == [page.name for page in golden], \
        "the set of pages changed"
    for new, old in zip(fresh, golden):
        share = difference(new, old)
        assert share <= TOLERANCE, (
            f"{old.name} differs in {share:.2%} of its pixels; if the change is "
            "meant, run `make golden` and look at the new pages")


def test_the_comparison_sees_a_changed_page(tmp_path: Path):
    from PIL import Image, ImageDraw

    golden = golden_pages()[0]
    with Image.open(golden) as image:
        altered = image.convert("RGB")
    ImageDraw.Draw(altered).rectangle([20, 20, 120, 60], fill="black")
    altered.save(tmp_path / "altered.png")
    assert difference(tmp_path / "altered.png", golden) > TOLERANCE
    assert difference(golden, golden) == 0
