"""The preview server: output/'s published files on 127.0.0.1, with live reload.

It serves only what a build publishes — pages, PDFs, stylesheets, scripts, fonts,
images and XML — never a dotfile (``.versus-output``, or an older version's state),
never a folder listing, and only to requests whose Host names this server, so
a web page elsewhere cannot read it through DNS rebinding. Pages get a small
script that listens for server-sent events and reloads the page when its
handout was rebuilt, or shows the error that stopped it.
"""

from __future__ import annotations

import http.server
import json
import logging
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..build.pipeline import BuildReport
from ..content.files import CONTENT_DIR
from ..errors import VersusError
from ..output import OUTPUT_DIR

logger = logging.getLogger(__name__)
EVENTS_PATH = "/_versus/events"
KEEPALIVE_SECONDS = 15
HOSTS = ("127.0.0.1", "localhost", "[::1]")
TYPES = {
    ".html": "text/html; charset=utf-8", ".pdf": "application/pdf", ".css": "text/css",
    ".js": "text/javascript", ".xml": "application/xml",
    ".otf": "font/otf", ".ttf": "font/ttf", ".woff": "font/woff", ".woff2": "font/woff2",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".gif": "image/gif", ".webp": "image/webp", ".svg": "image/svg+xml",
    ".ico": "image/x-icon",
}
"""The file types a build publishes, by suffix: nothing else is served."""
NO_SCRIPT = "script-src 'none'; object-src 'none'; sandbox"
"""The policy of documents that may carry script but never need it: content's
SVG images are copied beside the pages, and may be opened on their own."""
NO_SCRIPT_TYPES = (".svg", ".xml")


class LiveReload:
    """The last build's news, handed to every page that listens."""

    def __init__(self, project: Path):
        self.project = project
        self._condition = threading.Condition()
        self._sequence = 0
        self._errors: dict[str, str] = {}
        self._changed: list[str] = []

    def publish(self, report: BuildReport) -> None:
        """Tell listeners which pages changed and which handouts failed."""
        output = self.project / OUTPUT_DIR
        changed = ["/" + path.relative_to(output).as_posix() for path in report.built
                   if path.is_relative_to(output)]
        errors = {}
        for error in report.errors:
            page = _page_of(self.project, error.path)
            errors.setdefault(page or "*", str(error))
        with self._condition:
            self._sequence += 1
            self._changed, self._errors = changed, errors
            self._condition.notify_all()

    def wait(self, seen: int, timeout: float) -> tuple[int, dict | None]:
        """The next news after ``seen``, or ``None`` after ``timeout`` seconds."""
        with self._condition:
            self._condition.wait_for(lambda: self._sequence != seen, timeout)
            if self._sequence == seen:
                return seen, None
            return self._sequence, {"changed": self._changed, "errors": self._errors}


def _page_of(project: Path, path: str | None) -> str | None:
    """The web page of the handout whose file is ``path``."""
    if not path:
        return None
    try:
        relative = Path(path).resolve().relative_to(project / CONTENT_DIR)
    except ValueError:
        return None
    return f"/html/{relative.with_suffix('').as_posix()}.html"


# The script keeps its error box by reference: content cannot hand it an element
# (its ids are moved out of the versus- namespace anyway, see versus.security.sanitize).
LIVE_SCRIPT = ("""<script>
(function () {
  var here = location.pathname.replace(/\\/$/, "/index.html");
  var box = null;
  function show(message) {
    if (!box) {
      box = document.createElement("pre");
      box.id = "versus-error";
      box.style.cssText = "position:fixed;inset:auto 1rem 1rem 1rem;margin:0;padding:1rem;" +
        "background:#fff0f0;color:#8a1111;border:2px solid #c33;border-radius:6px;" +
        "font:14px/1.4 monospace;white-space:pre-wrap;z-index:1000";
      document.body.appendChild(box);
    }
    box.textContent = message;
  }
  var events = new EventSource("%s");
  events.onmessage = function (event) {
    var news = JSON.parse(event.data);
    var error = news.errors[here] || news.errors["*"];
    if (error) { show(error); return; }
    if (box || news.changed.indexOf(here) >= 0) {
      location.reload();
    }
  };
})();
</script>
""" % EVENTS_PATH).encode("ascii")


def with_live_script(page: bytes) -> tuple[bytes, str]:
    """``page`` with the live-reload script before its last ``</body>``, and its
    content type; a page that is not UTF-8 is left as it is."""
    try:
        page.decode("utf-8")
    except UnicodeDecodeError:
        return page, "text/html"
    end = page.lower().rfind(b"</body>")
    end = len(page) if end < 0 else end
    return page[:end] + LIVE_SCRIPT + page[end:], TYPES[".html"]


