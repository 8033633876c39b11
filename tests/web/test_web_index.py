"""The index of 3,000 handouts (bench/corpus.py) stays small and its filter finds any
handout by title, item or tag, opened from disk and from ``serve``."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from support.files import write
from support.webcheck import chromium, show

REPO = Path(__file__).resolve().parents[2]
COUNT = 3000
MAX_BYTES = 300_000


@pytest.fixture(scope="module")
def project(tmp_path_factory, build) -> Path:
    sys.path.insert(0, str(REPO / "bench"))
    from corpus import make_corpus

    project = tmp_path_factory.mktemp("big") / "project"
    make_corpus(project, COUNT)
    write(project, "content/tools/hammer-vs-saw.md",
          "---\ntitle: Workshop basics\nitems: [Hammer, Saw]\ntags: [woodwork]\n"
          "attributes:\n  Cuts:\n    Hammer: 'No'\n    Saw: 'Yes'\n---\nLead.\n")
    build(project, "html", "--quiet")
    return project


@pytest.fixture(scope="module")
def driver():
    with chromium() as driver:
        yield driver


def test_the_index_and_its_search_index_stay_small(project):
    output = project / "output"
    for name in ("index.html", "search-index.js"):
        size = (output / name).stat().st_size
        assert size < MAX_BYTES, f"{name} is {size:,} bytes for {COUNT + 1:,} handouts"
    pages = sorted(output.glob("index*.html"))
    assert len(pages) == 31 and all(page.stat().st_size < 60_000 for page in pages)
    assert (output / "tags" / "operations.30.html").is_file()
    assert not (output / "tags" / "operations.31.html").exists()


def type_in_filter(driver, words: str) -> dict:
    """Type ``words`` into the filter key by key; what the page lists then."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    box = driver.find_element(By.ID, "filter")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.BACKSPACE)  # as a reader clears it: an input event
    box.send_keys(words)
    return driver.execute_script("""
        const titles = Array.from(document.querySelectorAll('#handouts > li > .title'),
                                  a => a.textContent.trim());
        return {titles: titles, status: document.getElementById('filter-status').textContent,
                more: !document.querySelector('.show-more').hidden,
                pager: !document.querySelector('.pager').hidden};
    """)


def check_filter(driver) -> None:
    assert type_in_filter(driver, "devops2999")["titles"] == ["DevOps2999 vs. MLOps2999"]
    assert type_in_filter(driver, "MLOps1234")["titles"] == ["DevOps1234 vs. MLOps1234"]
    found = type_in_filter(driver, "woodwork")           # a tag
    assert found["titles"] == ["Workshop basics"] and found["status"] == "1 of 3001"
    assert type_in_filter(driver, "saw")["titles"] == ["Workshop basics"]  # an item
    many = type_in_filter(driver, "machine learning")
    assert (len(many["titles"]), many["status"], many["more"], many["pager"]) == (
        100, "3000 of 3001", True, False)
    driver.execute_script("document.querySelector('.show-more').click()")
    assert driver.execute_script("return document.querySelectorAll('#handouts > li').length") \
        == 200
    cleared = type_in_filter(driver, "")
    assert len(cleared["titles"]) == 100 and cleared["pager"] and not cleared["more"]


def test_the_filter_finds_any_handout_opened_from_disk(project, driver):
    show(driver, project / "output" / "index.html", width=390)
    check_filter(driver)


def test_the_filter_finds_any_handout_from_serve(project, driver):
    from versus.preview.server import LiveReload, start_server

    server = start_server(project, 0, LiveReload(project))
    try:
        show(driver, f"http://127.0.0.1:{server.server_address[1]}/index.html")
        assert driver.execute_script("return location.protocol") == "http:"
        check_filter(driver)
    finally:
        server.shutdown()
        server.server_close()
