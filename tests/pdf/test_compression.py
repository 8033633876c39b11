"""The PDF's streams compressed at zlib's level 6 (versus.pdf.compression).

A rendered handout's Flate streams are read back with pikepdf: each holds
exactly what zlib gives at level 6 for its decoded bytes, and at least one of
them differs from what level 9 (pydyf's own) gives, so the test tells the two
apart. A pydyf whose stream code is not the one checked is left alone.
"""

from __future__ import annotations

import io
import types
import zlib

import pikepdf
import pydyf

from conftest import REPO
from versus.pdf import compression
from versus.pdf.renderer import PdfJob, render_job

SEED = REPO / "content" / "devops-vs-mlops.md"


def flate_streams(pdf: bytes) -> list[tuple[bytes, bytes]]:
    """(stored bytes, decoded bytes) of every FlateDecode stream of ``pdf``."""
    streams = []
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for obj in document.objects:
            if isinstance(obj, pikepdf.Stream) and obj.get("/Filter") == "/FlateDecode":
                streams.append((obj.read_raw_bytes(), obj.read_bytes()))
    return streams


def seed_pdf(tmp_path) -> bytes:
    from versus.build.making import render_context
    from versus.content.handouts import load_handout
    from versus.render.pages import Pages
    from versus.render.theme import Theme
    from versus.security.sandbox import base_url
    from versus.settings import Settings

    (tmp_path / "content").mkdir()
    source = tmp_path / "content" / SEED.name
    source.write_bytes(SEED.read_bytes())
    settings, theme = Settings(), Theme.for_project(tmp_path)
    html = Pages(theme, settings).handout(load_handout(source, source.stem, settings),
                                          "print")
    stylesheet, roots = render_context(tmp_path, theme)
    result = render_job(PdfJob(slug=source.stem, source=str(source), html=html,
                               base_url=base_url(tmp_path, source.parent),
                               paper=settings.paper, stylesheet=stylesheet, roots=roots))
    assert result.error is None, str(result.error)
    return result.pdf


def test_a_handouts_streams_are_compressed_at_level_6(tmp_path):
    streams = flate_streams(seed_pdf(tmp_path))
    assert len(streams) >= 5  # the pages' content, the fonts, the structure
    for stored, decoded in streams:
        assert zlib.decompress(stored) == decoded
        assert stored == zlib.compress(decoded, compression.LEVEL)
    assert any(stored != zlib.compress(decoded, 9) for stored, decoded in streams)


def test_installing_twice_changes_nothing():
    assert compression.install(pydyf) is True
    first = pydyf.zlib
    assert compression.install(pydyf) is True
    assert pydyf.zlib is first
    assert pydyf.zlib.compress is zlib.compress  # the rest of zlib as it was


def test_a_pydyf_with_other_stream_code_is_left_alone():
    class Stream:
        @property
        def data(self):
            return zlib.compressobj(level=1)

    other = types.SimpleNamespace(zlib=zlib, Stream=Stream)
    assert compression.install(other) is False
    assert other.zlib is zlib
    assert compression.install(types.SimpleNamespace(zlib=zlib)) is False
    assert other.zlib is zlib
