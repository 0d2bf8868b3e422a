"""Read YAML while remembering the line of every value.

Validation errors must name the line a person has to edit. PyYAML's composer
keeps a mark on every node; this module builds plain Python data from the
node tree and, beside it, a map from each value's path (``(3, "citations", 0,
"quote")``) to its 1-based line. Duplicate keys, which PyYAML would silently
overwrite, are reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Path_ = tuple[int | str, ...]


@dataclass
class YamlDocument:
    """Parsed data plus where each value stands in the file."""

    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    duplicate_keys: list[tuple[Path_, int]] = field(default_factory=list)

    def line_of(self, path: Path_) -> int:
        """Line of *path*, or of its nearest ancestor that has one."""
        probe = tuple(path)
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return self.lines.get((), 1)


class YamlSyntaxError(Exception):
    """The file is not valid YAML."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def parse(text: str) -> YamlDocument:
    """Parse one YAML document and record the line of every value.

    Raises
    ------
    YamlSyntaxError
        When the text is not valid YAML, with the line of the fault.
    """
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        doc = YamlDocument(data=None)
        if node is not None:
            doc.data = _build(loader, node, (), doc)
        return doc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        problem = exc.problem or str(exc)
        context = f" ({exc.context})" if exc.context else ""
        raise YamlSyntaxError(f"YAML syntax error: {problem}{context}", line) from None
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML raises marked errors
        raise YamlSyntaxError(f"YAML syntax error: {exc}", 0) from None
    finally:
        loader.dispose()


def _build(loader: yaml.SafeLoader, node: yaml.Node, path: Path_, doc: YamlDocument) -> Any:
    doc.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                key = str(key)
            child = (*path, key)
            if key in out:
                doc.duplicate_keys.append((child, key_node.start_mark.line + 1))
            out[key] = _build(loader, value_node, child, doc)
            # A mapping value's line is the key's line: that is where people look.
            doc.lines[child] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, (*path, i), doc) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)
