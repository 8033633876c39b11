"""Japanese and Chinese paragraphs set justified between their characters, with their
line-breaking rules: every line but a paragraph's last ends at the measure's end, and
no line starts with closing punctuation."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

PARAGRAPHS = {
    "ja": ("本文", "終わり",
           "東京は政治と経済の中心であり、大阪は商人の町として発展してきました。"
           "大阪の人々はユーモアを大切にすると言われ、食べ物の文化も豊かです。"
           "東京では寿司やもんじゃ焼きが、大阪ではたこ焼きやお好み焼きが有名で、"
           "どちらの町にも多くの旅行者が訪れます。鉄道の便もよく、新幹線で二時間半ほどで"
           "行き来できます。「食い倒れ」という言葉は大阪の食文化をよく表しています。"),
    "zh": ("正文", "结语",
           "茶起源于中国，已有数千年的历史，而咖啡则起源于埃塞俄比亚（Ethiopia），后来经由也门（Yemen）传遍世界。"
           "今天，两种饮料在世界各地都有大量的爱好者，它们各自形成了独特的文化与礼仪。"
           "喝茶讲究水温、器具与时间，喝咖啡则讲究烘焙、研磨与冲泡的方法。"
           "无论是早晨的一杯咖啡，还是午后的一壶清茶，都能让人放松心情。"),
}
CLOSING = "、。，．：；？！）」』】〕〉》”’ぁぃぅぇぉっゃゅょァィゥェォッャュョー"
"""Characters a line never starts with (JIS X 4051's line-start prohibitions)."""


def lines(pdf: Path) -> list[tuple[float, float, float, str]]:
    """(xMin, yMin, xMax, text) of each line of page 1, in points from the top."""
    html = subprocess.run(["pdftotext", "-bbox-layout", "-f", "1", "-l", "1", str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout
    found = []
    for attributes, body in re.findall(r"<line ([^>]*)>(.*?)</line>", html, re.DOTALL):
        box = dict(re.findall(r'(\w+)="([\d.]+)"', attributes))
        found.append((float(box["xMin"]), float(box["yMin"]), float(box["xMax"]),
                      "".join(re.findall(r">([^<]*)</word>", body))))
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory, build) -> Path:
    project = tmp_path_factory.mktemp("cjk-justify")
    (project / "content").mkdir()
    for lang, (heading, closing, text) in PARAGRAPHS.items():
        (project / "content" / f"{lang}-page.md").write_text(
            f"---\ntitle: Justified\nlang: {lang}\nitems: [A, B]\nattributes:\n"
            f"  X: {{A: '1', B: '2'}}\n---\n{closing}。\n\n## {heading}\n\n{text}\n\n"
            f"## {closing}\n\n{closing}。\n", encoding="utf-8")
    build(project, "pdf")
    return project / "output" / "pdf"


@pytest.mark.parametrize("lang", sorted(PARAGRAPHS))
def test_every_line_but_the_last_reaches_the_measure(built, lang):
    heading, closing, text = PARAGRAPHS[lang]
    found = lines(built / f"{lang}-page.pdf")
    start = next(index for index, line in enumerate(found) if line[3] == heading)
    end = next(index for index, line in enumerate(found)
               if index > start and line[3] == closing)
    paragraph = found[start + 1:end]
    assert "".join(line[3] for line in paragraph) == text
    assert len(paragraph) >= 3
    measure = max(x1 for _, _, x1, _ in paragraph)
    ends = [round(measure - x1, 1) for _, _, x1, _ in paragraph[:-1]]
    assert max(ends) < 1.5, ends  # justified: not ragged by a character or more
    assert paragraph[-1][2] < measure - 5  # the last line keeps its natural length
    assert not [line[3] for line in paragraph if line[3][0] in CLOSING]
