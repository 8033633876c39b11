"""The outside checkers the web page tests rely on are installed and do find faults."""

from __future__ import annotations

from support.files import write
from support.webcheck import axe, chromium, show, vnu

PAGE = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
        "<body><main><h1>t</h1>{}</main></body></html>")


def test_vnu_reports_errors_and_passes_a_clean_page(tmp_path):
    clean = write(tmp_path, "clean.html", PAGE.format("<p>Fine.</p>"))
    broken = write(tmp_path, "broken.html", PAGE.format("<p><li>stray</li></p>"))
    assert vnu([clean]) == []
    errors = vnu([broken])
    assert errors and all(error["url"].endswith("broken.html") for error in errors)


def test_axe_reports_violations_in_chromium(tmp_path):
    page = write(tmp_path, "page.html", PAGE.format('<img src="x.png">'))
    with chromium() as driver:
        show(driver, page, width=390, scheme="dark")
        assert driver.execute_script("return innerWidth") == 390
        assert driver.execute_script(
            "return matchMedia('(prefers-color-scheme: dark)').matches")
        assert "image-alt" in {violation["id"] for violation in axe(driver)}
