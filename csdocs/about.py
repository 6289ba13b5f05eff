"""What csdocs says about itself: its version and project addresses, read from the installed metadata.

pyproject.toml is the one place they are written (``version``, ``[project.urls]``);
this module reads them back through :mod:`importlib.metadata`, so reports that
name the tool (SARIF's ``tool.driver``) can never drift from the package. When
the metadata cannot be read (csdocs imported from a bare source tree), the
version is ``"0+unknown"`` and there are no addresses.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from importlib import metadata
from types import MappingProxyType

DISTRIBUTION = "csdocs"


@lru_cache(maxsize=1)
def version() -> str:
    """The installed version of csdocs, e.g. ``"0.1.0"``."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "0+unknown"


@lru_cache(maxsize=1)
def project_urls() -> Mapping[str, str]:
    """``[project.urls]`` as label -> address (``{"Homepage": "https://...", "Lint rules": ...}``)."""
    try:
        entries = metadata.metadata(DISTRIBUTION).get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        entries = []
    urls = {}
    for entry in entries:
        label, _, url = entry.partition(",")
        urls[label.strip()] = url.strip()
    return MappingProxyType(urls)
