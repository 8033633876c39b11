"""watch and serve: rebuild what a saved change affects, and preview it live.

``watch`` runs the incremental build once, starts its worker processes, each
loading WeasyPrint, the fonts and the stylesheet (so the first save does not
pay for them), then
rebuilds after every burst of saves, one build at a time, until stopped.
``serve`` does the same while serving ``output/`` on 127.0.0.1; pages it serves
carry a small script that listens for server-sent events and reloads the page
when its handout was rebuilt, or shows the error that stopped it.
"""

from __future__ import annotations

import functools
import http.server
import json
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from .content import CONTENT_DIR
from .output import OUTPUT_DIR, TEMP_PREFIX
from .pipeline import BuildOptions, BuildReport, Listener, build, render_context
from .render import Theme
from .settings import SETTINGS_FILE

logger = logging.getLogger(__name__)
EVENTS_PATH = "/_versus/events"
STEP_MS = 30
"""How long to wait for more changes after one is seen: one burst, one build."""
POLL_MS = 300
"""How often to look at the settings file, which may not exist when watching starts."""
KEEPALIVE_SECONDS = 15


def watched_paths(project: Path) -> list[Path]:
    """Content, the project's templates, the theme and the settings file."""
    theme = Theme.for_project(project)
    paths = [project / CONTENT_DIR, *theme.dirs, project / SETTINGS_FILE]
    return [path for path in dict.fromkeys(paths) if path.exists()]


def _relevant(change, path: str) -> bool:
    """Skip editor swap files, our own temporary files and anything in output/."""
    name = Path(path).name
    return not (name.startswith((".#", TEMP_PREFIX)) or name.endswith(("~", ".swp"))
                or f"/{OUTPUT_DIR}/" in path)


def watch(project: Path, options: BuildOptions, on_report: Callable[[BuildReport], None],
          listener: Listener | None = None, stop: threading.Event | None = None,
          on_ready: Callable[[], None] | None = None) -> None:
    """Build now and after every change under ``project`` until ``stop`` is set."""
    from .executors import ProcessExecutor, default_jobs

    project = project.resolve()
    pool = ProcessExecutor(options.jobs or default_jobs())  # every build's, kept warm
    try:
        on_report(build(project, options, pool, listener))
        _warm_up(project, pool)
        _watch(project, options, on_report, listener, stop, on_ready, pool)
    finally:
        pool.close()


def _watch(project, options, on_report, listener, stop, on_ready, executor) -> None:
    import watchfiles

    paths = watched_paths(project)
    settings = _Stamp(project / SETTINGS_FILE)
    ready = False
    while paths:
        for changes in watchfiles.watch(*paths, watch_filter=_relevant, step=STEP_MS,
                                        stop_event=stop, raise_interrupt=False,
                                        rust_timeout=POLL_MS, yield_on_timeout=True):
            if not ready:  # the first yield: the watcher is in place
                ready = True
                logger.info("watching %s (Ctrl-C to stop)", ", ".join(map(str, paths)))
                if on_ready:
                    on_ready()
            if not settings.changed() and not changes:
                continue
            names = sorted({Path(path).name for _, path in changes}) or [SETTINGS_FILE]
            logger.info("changed: %s", ", ".join(names))
            on_report(build(project, options, executor, listener))
            if watched_paths(project) != paths:  # a templates/ folder appeared
                paths = watched_paths(project)
                break
        else:
            return  # stopped


class _Stamp:
    """Notices a file appearing, changing or going, by its size and time."""

    def __init__(self, path: Path):
        self.path = path
        self._seen = self._look()

    def _look(self) -> tuple[int, int] | None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def changed(self) -> bool:
        """Whether the file differs from the last look."""
        now = self._look()
        changed, self._seen = now != self._seen, now
        return changed


def _warm_up(project: Path, pool) -> None:
    """Start the workers, each loading the renderer now, so the next save does not
    wait; a broken theme is reported by the next build instead."""
    from .errors import VersusError
    from .pdf import warm_up

    try:
        pool.initializer = (warm_up, *render_context(project, Theme.for_project(project)))
    except (VersusError, OSError) as error:
        logger.debug("renderer not warmed up: %s", error)
    pool.start()


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


LIVE_SCRIPT = """<script>
(function () {
  var here = location.pathname.replace(/\\/$/, "/index.html");
  function show(message) {
    var box = document.getElementById("versus-error");
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
    if (news.changed.indexOf(here) >= 0 || document.getElementById("versus-error")) {
      location.reload();
    }
  };
})();
</script>
""" % EVENTS_PATH


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves output/, adds the live-reload script to pages, streams events."""

    live: LiveReload

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == EVENTS_PATH:
            return self._events()
        local = Path(self.translate_path(path))
        if local.is_dir():
            local = local / "index.html"
        if local.suffix == ".html" and local.is_file():
            return self._page(local)
        return super().do_GET()

    def _page(self, local: Path) -> None:
        html = local.read_text(encoding="utf-8")
        if "</body>" in html:
            head, tail = html.rsplit("</body>", 1)
            html = head + LIVE_SCRIPT + "</body>" + tail
        else:
            html += LIVE_SCRIPT
        body = html.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
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
        except (BrokenPipeError, ConnectionResetError):
            return

    def _send(self, news: dict) -> None:
        self.wfile.write(f"data: {json.dumps(news)}\n\n".encode("utf-8"))
        self.wfile.flush()

    def log_message(self, format, *args):
        logger.debug("serve: " + format, *args)


def start_server(project: Path, port: int, live: LiveReload) -> http.server.HTTPServer:
    """Serve ``project``'s output/ on 127.0.0.1:``port`` (0: any free port) in a thread."""
    output = project / OUTPUT_DIR
    output.mkdir(exist_ok=True)
    handler = type("Handler", (_Handler,), {"live": live})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", port), functools.partial(handler, directory=str(output)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="versus-serve", daemon=True).start()
    return server


def serve(project: Path, options: BuildOptions, port: int,
          on_report: Callable[[BuildReport], None], listener: Listener | None = None,
          stop: threading.Event | None = None,
          on_ready: Callable[[str], None] | None = None) -> None:
    """Serve output/ with live reload, rebuilding on every change until ``stop``."""
    project = project.resolve()
    live = LiveReload(project)
    server = start_server(project, port, live)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    logger.info("serving %s at %s", project / OUTPUT_DIR, url)

    def report(result: BuildReport) -> None:
        on_report(result)
        live.publish(result)

    try:
        watch(project, options, report, listener, stop,
              on_ready=(lambda: on_ready(url)) if on_ready else None)
    finally:
        server.shutdown()
        server.server_close()
