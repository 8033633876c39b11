"""watch and serve: rebuild on save, survive broken edits, reload the open page."""

from __future__ import annotations

import queue
import threading
import time
from pathlib import Path

import pytest

from support.files import two_items, write
from versus.build.pipeline import BuildOptions
from versus.preview.watch import serve, watch

TIMEOUT = 120
"""Seconds to wait for an event: generous, so a busy machine only makes a test slower."""


def handout(a: str, b: str, lead: str) -> str:
    return two_items(a, b, lead + "\n")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write(tmp_path, "content/a-vs-b.md", handout("A", "B", "First lead."))
    write(tmp_path, "content/c-vs-d.md", handout("C", "D", "Other lead."))
    return tmp_path


class Running:
    """A watch or serve loop in a thread, with its reports in a queue."""

    def __init__(self, target, *args, **kwargs):
        self.reports: queue.Queue = queue.Queue()
        self.stop = threading.Event()
        self.ready = threading.Event()
        self.url = None
        self.thread = threading.Thread(
            target=target, args=(*args, self.reports.put),
            kwargs={"stop": self.stop, "on_ready": self._on_ready, **kwargs}, daemon=True)

    def _on_ready(self, url=None):
        self.url = url
        self.ready.set()

    def __enter__(self):
        self.thread.start()
        assert self.ready.wait(TIMEOUT), "the loop never became ready"
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(TIMEOUT)
        assert not self.thread.is_alive(), "the loop did not stop"

    def next_report(self):
        return self.reports.get(timeout=TIMEOUT)


def built_names(report, project: Path) -> list[str]:
    return sorted(path.relative_to(project / "output").as_posix() for path in report.built)


def test_watch_rebuilds_only_the_saved_handout(project):
    with Running(watch, project, BuildOptions(formats=("html",))) as loop:
        first = loop.next_report()
        assert built_names(first, project) == ["html/a-vs-b.html", "html/c-vs-d.html",
                                               "index.html"]
        write(project, "content/a-vs-b.md", handout("A", "B", "Second lead."))
        report = loop.next_report()
        assert built_names(report, project) == ["html/a-vs-b.html"]
        assert "Second lead." in (project / "output/html/a-vs-b.html").read_text()


def test_watch_survives_a_broken_edit_and_keeps_the_last_good_page(project):
    page = project / "output/html/a-vs-b.html"
    with Running(watch, project, BuildOptions(formats=("html",))) as loop:
        loop.next_report()
        good = page.read_bytes()
        write(project, "content/a-vs-b.md", handout("A", "B", "x").replace("[A, B]", "[A]"))
        broken = loop.next_report()
        assert [(e.message, e.line, e.column) for e in broken.errors] == [
            ("'items' must name 2 to 6 things, not 1", 2, 8)]
        assert Path(broken.errors[0].path).name == "a-vs-b.md"
        assert page.read_bytes() == good
        write(project, "content/a-vs-b.md", handout("A", "B", "Mended lead."))
        mended = loop.next_report()
        assert mended.ok and "Mended lead." in page.read_text()


def reports_until(loop, done) -> list:
    """Every report until ``done()`` holds (a burst of saves may take two builds)."""
    reports = [loop.next_report()]
    while not done():
        reports.append(loop.next_report())
    return reports


def test_watch_reloads_changed_settings(project):
    page = project / "output/html/c-vs-d.html"
    with Running(watch, project, BuildOptions(formats=("html",))) as loop:
        loop.next_report()
        write(project, "versus.yaml", "disclaimer: Printed for the workshop.\n")
        reports = reports_until(loop, lambda: "Printed for the workshop." in page.read_text())
        assert all(report.ok for report in reports)
        write(project, "versus.yaml", "disclaimer: Second edition.\n")
        reports = reports_until(loop, lambda: "Second edition." in page.read_text())
        built = {name for report in reports for name in built_names(report, project)}
        assert built == {"html/a-vs-b.html", "html/c-vs-d.html"}


