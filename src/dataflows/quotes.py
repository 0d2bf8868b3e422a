"""Check that quoted evidence appears verbatim in its source text.

Only two things are folded before comparing, because they change in copying
without changing a word: runs of white space (line breaks in PDFs and web
pages) and the shape of quote marks (curly against straight). Case, spelling,
punctuation and ellipses are compared as they are.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
    }
)
_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """Fold white space and quote marks; keep everything else as it is."""
    text = unicodedata.normalize("NFC", text).translate(_QUOTES)
    return _SPACE.sub(" ", text).strip()


class SourceTexts:
    """The local copies of source documents, folded once for fast lookups."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._folded: dict[str, str | None] = {}

    @property
    def available(self) -> bool:
        """Whether the folder exists."""
        return self.folder is not None and self.folder.is_dir()

    def text(self, file_name: str) -> str | None:
        """The folded text of *file_name*, or ``None`` when there is no copy."""
        if file_name not in self._folded:
            path = self.folder / file_name if self.folder is not None else None
            if path is not None and path.is_file():
                self._folded[file_name] = fold(path.read_text(encoding="utf-8"))
            else:
                self._folded[file_name] = None
        return self._folded[file_name]

    def contains(self, file_name: str, quote: str) -> bool | None:
        """``True``/``False`` whether the quote is in the text; ``None`` if no copy."""
        text = self.text(file_name)
        if text is None:
            return None
        return fold(quote) in text
