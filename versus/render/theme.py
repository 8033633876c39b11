"""The theme: the folders its Jinja templates and static files are looked up in,
the project's own ``templates/`` first, then the default theme (``versus/theme``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import TemplateError

STATIC_DIR = "static"
STYLESHEET = f"{STATIC_DIR}/versus.css"
HANDOUT_TEMPLATE = "handout.html"
INDEX_TEMPLATE = "index.html"
TAG_TEMPLATE = "tag.html"
ITEM_TEMPLATE = "item.html"
BOOKLET_TEMPLATE = "booklet.html"


def default_theme() -> Path:
    """The theme shipped with Versus, the data package ``versus/theme``."""
    return Path(__file__).resolve().parent.parent / "theme"


@dataclass(frozen=True)
class Theme:
    """The folders templates and static files are looked up in, first match wins."""

    dirs: tuple[Path, ...]

    @classmethod
    def for_project(cls, project: Path) -> Theme:
        """The project's ``templates/`` (if any) in front of the default theme."""
        dirs = []
        for candidate in (project / "templates", default_theme()):
            candidate = candidate.resolve()
            if candidate.is_dir() and candidate not in dirs:
                dirs.append(candidate)
        return cls(tuple(dirs))

    def find(self, name: str) -> Path:
        """The file ``name`` from the first folder that has it."""
        for folder in self.dirs:
            candidate = folder / name
            if candidate.is_file():
                return candidate
        raise TemplateError(f"theme file '{name}' not found in "
                            f"{', '.join(map(str, self.dirs))}")

    def static_files(self) -> dict[str, Path]:
        """Every static file by its path below ``static/``, overrides applied."""
        files: dict[str, Path] = {}
        for folder in reversed(self.dirs):
            root = folder / STATIC_DIR
            if root.is_dir():
                for path in sorted(root.rglob("*")):
                    if path.is_file():
                        files[path.relative_to(root).as_posix()] = path
        return dict(sorted(files.items()))
