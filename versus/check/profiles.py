"""Item profiles in ``check``: each profile read (unknown keys, bad cells), a name
two profiles claim, and a profile no handout names."""

from __future__ import annotations

from pathlib import Path

from ..content.files import CONTENT_DIR
from ..content.handouts import Handout, read_text
from ..content.items import load_profiles
from ..content.lint import ERROR, WARNING, Finding
from ..errors import ContentError

PROFILE = "item-profile"
UNUSED = "unused-profile"


def profile_findings(project: Path, handouts: list[Handout]) -> list[Finding]:
    """What is wrong with the profiles of ``project``, the ``handouts`` being
    every handout that loads."""
    profiles = load_profiles(project / CONTENT_DIR, read_text)
    findings = [Finding(ERROR, PROFILE, error) for error in profiles.errors]
    used = {profile.slug for handout in handouts for profile in handout.used_profiles}
    for slug, profile in profiles.by_slug.items():
        if slug not in used:
            findings.append(Finding(WARNING, UNUSED, ContentError(
                f"no handout names '{profile.name}'"
                + (f" (nor {', '.join(profile.aliases)})" if profile.aliases else ""),
                profile.path, 1, 1)))
    return findings
