"""What every command shares: options, error handling, output formats."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from ..errors import DataflowsError, ValidationFailed
from ..jsontext import dumps

# No markup: what is printed holds the map's own text (a quote's "[…]", an IPv6 address, a path), which rich
# would otherwise read as its styling tags and, on a stray "[/…]", fail on. No emoji either: rich would turn
# a ":name:" in that text (":warning:", ":cat:") into a picture.
out = Console(highlight=False, soft_wrap=True, markup=False, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)


class Format(StrEnum):
    """Output formats."""

    text = "text"
    json = "json"


DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", "-d", help="Dataset folder. [env: DATAFLOWS_DATA_DIR; default: ./graph_data]",
                 show_default=False),
]
SourcesDir = Annotated[
    Path | None,
    typer.Option("--sources-dir", help="Folder of source texts for quote checks. "
                 "[env: DATAFLOWS_SOURCES_DIR; default: ../shared/seeds beside the checkout]",
                 show_default=False),
]
Strict = Annotated[
    bool,
    typer.Option("--strict", help="Fail when a source text is missing, instead of leaving its quotes unchecked."),
]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
AsOf = Annotated[
    str | None,
    typer.Option("--as-of", help="Only what was in force on this date (YYYY-MM-DD).", show_default=False),
]


def parse_day(value: str | None) -> dt.date | None:
    """Parse an --as-of value, or exit with a clear message."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        err.print(f"error: --as-of {value!r} is not a date — write it as YYYY-MM-DD, e.g. 2021-08-01")
        raise typer.Exit(2) from None


def print_json(data: Any) -> None:
    """Write JSON to standard output, deterministic."""
    sys.stdout.write(dumps(data))


@contextmanager
def handled(fmt: Format = Format.text) -> Iterator[None]:
    """Turn library errors into one clear message each and a non-zero exit."""
    try:
        yield
    except ValidationFailed as exc:
        if fmt == Format.json:
            print_json({"ok": False, "problems": [p.as_dict() for p in exc.problems]})
        else:
            for p in exc.problems:
                err.print(p.format(), markup=False)
            err.print(f"{exc}; nothing was written. Fix them and run again.", markup=False)
        raise typer.Exit(exc.exit_code) from None
    except DataflowsError as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        err.print("interrupted; nothing was written.")
        raise typer.Exit(130) from None


def _on_terminal(*columns: ProgressColumn, show: bool) -> Progress:
    """A progress display on standard error, only when that is a terminal and *show*; gone when done."""
    return Progress(*columns, console=err, transient=True, disable=not show or not err.is_terminal)


def progress_bar(fmt: Format) -> Progress:
    """A progress bar of work with a known total (a load, a check), for text output only."""
    return _on_terminal(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        show=fmt != Format.json)


@contextmanager
def waiting(what: str, *, show: bool = True) -> Iterator[Callable[[int], None]]:
    """While a request to the server runs: *what* is being done and for how long, on standard error.

    Shown only when standard error is a terminal and *show* (off for JSON output, as the load's
    progress bar is), and gone when done, so nothing of it reaches a file or a pipe. Yields a function
    to call with the number of rows read so far, which the line then shows.
    """
    progress = _on_terminal(SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.fields[rows]}"),
                            TimeElapsedColumn(), show=show)
    with progress:
        task = progress.add_task(what, total=None, rows="")

        def rows_read(n: int) -> None:
            progress.update(task, rows=f"{n:,} row{'s' if n != 1 else ''} read")

        yield rows_read
