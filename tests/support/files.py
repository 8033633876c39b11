"""Small helpers shared by the test modules."""

from __future__ import annotations

from pathlib import Path


def load_all(project: Path, settings, drafts: bool = False) -> tuple[list, list]:
    """Every handout of ``project`` loaded: the good ones (drafts only if asked), and
    the errors of the others."""
    from versus.content.files import discover
    from versus.content.handouts import load_handout
    from versus.errors import Problems

    found, errors = discover(project)
    handouts = []
    for slug, path in found:
        try:
            handout = load_handout(path, slug, settings)
        except Problems as problems:
            errors.extend(problems.errors)
            continue
        if drafts or not handout.draft:
            handouts.append(handout)
    return handouts, errors


def two_items(a: str, b: str, body: str) -> str:
    """A handout comparing ``a`` and ``b`` on one attribute, then ``body``."""
    return (f"---\nitems: [{a}, {b}]\nattributes:\n  Focus:\n    {a}: one\n"
            f"    {b}: two\n---\n{body}")


def write(root: Path, relative: str, data: str | bytes) -> Path:
    """Write ``data`` to ``root/relative``, creating folders on the way."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


class StubExecutor:
    """Makes every web page as a stub, in this process: a big build state, made
    fast (the tests and bench/scale.py)."""

    remote = False

    def map(self, fn, jobs, limit=None):
        from versus.build.jobs import Output

        for job in jobs:
            yield Output(job.target, f"<p>{job.handout.slug}</p>\n")

    def close(self) -> None:
        pass


def hears_ctrl_c() -> None:
    """A child's ``preexec_fn``: Ctrl-C (SIGINT) acted on, as in a terminal, even when
    the tests run in a shell's background job, whose children inherit it ignored
    (and Python then keeps it ignored)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)
