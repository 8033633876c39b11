"""Hostile and unlucky inputs for watch and serve: files that vanish mid-build,
what the preview server may hand out and to whom, and content that poses as the
live-reload script's own markup."""

from __future__ import annotations

import http.client
import logging
import socket
import struct
from pathlib import Path

import pytest

from support.files import write
from test_watch import TIMEOUT, Running, browser, reports_until, wait_for  # noqa: F401
from versus.content import handouts as content_module
from versus.build import pipeline
from versus.preview import watch as watch_module
from versus.content.handouts import load_handout
from versus.errors import Problems
from versus.build.pipeline import BuildOptions
from versus.security.sanitize import clean
from versus.settings import Settings
from versus.preview.watch import serve, watch

HANDOUT = ("---\nitems: [Alpha, Beta]\nattributes:\n  Colour: {Alpha: Red, Beta: Blue}\n"
           "---\n{lead}\n")
OTHER = "---\nitems: [Gamma, Delta]\n---\nOther lead.\n"
OTHER_TABLE = "Attribute,Gamma,Delta\nColour,Green,Grey\n"
HTML = BuildOptions(formats=("html",))


def handout(lead: str = "Lead.") -> str:
    return HANDOUT.replace("{lead}", lead)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write(tmp_path, "content/a-vs-b.md", handout())
    return tmp_path


def messages(report) -> list[str]:
    return [f"{Path(error.path).name if error.path else ''}: {error.message}"
            for error in report.errors]


# ------------------------------------------------- B2: files that vanish mid-build

def test_load_handout_of_a_vanished_file_is_a_problem(project):
    path = project / "content/a-vs-b.md"
    path.unlink()
    with pytest.raises(Problems) as raised:
        load_handout(path, "a-vs-b", Settings())
    assert [str(error) for error in raised.value.errors] == [
        f"{path}: cannot read: No such file or directory"]


def vanish_after(real, paths: list[Path]):
    """``real`` (a function listing files), deleting ``paths`` once they are listed."""
    def listing(*args, **kwargs):
        result = real(*args, **kwargs)
        for path in paths:
            path.unlink(missing_ok=True)
        paths.clear()
        return result
    return listing


def test_watch_goes_on_when_a_handout_vanishes_mid_build(project, monkeypatch):
    write(project, "content/c-vs-d.md", OTHER + "")
    write(project, "content/c-vs-d.csv", OTHER_TABLE)
    page = project / "output/html/a-vs-b.html"
    doomed: list[Path] = []
    monkeypatch.setattr(pipeline, "scan", vanish_after(pipeline.scan, doomed))
    with Running(watch, project, HTML) as loop:
        assert loop.next_report().ok and page.is_file()
        doomed.append(project / "content/a-vs-b.md")  # listed, then gone before it is read
        write(project, "content/a-vs-b.md", handout("Second lead."))
        assert messages(loop.next_report()) == [
            "a-vs-b.md: cannot read: No such file or directory"]
        reports_until(loop, lambda: not page.exists())  # its deletion prunes the page
        write(project, "content/c-vs-d.md", OTHER + "Still watching.\n")
        reports = reports_until(loop, lambda: "Still watching." in (
            project / "output/html/c-vs-d.html").read_text())
        assert all(report.ok for report in reports)


def test_watch_goes_on_when_a_data_file_vanishes_mid_build(project, monkeypatch):
    write(project, "content/c-vs-d.md", OTHER)
    table = write(project, "content/c-vs-d.csv", OTHER_TABLE)
    doomed: list[Path] = []
    real = content_module.read_text

    def read_text(path):  # the file was found beside the handout, and is gone now
        if path in doomed:
            path.unlink()
            doomed.remove(path)
        return real(path)

    monkeypatch.setattr(content_module, "read_text", read_text)
    with Running(watch, project, HTML) as loop:
        assert loop.next_report().ok
        doomed.append(table)
        write(project, "content/c-vs-d.md", OTHER + "Edited.\n")
        assert messages(loop.next_report()) == [
            "c-vs-d.csv: cannot read: No such file or directory"]
        write(project, "content/c-vs-d.csv", OTHER_TABLE)
        reports = reports_until(loop, lambda: "Edited." in (
            project / "output/html/c-vs-d.html").read_text())
        assert reports[-1].ok