def test_watch_ignores_its_own_output(project):
    with Running(watch, project, BuildOptions(formats=("html",))) as loop:
        loop.next_report()
        write(project, "output/html/stray.html", "<p>not a source</p>")
        with pytest.raises(queue.Empty):
            loop.reports.get(timeout=1.0)


@pytest.fixture
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options,
                              service=Service(executable_path="/usr/bin/chromedriver"))
    yield driver
    driver.quit()


def wait_for(condition, what: str, timeout: float = TIMEOUT):
    from selenium.common.exceptions import StaleElementReferenceException

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = condition()
        except StaleElementReferenceException:  # the page reloaded while being read
            value = None
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_serve_reloads_the_open_page_and_shows_errors(project, browser):
    from selenium.webdriver.common.by import By

    with Running(serve, project, BuildOptions(formats=("html",)), 0) as loop:
        browser.get(loop.url + "html/a-vs-b.html")
        body = lambda: browser.find_element(By.TAG_NAME, "body").text  # noqa: E731
        assert "First lead." in body()
        browser.execute_script("window.notReloaded = true")

        write(project, "content/a-vs-b.md", handout("A", "B", "Edited in the browser test."))
        wait_for(lambda: "Edited in the browser test." in body(), "the edited text")
        assert browser.execute_script("return window.notReloaded === undefined")

        write(project, "content/a-vs-b.md", handout("A", "B", "x").replace("[A, B]", "[A]"))
        error = wait_for(lambda: browser.find_elements(By.ID, "versus-error"),
                         "the error box")[0]
        assert "'items' must name 2 to 6 things, not 1" in error.text
        assert "a-vs-b.md:2:8" in error.text

        write(project, "content/a-vs-b.md", handout("A", "B", "Fixed again."))
        wait_for(lambda: "Fixed again." in body(), "the mended page")
        assert not browser.find_elements(By.ID, "versus-error")


def test_serve_shows_only_output_files(project):
    import urllib.error
    import urllib.request

    with Running(serve, project, BuildOptions(formats=("html",)), 0) as loop:
        page = urllib.request.urlopen(loop.url + "html/a-vs-b.html").read().decode()
        assert "EventSource" in page and "First lead." in page
        assert "EventSource" not in (project / "output/html/a-vs-b.html").read_text()
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(loop.url + "../content/a-vs-b.md")
        assert refused.value.code == 404


EDITOR_FILES = ["a-vs-b.md~", ".#a-vs-b.md", ".a-vs-b.md.swp", ".a-vs-b.md.swx", "4913",
                "sedAb12Cd", "notes.tmp", ".a-vs-b.md.kate-swp", ".versus-tmp-x.md"]


@pytest.mark.parametrize("name", EDITOR_FILES)
def test_the_change_filter_ignores_editor_files(tmp_path, name):
    from watchfiles import Change

    from versus.preview.watch import change_filter

    relevant = change_filter(tmp_path)
    assert not relevant(Change.added, str(tmp_path / "content" / name))
    assert not relevant(Change.modified, str(tmp_path / "output" / "html" / "x.html"))
    for real in ("a-vs-b.md", "a-vs-b.csv", "sed.md", "picture.png"):
        assert relevant(Change.modified, str(tmp_path / "content" / real))


def test_watch_ignores_editor_files_and_names_what_it_rebuilt(project, caplog):
    import logging

    with caplog.at_level(logging.INFO, logger="versus"), \
            Running(watch, project, BuildOptions(formats=("html",))) as loop:
        loop.next_report()
        for name in EDITOR_FILES:
            write(project, f"content/{name}", "scratch")
        with pytest.raises(queue.Empty):
            loop.reports.get(timeout=1.0)
        write(project, "content/c-vs-d.md", handout("C", "D", "New lead."))
        loop.next_report()
        wait_for(lambda: "rebuilt: c-vs-d" in caplog.messages, "the rebuilt line")
    changed = [m for m in caplog.messages if m.startswith("changed:")]
    assert changed == ["changed: c-vs-d.md"]
