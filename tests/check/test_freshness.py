"""``check`` weighs the facts: ``stale-fact`` (an ``as_of`` older than ``fact_max_age``
days, a ``review_after`` day passed), ``unsourced-fact`` (with ``require_sources``),
and with ``--links --allow-remote`` ``source-unreachable`` for a source's address
that does not answer; asked of a server the test starts on 127.0.0.1."""

from __future__ import annotations

import datetime
import http.server
import json
import socket
import threading
from pathlib import Path

import pytest

from support.files import write

TODAY = datetime.date.today()
RECENT = (TODAY - datetime.timedelta(days=10)).isoformat()
HANDOUT = """\
---
items: [PostgreSQL, MySQL]
{extra}sources:
  pg-docs: {{title: PostgreSQL docs, url: "{url}", accessed: {accessed}}}
attributes:
  Licence:
    PostgreSQL: {{value: PostgreSQL Licence, source: pg-docs, as_of: 2019-03-01}}
    MySQL: GPLv2
  Replication:
    PostgreSQL: {{value: Streaming, source: pg-docs}}
    MySQL: n/a
---
Lead.
"""


def project(root: Path, url: str = "https://www.postgresql.org/docs/",
            accessed: str = RECENT, extra: str = "", settings: str = "") -> Path:
    write(root, "content/pg-vs-my.md", HANDOUT.format(url=url, accessed=accessed,
                                                      extra=extra))
    if settings:
        write(root, "versus.yaml", settings)
    (root / "output").mkdir(exist_ok=True)
    return root


def findings(run_cli, root: Path, *options: str, code: str | None = None) -> list[dict]:
    result = run_cli("check", "--project", root, "--format", "json", *options)
    assert result.exit_code in (0, 1), result.output
    found = json.loads(result.stdout)
    assert all(each["severity"] in ("error", "warning") for each in found)
    return [each for each in found if code is None or each["code"] == code]


def test_a_fact_checked_in_2019_is_stale_at_its_cell(run_cli, tmp_path):
    stale = findings(run_cli, project(tmp_path), code="stale-fact")
    age = (datetime.date.today() - datetime.date(2019, 3, 1)).days  # after the check:
    ages = (age - 1, age)  # it may have run the day before, at midnight
    assert stale in ([{
        "path": str(tmp_path / "content/pg-vs-my.md"), "line": 7, "column": 17,
        "severity": "warning", "code": "stale-fact",
        "message": f"attribute 'Licence' of item 'PostgreSQL' was checked on 2019-03-01, "
                   f"{days:,} days ago (more than fact_max_age, 365)"}] for days in ages)


def test_a_cell_without_as_of_takes_its_sources_accessed_day(run_cli, tmp_path):
    stale = findings(run_cli, project(tmp_path, accessed="2020-01-02"), code="stale-fact")
    assert [(each["line"], each["message"].split(" was")[0]) for each in stale] == [
        (7, "attribute 'Licence' of item 'PostgreSQL'"),
        (10, "attribute 'Replication' of item 'PostgreSQL'")]


def test_fact_max_age_sets_what_is_stale(run_cli, tmp_path):
    old = (TODAY - datetime.timedelta(days=40)).isoformat()
    project(tmp_path, accessed=old, settings="fact_max_age: 30\n")
    stale = findings(run_cli, tmp_path, code="stale-fact")
    assert [each["line"] for each in stale] == [7, 10]
    assert "more than fact_max_age, 30" in stale[1]["message"]
    write(tmp_path, "versus.yaml", "fact_max_age: 36500\n")
    assert findings(run_cli, tmp_path, code="stale-fact") == []


def test_a_passed_review_after_day_is_stale(run_cli, tmp_path):
    project(tmp_path, extra="review_after: 2026-01-15\n")
    stale = findings(run_cli, tmp_path, code="stale-fact")
    days = (datetime.date.today() - datetime.date(2026, 1, 15)).days
    shown = [{key: each[key] for key in ("line", "column", "message")} for each in stale]
    assert any({"line": 3, "column": 15, "message": f"review_after 2026-01-15 has passed "
                f"({ago:,} days ago)"} in shown for ago in (days - 1, days)), shown
    future = (TODAY + datetime.timedelta(days=30)).isoformat()
    project(tmp_path, extra=f"review_after: {future}\n")
    assert all("review_after" not in each["message"]
               for each in findings(run_cli, tmp_path, code="stale-fact"))


def test_kept_findings_are_weighed_again_on_each_check(run_cli, tmp_path):
    project(tmp_path)
    first = findings(run_cli, tmp_path)
    result = run_cli("check", "--project", tmp_path, "--format", "json")
    assert "1 unchanged: findings reused" in result.output
    assert json.loads(result.stdout) == first
    assert [each["code"] for each in first] == ["stale-fact"]


def test_require_sources_warns_of_every_cell_without_one(run_cli, tmp_path):
    assert findings(run_cli, project(tmp_path), code="unsourced-fact") == []
    project(tmp_path, settings="require_sources: true\n")
    unsourced = findings(run_cli, tmp_path, code="unsourced-fact")
    assert [(each["line"], each["message"]) for each in unsourced] == [
        (8, "attribute 'Licence' of item 'MySQL' has no source (require_sources is true)")]


@pytest.mark.parametrize(("settings", "message"), [
    ("fact_max_age: soon\n", "'fact_max_age' must be a number of days from 1 to 36,500"),
    ("fact_max_age: 0\n", "'fact_max_age' must be a number of days from 1 to 36,500"),
    ("require_sources: 'yes'\n", "'require_sources' must be true or false"),
])
def test_the_settings_are_checked(run_cli, tmp_path, settings, message):
    project(tmp_path, settings=settings)
    found = findings(run_cli, tmp_path, code="settings")
    assert [each["message"] for each in found] == [message]


def test_links_needs_allow_remote(run_cli, tmp_path):
    result = run_cli("check", "--project", project(tmp_path), "--links")
    assert result.exit_code == 2
    assert "--links asks each source's address over the network: add --allow-remote" \
        in result.output


class Answers(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self):
        self.send_response(200 if self.path == "/up" else
                           405 if self.path == "/get-only" else 404)
        self.end_headers()

    def do_GET(self):
        self.send_response(200 if self.path == "/get-only" else 404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answers)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_links_reports_each_source_that_does_not_answer(run_cli, tmp_path, server):
    write(tmp_path, "content/a.md", f"""\
---
items: [A, B]
sources:
  up: {{url: "{server}/up"}}
  gone: {{url: "{server}/gone"}}
  get: {{url: "{server}/get-only"}}
attributes:
  Focus:
    A: {{value: one, source: up}}
    B: {{value: two, source: gone}}
  Goal:
    A: {{value: three, source: get}}
    B: {{value: four, source: "http://127.0.0.1:{closed_port()}/x"}}
---
Lead.
""")
    assert findings(run_cli, tmp_path, code="source-unreachable") == []  # not asked
    found = findings(run_cli, tmp_path, "--links", "--allow-remote",
                     code="source-unreachable")
    assert [(each["line"], each["message"].split(" ", 2)[2]) for each in found] == [
        (5, "answered 404 Not Found"),
        (13, "cannot be reached ([Errno 111] Connection refused)")]
    assert found[0]["message"] == f"source {server}/gone answered 404 Not Found"
