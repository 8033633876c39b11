#!/usr/bin/env python3
"""Versus build entry point: ``python build.py COMMAND`` (see ``--help``).

Run by a Python that lacks Versus's dependencies, it starts again with the
checkout's ``.venv`` when there is one (``make venv`` makes it), or says how to
make it, in one line.
"""

import os
import sys
from pathlib import Path

try:
    from versus.cli.main import main
except ModuleNotFoundError as error:
    venv = Path(__file__).resolve().parent / ".venv"
    python = venv / "bin" / "python"
    if python.exists() and Path(sys.prefix).resolve() != venv.resolve():
        os.execv(python, [str(python), __file__, *sys.argv[1:]])
    sys.exit(f"build.py: this Python lacks '{error.name}'; set up once with 'make venv', "
             "then run '.venv/bin/python build.py …' (or 'make pdf').")

if __name__ == "__main__":
    main()
