"""WeasyPrint 70's multi-column layout, kept from dropping what follows balanced columns.

A multi-column box with a ``column-span: all`` child (the handout's body with its
level-2 headings across the columns) is laid out in runs: the columns before the
spanning element, the element, the columns after it. WeasyPrint 70 balances a
run of columns by growing their height a step at a time; a step that passes the
height left on the page is cut back to that height and ends the whole layout as
if the run overflowed. When the run does fit at that height, its columns finish
without a break, and the runs after it (a closing section's heading and text)
are neither laid out nor left for the next page: they vanish, with no error.

``install`` wraps that layout: when it reports the box finished but laid out
fewer runs than the box has, the box goes on from the first run left out, on the
next page, as WeasyPrint does when a spanning element does not fit. The wrapper
only ever adds a break; a layout that kept every run is returned untouched.
Only WeasyPrint 70 is wrapped, the version whose layout this describes (its
``layout/column.py`` still had the same steps in August 2026); whatever the
version, ``versus.pdf.textloss`` fails a handout whose PDF would miss text.
"""

from __future__ import annotations

import functools

FIXED_MAJOR = "70"
"""The WeasyPrint major version whose column layout the wrapper fixes."""


def install(weasyprint) -> bool:
    """Wrap the column layout of ``weasyprint`` (the package) if it is version 70;
    whether the wrapper is in place. Calling it again changes nothing."""
    from weasyprint.layout import block

    if weasyprint.__version__.split(".")[0] != FIXED_MAJOR:
        return False
    if not getattr(block.columns_layout, "keeps_runs", False):
        block.columns_layout = _keeping_runs(block.columns_layout)
    return True


def _keeping_runs(columns_layout):
    @functools.wraps(columns_layout)
    def layout(context, box, bottom_space, skip_stack, *args):
        result = columns_layout(context, box, bottom_space, skip_stack, *args)
        new_box, resume_at = result[0], result[1]
        if new_box is None or resume_at is not None:
            return result
        first = next(iter(skip_stack)) if skip_stack else 0
        starts = run_starts(box.children, first)
        done = runs_laid_out(new_box.children)
        if done >= len(starts):
            return result
        return (new_box, {starts[done]: None}, *result[2:])

    layout.keeps_runs = True
    return layout


def run_starts(children, first: int = 0) -> list[int]:
    """The index of each run from ``first`` on: a spanning child alone, or
    consecutive other children together (WeasyPrint's ``columns_and_blocks``)."""
    starts: list[int] = []
    spanning_before = True
    for index in range(first, len(children)):
        spans = children[index].style["column_span"] == "all"
        if spans or spanning_before:
            starts.append(index)
        spanning_before = spans
    return starts


def runs_laid_out(children) -> int:
    """How many runs a laid-out multi-column box holds: each spanning element is
    one, and so are the column boxes of one run, which follow each other."""
    count, column_before = 0, False
    for child in children:
        if not (child.is_column and column_before):
            count += 1
        column_before = child.is_column
    return count
