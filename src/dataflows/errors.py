"""Exceptions raised by the library.

The library raises; only the command line turns these into messages and exit
codes (see :mod:`dataflows.cli`). Every exception carries enough context for a
one-line message that says what is wrong, where, and how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class DataflowsError(Exception):
    """Root of every error the library raises on purpose."""

    #: Exit code the command line uses for this kind of error.
    exit_code: int = 1


@dataclass(frozen=True, order=True)
class Problem:
    """One problem found in the dataset, located precisely.

    Problems sort by file, line, record and field, so a report reads top to
    bottom through each file.
    """

    file: str
    """Path of the data file, relative to the dataset folder."""
    line: int
    """1-based line in the file (0 when the problem concerns the whole file)."""
    record: str
    """The record's id, or its position such as ``#3`` when it has no id."""
    field: str
    """Dotted path of the field inside the record (empty for the record itself)."""
    message: str
    """What is wrong."""
    hint: str = ""
    """How to fix it."""
    code: str = "invalid"
    """Short machine-readable kind of problem, e.g. ``unknown-field``."""

    def format(self) -> str:
        """Render as ``file:line: record field: message (hint)``."""
        where = f"{self.file}:{self.line}" if self.line else self.file
        what = " ".join(part for part in (self.record, self.field) if part)
        text = f"{where}: {what}: {self.message}" if what else f"{where}: {self.message}"
        return f"{text} — {self.hint}" if self.hint else text

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready mapping of the problem."""
        return {
            "file": self.file,
            "line": self.line,
            "record": self.record,
            "field": self.field,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
        }


@dataclass
class ValidationFailed(DataflowsError):
    """The dataset has one or more problems; all of them are listed."""

    problems: list[Problem] = field(default_factory=list)
    exit_code: int = 2

    def __str__(self) -> str:
        n = len(self.problems)
        return f"{n} problem{'s' if n != 1 else ''} in the dataset"


class DatasetNotFound(DataflowsError):
    """The dataset folder does not exist or holds no data files."""

    exit_code = 2


class SettingsError(DataflowsError):
    """A setting (environment variable or option) has an unusable value."""

    exit_code = 2


class UnknownName(DataflowsError):
    """A name (party, query, view …) that the caller gave does not exist."""

    exit_code = 2


class OutputError(DataflowsError):
    """Output could not be written."""

    exit_code = 1
