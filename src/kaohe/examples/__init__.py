"""Bundled example scenarios."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def demo_path() -> Path:
    """The example county of ``kaohe demo``: seed 004's cadre assessment."""
    return Path(str(resources.files(__package__).joinpath("county-2019.yaml")))
