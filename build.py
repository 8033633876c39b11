#!/usr/bin/env python3
"""Versus build entry point: ``python build.py COMMAND`` (see ``--help``)."""

from versus.cli import main

if __name__ == "__main__":
    main()
