"""The measures of ``bench.py``, one function each (a to m in its docstring): each
times its commands once and adds to the round's samples."""

from __future__ import annotations

import concurrent.futures
import contextlib
import functools
import importlib
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from harness import (BIN, CHEAP_RUNS, EDIT_TARGET, JOBS, PANDOC_REQUIREMENT, PANDOC_TIMEOUT,
                     ROOT, TIMEOUT_BASE, BenchError, Samples, Setup, Stopwatch, build_cmd,
                     build_timeout, changed, log, pdf_times, run_timed)


def full_build(setup: Setup, samples: Samples) -> None:
    """(a) and (h): a forced full build with 2 jobs, its workers' memory sampled."""
    cmd = build_cmd(setup.project, "--jobs", str(JOBS), "--force")
    watch, monitor = run_timed(cmd, build_timeout(setup.count), sample_memory=True)
    samples.add("a", watch)
    built = len(pdf_times(setup.project))
    if built != setup.count:
        raise BenchError(f"full build left {built} PDFs, expected {setup.count}")
    samples.worker_peaks.append(max(monitor.worker_kb.values(), default=0) * 1024)
    samples.main_peaks.append(monitor.main_kb * 1024)
    samples.workers_seen.append(len(monitor.worker_kb))


@functools.lru_cache(maxsize=1)
def floor_renderer(stylesheet: str, paper: str):
    """This process's WeasyPrint, FontConfiguration and parsed stylesheets (made once)."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    sheets = [weasyprint.CSS(filename=stylesheet, font_config=fonts),
              weasyprint.CSS(string=f"@page {{ size: {paper}; }}", font_config=fonts)]
    return weasyprint, fonts, sheets


def floor_init(stylesheet: str, paper: str) -> None:
    """Pool initializer: load fonts and parse the stylesheet once per process."""
    floor_renderer(stylesheet, paper)


def floor_render(job: tuple[str, str, str, str, str]) -> None:
    """Render one print HTML to a PDF file with this process's renderer."""
    stylesheet, paper, html, base_url, target = job
    weasyprint, fonts, sheets = floor_renderer(stylesheet, paper)
    weasyprint.HTML(string=html, base_url=base_url).write_pdf(
        target, stylesheets=sheets, font_config=fonts)


def floor_jobs(setup: Setup) -> tuple[list[tuple], str, str]:
    """The print HTML Versus renders for every handout, as floor jobs."""
    from versus.content.files import discover
    from versus.content.handouts import load_handout
    from versus.render.pages import Pages
    from versus.render.theme import STYLESHEET, Theme
    from versus.settings import load_settings

    settings = load_settings(setup.project)
    pages = Pages(Theme.for_project(setup.project), settings)
    found, errors = discover(setup.project)
    if errors or len(found) != setup.count:
        raise BenchError(f"the corpus: {len(found)} handouts, {errors[:3]}")
    handouts = [load_handout(path, slug, settings) for slug, path in found]
    stylesheet = str(pages.theme.find(STYLESHEET))
    jobs = [(stylesheet, settings.paper, pages.handout(handout, "print"),
             handout.source.parent.as_uri() + "/",
             str(setup.floor_out / (handout.slug.replace("/", "--") + ".pdf")))
            for handout in handouts]
    return jobs, stylesheet, settings.paper


def floor(setup: Setup, samples: Samples) -> None:
    """(b): the same print HTML through WeasyPrint in Pool(2), process start included."""
    jobs, stylesheet, paper = floor_jobs(setup)
    shutil.rmtree(setup.floor_out, ignore_errors=True)
    setup.floor_out.mkdir(parents=True)
    with Stopwatch(include_self=True) as watch:
        pool = multiprocessing.get_context("spawn").Pool(
            JOBS, initializer=floor_init, initargs=(stylesheet, paper))
        try:
            for _ in pool.imap_unordered(floor_render, jobs, chunksize=1):
                pass
            pool.close()
            pool.join()
        finally:
            pool.terminate()
    samples.add("b", watch)
    written = len(list(setup.floor_out.glob("*.pdf")))
    if written != setup.count:
        raise BenchError(f"floor wrote {written} PDFs, expected {setup.count}")


