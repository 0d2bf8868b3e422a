"""Write the main job's output: all of it, or nothing.

Files are first written into a temporary folder beside the output folder; only
when every file is written does the temporary folder replace the old output.
A failure half-way leaves the previous output as it was.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from .errors import OutputError


def refuse_foreign(out: Path, ours: Callable[[Path], bool], what: str) -> None:
    """Refuse to replace *out* when it holds anything *ours* does not recognise.

    Writing replaces the whole folder, so a folder of someone's own files given as the output by mistake
    (``--out .``, ``--out ~/Documents``) would otherwise be deleted with them.

    Raises
    ------
    OutputError
        Naming the folder and up to three of the entries that are not ours; nothing is written or removed.
    """
    if not out.is_dir():
        return
    foreign = sorted(p.name for p in out.iterdir() if not ours(p))
    if foreign:
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        raise OutputError(f"{out} holds files that are not {what} ({shown}); it would be replaced as a whole, "
                          "so choose a new or empty --out")


def write_atomically(out: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` to fill a fresh folder, then swap it in as *out*.

    Raises
    ------
    OutputError
        If the folder cannot be created or replaced. The old *out* is kept.
    """
    out = out.resolve()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    except OSError as exc:
        raise OutputError(f"cannot write to {out.parent}: {exc.strerror}") from None
    try:
        write(tmp)
        if out.exists() and not out.is_dir():
            raise OutputError(f"{out} exists and is not a folder; choose another --out")
        old = out.with_name(f".{out.name}.old")
        if old.exists():
            shutil.rmtree(old)
        if out.exists():
            out.rename(old)
        tmp.rename(out)
        if old.exists():
            shutil.rmtree(old)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise OutputError(f"cannot write {out}: {exc.strerror or exc}") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
