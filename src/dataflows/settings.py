"""Settings, from the environment, with defaults relative to the working folder.

| variable | meaning | default |
|---|---|---|
| ``DATAFLOWS_DATA_DIR`` | the dataset folder | ``./graph_data`` |
| ``DATAFLOWS_SOURCES_DIR`` | source texts for quote checks | ``../shared/seeds`` beside the checkout |
| ``DATAFLOWS_OUT_DIR`` | where the main job writes | ``./build`` |

Command-line options override the environment.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_DATA_DIR = "DATAFLOWS_DATA_DIR"
ENV_SOURCES_DIR = "DATAFLOWS_SOURCES_DIR"
ENV_OUT_DIR = "DATAFLOWS_OUT_DIR"


def data_dir(override: Path | None = None) -> Path:
    """The dataset folder."""
    if override is not None:
        return override
    return Path(os.environ.get(ENV_DATA_DIR) or "graph_data")


def sources_dir(data: Path, override: Path | None = None) -> Path | None:
    """The folder of source texts, or ``None`` when none is set or found.

    The default looks for ``shared/seeds`` beside the checkout that holds the
    dataset (``<data>/../../shared/seeds``), which is where the project's
    source documents live for its developers and CI.
    """
    if override is not None:
        return override
    env = os.environ.get(ENV_SOURCES_DIR)
    if env:
        return Path(env)
    candidate = data.resolve().parent.parent / "shared" / "seeds"
    return candidate if candidate.is_dir() else None


def out_dir(override: Path | None = None) -> Path:
    """Where the main job writes its output."""
    if override is not None:
        return override
    return Path(os.environ.get(ENV_OUT_DIR) or "build")
