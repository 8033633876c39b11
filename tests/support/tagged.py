"""Reading a tagged PDF's structure for the tests: elements, marked content, pdfua."""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf

MARKED = re.compile(rb"/(\w+)\s*<<[^>]*/MCID (\d+)[^>]*>>\s*BDC")


def elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element reachable from the structure tree root, depth first."""
    found, pending, seen = [], [pdf.Root.StructTreeRoot], set()
    while pending:
        node = pending.pop()
        if not isinstance(node, pikepdf.Dictionary) or node.get("/Type") in ("/MCR",
                                                                           "/OBJR"):
            continue
        if node.is_indirect and node.objgen in seen:
            continue
        seen.add(node.objgen)
        if "/S" in node:
            found.append(node)
        kids = node.get("/K")
        if isinstance(kids, pikepdf.Array):
            pending.extend(reversed(list(kids)))
        elif isinstance(kids, pikepdf.Dictionary):
            pending.append(kids)
    return found


def parent_tree(pdf: pikepdf.Pdf) -> dict[int, object]:
    found, pending = {}, [pdf.Root.StructTreeRoot.ParentTree]
    while pending:
        node = pending.pop()
        nums = node.get("/Nums", pikepdf.Array())
        for index in range(0, len(nums), 2):
            found[int(nums[index])] = nums[index + 1]
        pending.extend(node.get("/Kids", pikepdf.Array()))
    return found


def unreachable_content(pdf: pikepdf.Pdf) -> list[str]:
    """Marked content (page, MCID) whose element is not in the structure tree."""
    reachable = {element.objgen for element in elements(pdf)}
    tree, problems = parent_tree(pdf), []
    for number, page in enumerate(pdf.pages, start=1):
        page.contents_coalesce()
        mcids = [int(m.group(2)) for m in MARKED.finditer(page.obj.Contents.read_bytes())]
        if not mcids:
            continue
        if "/StructParents" not in page.obj:
            problems.append(f"page {number}: marked content but no /StructParents")
            continue
        entry = tree.get(int(page.obj.StructParents))
        for mcid in mcids:
            element = entry[mcid] if isinstance(entry, pikepdf.Array) and \
                mcid < len(entry) else None
            if not isinstance(element, pikepdf.Dictionary) or \
                    element.objgen not in reachable:
                problems.append(f"page {number}: MCID {mcid} reaches no element")
    return problems


def pdfua_problems(path: Path) -> list[str]:
    """The errors, and the findings of the table rules (UA-15), that pdfua reports."""
    from pdfua import Severity, validate

    report = validate(str(path))
    return [f"{f.rule_id} {f.severity.name}: {f.message}" for f in report.findings
            if f.severity >= Severity.ERROR or f.rule_id.startswith("UA-15")]


def qpdf_check(path: Path) -> str:
    """What ``qpdf --check`` says when it finds a problem; empty when it finds none."""
    import subprocess

    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True,
                            text=True, check=False)
    return "" if result.returncode == 0 else result.stdout + result.stderr
