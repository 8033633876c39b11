"""Checkers nobody here wrote, for the web pages: axe-core in headless Chromium and the
Nu HTML checker (vnu) on the system Java. ``make test`` installs both from
tests/node/package.json (``npm ci``).

    with chromium() as driver:
        show(driver, path, width=390, scheme="dark")
        violations = axe(driver)            # every rule, best practices included
    errors = vnu([path, ...])               # the Nu checker's errors, per file
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

NODE = Path(__file__).resolve().parent.parent / "node" / "node_modules"
AXE = NODE / "axe-core" / "axe.min.js"
VNU = NODE / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--disable-dev-shm-usage", "--allow-file-access-from-files")


@contextlib.contextmanager
def chromium() -> Iterator:
    """A headless Chromium driven by Selenium through the system chromedriver."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()


def show(driver, page: Path | str, width: int = 1280, height: int = 900,
         scheme: str = "light", media: str = "screen") -> None:
    """Open ``page`` (a path or URL) at ``width`` CSS pixels in colour ``scheme``."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
        "media": media, "features": [{"name": "prefers-color-scheme", "value": scheme}]})
    driver.get(page.as_uri() if isinstance(page, Path) else page)


def axe(driver, rules: str = "all") -> list[dict]:
    """axe-core's violations on the page shown; ``rules`` 'all' includes best practices."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    options = {} if rules == "all" else {"runOnly": rules}
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, arguments[0]).then(r => done(r.violations),"
        " e => done([{id: 'axe-error', help: String(e), nodes: []}]));", options)
    return [{"id": v["id"], "help": v["help"],
             "targets": [node["target"] for node in v["nodes"]]} for v in result]


def vnu(paths: list[Path], css: bool = True) -> list[dict]:
    """The Nu HTML checker's errors for ``paths`` (and their CSS, unless ``css`` is off)."""
    java = shutil.which("java")
    if java is None or not VNU.is_file():
        raise RuntimeError("the Nu HTML checker needs Java and tests/node (make test "
                           "installs both)")
    args = [java, "-jar", str(VNU), "--format", "json", "--errors-only", "--exit-zero-always"]
    if css:
        args.append("--also-check-css")
    done = subprocess.run([*args, *map(str, paths)], capture_output=True, text=True,
                          timeout=300)
    messages = json.loads(done.stderr or done.stdout)["messages"]
    return [message for message in messages if message.get("type") == "error"]