def find_pandoc() -> tuple[str | None, str]:
    """The pandoc binary of ``pypandoc-binary`` (installed on demand), or why not."""
    try:
        metadata.version("pypandoc-binary")
    except metadata.PackageNotFoundError:
        print(f"installing {PANDOC_REQUIREMENT} into the venv ...", file=sys.stderr)
        result = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                                 PANDOC_REQUIREMENT], capture_output=True, text=True)
        if result.returncode != 0:
            return None, f"pip install failed: {result.stderr.strip()[-300:]}"
        importlib.invalidate_caches()
    try:
        import pypandoc

        return pypandoc.get_pandoc_path(), ""
    except (ImportError, OSError) as error:
        return None, f"pandoc not found: {error}"


def pandoc_env() -> dict[str, str]:
    """The environment with the venv's bin (and its ``weasyprint``) first on PATH."""
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def pandoc_one(pandoc: str, source: Path, target: Path, env: dict) -> None:
    """Convert one Markdown file to PDF with Pandoc and WeasyPrint."""
    run_timed([pandoc, str(source), "-o", str(target), "--pdf-engine=weasyprint"],
              PANDOC_TIMEOUT, env)


def peer(setup: Setup, samples: Samples) -> None:
    """(c): Pandoc on a subset of the Markdown files, 2 at a time, scaled to all."""
    sources = sorted((setup.project / "content").glob("*.md"))[:setup.pandoc_subset]
    shutil.rmtree(setup.pandoc_out, ignore_errors=True)
    setup.pandoc_out.mkdir(parents=True)
    env = pandoc_env()
    with Stopwatch() as watch:
        with concurrent.futures.ThreadPoolExecutor(JOBS) as pool:
            futures = [pool.submit(pandoc_one, setup.pandoc, source,
                                   setup.pandoc_out / (source.stem + ".pdf"), env)
                       for source in sources]
            for future in futures:
                future.result()
    samples.add("c_subset", watch)
    samples.add("c", watch, scale=setup.count / len(sources))


def no_op(setup: Setup, samples: Samples) -> None:
    """(d): a build right after a build, nothing to do."""
    before = pdf_times(setup.project)
    samples.add("d", run_timed(build_cmd(setup.project), build_timeout(setup.count))[0])
    samples.count_rewritten("d", changed(before, pdf_times(setup.project)))


def startup(samples: Samples) -> None:
    """(g): start Python and import the libraries Versus needs."""
    samples.add("g", run_timed([sys.executable, "-c",
                                "import click, jinja2, yaml, markdown"], TIMEOUT_BASE)[0])


def edit_one(setup: Setup, samples: Samples, number: int) -> None:
    """(e): append a sentence to one handout, then build; one PDF is rebuilt."""
    source = sorted((setup.project / "content").glob("*.md"))[EDIT_TARGET]
    with source.open("a", encoding="utf-8") as handle:
        handle.write(f"\nThis sentence was added by benchmark edit {number}.\n")
    before = pdf_times(setup.project)
    samples.add("e", run_timed(build_cmd(setup.project, "--jobs", str(JOBS)),
                               build_timeout(setup.count))[0])
    samples.count_rewritten("e", changed(before, pdf_times(setup.project)))


def single_full(setup: Setup, samples: Samples) -> None:
    """(e1): the forced full build of a project holding one handout."""
    samples.add("e1", run_timed(build_cmd(setup.single, "--jobs", str(JOBS), "--force"),
                                build_timeout(1))[0])


def edit_template(setup: Setup, samples: Samples) -> None:
    """(f): append a Jinja comment to the project's handout template, then build:
    no page changes, no PDF is rewritten."""
    template = setup.project / "templates" / "handout.html"
    with template.open("a", encoding="utf-8") as handle:
        handle.write("{# bench #}\n")
    before = pdf_times(setup.project)
    samples.add("f", run_timed(build_cmd(setup.project, "--jobs", str(JOBS)),
                               build_timeout(setup.count))[0])
    samples.count_rewritten("f", changed(before, pdf_times(setup.project)))


WEB_ONLY = '<meta property="og:type" content="article">'


def edit_web_only(setup: Setup, samples: Samples, number: int) -> None:
    """(f2): change what the handout template writes for the web page only, then
    build: every PDF is stale, its print HTML made again and found the same."""
    template = setup.project / "templates" / "handout.html"
    text = template.read_text(encoding="utf-8")
    text = re.sub(r'(?:<meta name="bench" content="\d+">)?' + re.escape(WEB_ONLY),
                  f'<meta name="bench" content="{number}">{WEB_ONLY}', text, count=1)
    template.write_text(text, encoding="utf-8")
    before = pdf_times(setup.project)
    samples.add("f2", run_timed(build_cmd(setup.project, "--jobs", str(JOBS)),
                                build_timeout(setup.count))[0])
    samples.count_rewritten("f2", changed(before, pdf_times(setup.project)))