def test_watch_reports_a_build_that_raised_and_goes_on(project, monkeypatch):
    real, calls = watch_module.build, []

    def build(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the unexpected\nwith a second line")
        return real(*args, **kwargs)

    monkeypatch.setattr(watch_module, "build", build)
    with Running(watch, project, HTML) as loop:
        assert loop.next_report().ok
        write(project, "content/a-vs-b.md", handout("Second lead."))
        assert [str(error) for error in loop.next_report().errors] == [
            "build stopped: RuntimeError: the unexpected"]
        write(project, "content/a-vs-b.md", handout("Third lead."))
        assert loop.next_report().ok
        assert "Third lead." in (project / "output/html/a-vs-b.html").read_text()


# --------------------------------------------------- B11: what serve hands out

def get(loop, path: str, host: str | None = "") -> tuple[int, dict, bytes]:
    """Send ``GET path`` as it is (no normalising) with Host ``host`` (default: the
    server's own; None: no Host header); the status, headers and body."""
    port = int(loop.url.rsplit(":", 1)[1].strip("/"))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        connection.putrequest("GET", path, skip_host=True)
        if host is not None:
            connection.putheader("Host", host or f"127.0.0.1:{port}")
        connection.endheaders()
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@pytest.fixture
def served(project):
    # Files a build never publishes, put in output/ by hand: serve's own rules hold
    # whatever lies there.
    write(project, "output/html/latin.html", b"<html><body><p>caf\xe9</p></body></html>")
    write(project, "output/html/notes.txt", "not a published type")
    write(project, "output/html/pic.svg", '<svg xmlns="http://www.w3.org/2000/svg">'
          '<script>document.title = "scripted"</script><rect width="9" height="9"/></svg>')
    with Running(serve, project, HTML, 0) as loop:
        assert loop.next_report().ok
        yield loop


def test_serve_hands_out_a_non_utf8_page_unchanged(served, project):
    status, headers, body = get(served, "/html/latin.html")
    assert status == 200
    assert body == (project / "output/html/latin.html").read_bytes()
    assert "charset" not in headers["Content-Type"]


def test_serve_never_hands_out_the_state_file_or_dotfiles(served, project):
    assert (project / ".versus/state.db").is_file()
    assert (project / "output/.versus-output").is_file()
    for path in ("/.versus-output", "/../.versus/state.db", "/%2e%2e/.versus/state.db",
                 "/html/%2e%2e/.versus-output", "/html/%2e%2e/%2e%2e/.versus/lock"):
        status, _, body = get(served, path)
        assert status == 404, path
        assert str(project).encode() not in body


def test_serve_lists_no_folder(served, project):
    status, _, body = get(served, "/html/")
    assert status == 404 and b"a-vs-b.html" not in body
    assert get(served, "/html")[0] == 404
    write(project, "output/html/sub/index.html", "<p>Sub index.</p>")
    status, headers, _ = get(served, "/html/sub")  # relative links start from sub/
    assert status == 301 and headers["Location"] == "/html/sub/"
    status, _, body = get(served, "/html/sub/")
    assert status == 200 and b"Sub index." in body
    status, _, body = get(served, "/")
    assert status == 200 and b"EventSource" in body and b"a-vs-b.html" in body


def test_serve_hands_out_only_published_types(served, project):
    assert (project / "output/html/notes.txt").is_file()
    assert get(served, "/html/notes.txt")[0] == 404
    assert get(served, "/html/a-vs-b.html")[0] == 200


def test_serve_refuses_a_host_that_is_not_its_own(served):
    port = served.url.rsplit(":", 1)[1].strip("/")
    for host in (f"evil.example:{port}", "127.0.0.1:1", "localhost", None):
        status, _, body = get(served, "/html/a-vs-b.html", host=host)
        assert status == 403, host
        assert b"Lead." not in body
    for host in (f"localhost:{port}", f"LOCALHOST:{port}", f"[::1]:{port}"):
        assert get(served, "/html/a-vs-b.html", host=host)[0] == 200, host


def test_serve_forbids_scripts_in_svg_and_sniffing(served):
    status, headers, _ = get(served, "/html/pic.svg")
    assert status == 200 and headers["Content-Type"] == "image/svg+xml"
    assert "script-src 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert get(served, "/html/a-vs-b.html")[1]["X-Content-Type-Options"] == "nosniff"


def test_serve_runs_no_script_of_an_svg_opened_alone(served, browser):  # noqa: F811
    browser.get(served.url + "html/pic.svg")
    assert browser.execute_script("return document.readyState") == "complete"
    assert browser.title != "scripted"


@pytest.fixture
def serve_log():
    """The records ``versus.preview.server`` logs, DEBUG and up."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = records.append
    logger = logging.getLogger("versus.preview.server")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield records
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_serve_is_quiet_when_the_browser_goes_away(served, project, capfd, serve_log):
    write(project, "output/pdf/big.pdf", b"%PDF" + bytes(16 * 1024 * 1024))
    port = int(served.url.rsplit(":", 1)[1].strip("/"))
    client = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    client.sendall(f"GET /pdf/big.pdf HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    client.close()  # with a reset (linger on, for 0 s), before reading the answer
    printed = []

    def noticed():
        printed.append(capfd.readouterr().err)
        return "Traceback" in "".join(printed) or any(
            "went away" in record.getMessage() for record in serve_log)

    wait_for(noticed, "the server to notice")
    assert "Traceback" not in "".join(printed)


def test_serve_on_a_busy_port_is_one_line(project, run_cli):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "--project", project, "--port", port)
    assert isinstance(result.exception, SystemExit) and result.exit_code == 1
    assert result.output.splitlines() == [
        f"error: cannot serve on 127.0.0.1:{port}: Address already in use; "
        "choose another --port (0 picks a free one)"]


# ------------------------------------ B13: content posing as the theme's markup

def test_content_ids_and_classes_leave_the_reserved_namespace():
    html = clean('<div id="versus-error" class="note versus-reload">x</div>'
                 '<p id="Versus-Reload"><a href="#versus-error">back</a>'
                 '<a href="https://example.com/#versus-x">out</a></p>')
    assert html == ('<div id="content-versus-error" class="note content-versus-reload">'
                    'x</div><p id="content-Versus-Reload">'
                    '<a href="#content-versus-error">back</a>'
                    '<a href="https://example.com/#versus-x">'
                    'out</a></p>')


def test_a_heading_in_the_reserved_namespace_keeps_its_link(project, build):
    write(project, "content/a-vs-b.md", handout("[see](#versus-notes)\n\n## Versus notes\n"
                                                "Text."))
    build(project, "html")
    page = (project / "output/html/a-vs-b.html").read_text()
    assert 'id="content-versus-notes"' in page and 'href="#content-versus-notes"' in page
    assert 'id="versus-notes"' not in page


def test_live_reload_ignores_an_error_box_made_by_content(project, browser):  # noqa: F811
    from selenium.webdriver.common.by import By

    write(project, "content/a-vs-b.md", handout('<div id="versus-error">Content box</div>'))
    write(project, "content/c-vs-d.md", OTHER)
    write(project, "content/c-vs-d.csv", OTHER_TABLE)
    with Running(serve, project, HTML, 0) as loop:
        browser.get(loop.url + "html/a-vs-b.html")
        browser.execute_script("window.notReloaded = true")
        write(project, "content/c-vs-d.md", OTHER + "Another handout changed.\n")
        wait_for(lambda: "Another handout changed." in (
            project / "output/html/c-vs-d.html").read_text(), "the other page")
        write(project, "content/a-vs-b.md", handout("x").replace("[Alpha, Beta]", "[Alpha]"))
        body = lambda: browser.find_element(By.TAG_NAME, "body").text  # noqa: E731
        wait_for(lambda: "'items' must name 2 to 6 things" in body(), "the error")
        boxes = browser.find_elements(By.XPATH, "//*[contains(text(), 'Content box')]")
        assert [box.text for box in boxes] == ["Content box"]
        assert browser.execute_script("return window.notReloaded === true")