def published(root: Path, url_path: str) -> tuple[Path | None, bool]:
    """The file below ``root`` that ``url_path`` names if it may be served, and
    whether the path named its folder (served as the folder's index.html)."""
    names = [name for name in unquote(url_path).split("/") if name]
    if any(name.startswith(".") or "\\" in name or "\0" in name for name in names):
        return None, False  # dotfiles, '..', and names no build writes
    local = root.joinpath(*names)
    try:
        folder = local.is_dir()
    except OSError:  # a name too long for the file system (ENAMETOOLONG): none is
        return None, False
    if folder:
        local = local / "index.html"
    if local.suffix.lower() not in TYPES:
        return None, folder
    try:
        real = local.resolve(strict=True)
    except (OSError, RuntimeError):
        return None, folder
    if not (real.is_relative_to(root) and real.is_file()):
        return None, folder
    return local, folder


class _Handler(http.server.BaseHTTPRequestHandler):
    """Serves output/'s published files, adds the live-reload script to pages,
    streams events; only to requests whose Host is this server."""

    live: LiveReload
    root: Path

    def do_GET(self):
        self._respond(with_body=True)

    def do_HEAD(self):
        self._respond(with_body=False)

    def _respond(self, with_body: bool) -> None:
        if not self._host_allowed():
            return self.send_error(403, "Unknown Host: open the address serve printed")
        path = urlsplit(self.path).path
        if path == EVENTS_PATH and with_body:
            return self._events()
        local, folder = published(self.root, path)
        if local is None:
            return self.send_error(404)
        if folder and not path.endswith("/"):  # relative links start from the folder
            self.send_response(301)
            self.send_header("Location", path + "/")
            self.send_header("Content-Length", "0")
            return self.end_headers()
        try:
            body = local.read_bytes()
        except OSError:  # gone since it was found: a build is replacing it
            return self.send_error(404)
        kind = TYPES[local.suffix.lower()]
        if kind.startswith("text/html"):
            body, kind = with_live_script(body)
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        if local.suffix.lower() in NO_SCRIPT_TYPES:
            self.send_header("Content-Security-Policy", NO_SCRIPT)
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def _host_allowed(self) -> bool:
        """Whether the Host header names this server (not a rebound domain)."""
        port = self.server.server_address[1]
        host = (self.headers.get("Host") or "").strip().lower()
        return host in {f"{name}:{port}" for name in HOSTS} or (
            port == 80 and host in HOSTS)

    def end_headers(self):
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def _events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        seen, news = self.live.wait(-1, 0)  # the current errors, straight away
        try:
            if news and news["errors"]:
                self._send({"changed": [], "errors": news["errors"]})
            while True:
                seen, news = self.live.wait(seen, KEEPALIVE_SECONDS)
                if news is None:
                    self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
                else:
                    self._send(news)
        except ConnectionError:  # the page was closed or reloaded
            return

    def _send(self, news: dict) -> None:
        self.wfile.write(f"data: {json.dumps(news)}\n\n".encode("utf-8"))
        self.wfile.flush()

    def log_message(self, format, *args):
        logger.debug("serve: " + format, *args)


class _Server(http.server.ThreadingHTTPServer):
    """One thread per request; a browser that goes away mid-answer is no error."""

    daemon_threads = True

    def handle_error(self, request, client_address):
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError):
            logger.debug("serve: the browser went away: %s", error)
            return
        logger.error("serve: a request failed: %s: %s", type(error).__name__, error)
        logger.debug("serve: the failure", exc_info=True)


def start_server(project: Path, port: int, live: LiveReload) -> http.server.HTTPServer:
    """Serve ``project``'s output/ on 127.0.0.1:``port`` (0: any free port) in a thread."""
    output = project / OUTPUT_DIR
    output.mkdir(exist_ok=True)
    handler = type("Handler", (_Handler,), {"live": live, "root": output.resolve()})
    try:
        server = _Server(("127.0.0.1", port), handler)
    except OSError as error:  # the port is taken, or needs root
        raise VersusError(f"cannot serve on 127.0.0.1:{port}: "
                          f"{error.strerror or error}; choose another --port "
                          "(0 picks a free one)") from None
    threading.Thread(target=server.serve_forever, name="versus-serve", daemon=True).start()
    return server