def cluster_build(setup: Setup, samples: Samples) -> None:
    """(i): the forced full build, rendered on the Dask cluster."""
    cmd = build_cmd(setup.project, "--force", "--scheduler", setup.scheduler)
    samples.add("i", run_timed(cmd, build_timeout(setup.count))[0])
    if len(pdf_times(setup.project)) != setup.count:
        raise BenchError("the cluster build left PDFs missing")


def booklet(setup: Setup, samples: Samples) -> None:
    """(k): bind the booklet; its handout PDFs are up to date, so none is rendered."""
    (setup.project / "output" / "booklet.pdf").unlink(missing_ok=True)
    before = pdf_times(setup.project)
    cmd = [sys.executable, str(ROOT / "build.py"), "booklet", "--project",
           str(setup.project), "-q"]
    samples.add("k", run_timed(cmd, build_timeout(setup.count))[0])
    samples.count_rewritten("k", changed(before, pdf_times(setup.project)))


def tagging(samples: Samples, renders: int = 10) -> None:
    """(m0), (m1): the seed handout rendered in this process, untagged and tagged."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from versus.content.handouts import load_handout
    from versus.render.pages import Pages
    from versus.render.theme import STYLESHEET, Theme
    from versus.settings import load_settings

    settings = load_settings(ROOT)
    pages = Pages(Theme.for_project(ROOT), settings)
    seed = ROOT / "content" / "devops-vs-mlops.md"
    html = pages.handout(load_handout(seed, "devops-vs-mlops", settings), "print")
    fonts = FontConfiguration()
    css = weasyprint.CSS(filename=str(pages.theme.find(STYLESHEET)), font_config=fonts)
    document = functools.partial(weasyprint.HTML, string=html, base_url=str(ROOT))
    for _ in range(renders):
        for key, tags in (("m0", False), ("m1", True)):
            with Stopwatch(include_self=True) as watch:
                document().write_pdf(stylesheets=[css], font_config=fonts, pdf_tags=tags)
            samples.add(key, watch)


def latency(samples: Samples, saves: int = 15) -> None:
    """(j): save -> PDF under `build.py watch` (bench/latency.py)."""
    from latency import measure

    for seconds in measure(saves):
        samples.times.setdefault("j", []).append(seconds)
        samples.cpu.setdefault("j", []).append(float("nan"))


def run_round(setup: Setup, samples: Samples, number: int) -> None:
    """One round of every measure, interleaved so that noise hits them alike.

    (a) and (b) run back to back, in turns (b first in every other round); (d)
    follows the full build with nothing changed in the project in between.
    """
    steps = [("a", lambda: full_build(setup, samples)),
             ("b", lambda: floor(setup, samples))][::-1 if number % 2 else 1]
    steps += [("d", lambda: no_op(setup, samples)),
              ("g", lambda: startup(samples))] * CHEAP_RUNS
    for run in range(CHEAP_RUNS):
        steps += [("e", functools.partial(edit_one, setup, samples,
                                          number * CHEAP_RUNS + run)),
                  ("e1", lambda: single_full(setup, samples))]
    steps.append(("f", lambda: edit_template(setup, samples)))
    steps.append(("f2", lambda: edit_web_only(setup, samples, number)))
    steps.append(("k", lambda: booklet(setup, samples)))
    if setup.scheduler:
        steps.append(("i", lambda: cluster_build(setup, samples)))
    if setup.pandoc:
        steps.append(("c", lambda: peer(setup, samples)))
    for key, step in steps:
        step()
        log(f"  round {number + 1}: {key} {samples.times[key][-1]:.3f} s")


def start_cluster(stack: contextlib.ExitStack, samples: Samples) -> str | None:
    """A 2-worker Dask LocalCluster on 127.0.0.1 for (i); its address."""
    try:
        from distributed import LocalCluster
    except ImportError:
        samples.notes.append("(i) not measured: Dask is not installed")
        return None
    cluster = stack.enter_context(LocalCluster(
        n_workers=JOBS, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None))
    return cluster.scheduler_address
