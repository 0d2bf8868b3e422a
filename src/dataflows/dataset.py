"""Load the data files, validate every record, and check them against each other.

Loading happens in two passes, as in any register with cross-references:

1. each file is parsed (with line numbers) and each record validated against
   its model in :mod:`dataflows.schema`;
2. the whole set is checked: duplicate ids, references to records that do not
   exist, citations of unregistered sources, quotes that do not appear in the
   source text, cycles in the category and purpose hierarchies.

Every problem of both passes is collected and raised together in one
:class:`~dataflows.errors.ValidationFailed`, so a person fixes them all in one
round.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from . import schema as s
from .errors import DatasetNotFound, Problem, ValidationFailed
from .quotes import SourceTexts
from .yamlsrc import Path_, YamlDocument, YamlSyntaxError, parse

_SINGULAR = {
    "sources": "source", "jurisdictions": "jurisdiction", "agencies": "agency", "systems": "system",
    "data_categories": "data category", "purposes": "purpose", "groups": "group", "outcomes": "outcome",
    "flows": "flow", "figures": "figure", "purpose_rules": "purpose rule",
}

#: Sections whose ids share one namespace (they become nodes or edges).
GRAPH_SECTIONS = (
    "agencies",
    "systems",
    "data_categories",
    "purposes",
    "groups",
    "outcomes",
    "flows",
    "figures",
)


@dataclass(frozen=True)
class Location:
    """Where a record stands: its file and the lines of its fields."""

    file: str
    index: int
    doc: YamlDocument = field(compare=False, repr=False)

    @property
    def line(self) -> int:
        """Line where the record starts."""
        return self.doc.line_of((self.index,))

    def line_of(self, fields: Path_) -> int:
        """Line of a field inside the record."""
        return self.doc.line_of((self.index, *fields))


@dataclass
class Dataset:
    """A validated map: records by section, each with its location."""

    root: Path
    records: dict[str, list[Any]]
    locations: dict[tuple[str, str], Location]
    quote_checks: dict[str, int] = field(default_factory=dict)
    """Counts of quotes ``checked``, and ``unchecked`` (no local copy)."""

    def section(self, name: str) -> list[Any]:
        """Records of one section, in file order."""
        return self.records.get(name, [])

    @property
    def sources(self) -> dict[str, s.Source]:
        """Registered sources by id."""
        return {r.id: r for r in self.section("sources")}

    def by_id(self, section: str) -> dict[str, Any]:
        """Records of *section* by id."""
        return {r.id: r for r in self.section(section)}


# --------------------------------------------------------------------------
# Pass 1: files and records
# --------------------------------------------------------------------------


def data_files(root: Path) -> Iterator[tuple[str, Path]]:
    """Every ``(section, path)`` of YAML data under *root*, in a stable order."""
    for section in s.SECTIONS:
        folder = root / section
        if folder.is_dir():
            for path in sorted(folder.rglob("*.y*ml")):
                if path.suffix in (".yaml", ".yml") and path.is_file():
                    yield section, path


def _record_label(raw: Any, index: int) -> str:
    if isinstance(raw, dict) and isinstance(raw.get("id"), str) and raw["id"].strip():
        return str(raw["id"]).strip()
    return f"#{index + 1}"


def _field_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _allowed_fields(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    """The field names allowed at *loc* inside *model* (for unknown-field hints)."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int) or current is None:
            continue
        fld = None
        for name, info in current.model_fields.items():
            if part in (name, info.alias):
                fld = info
                break
        if fld is None:
            return []
        current = _model_in(fld.annotation)
    if current is None:
        return []
    return sorted(info.alias or name for name, info in current.model_fields.items())


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _describe(err: dict[str, Any], model: type[BaseModel]) -> tuple[str, str, str]:
    """Turn one pydantic error into (code, message, hint)."""
    kind = err["type"]
    loc = tuple(err["loc"])
    name = str(loc[-1]) if loc else ""
    given = err.get("input")
    if kind == "extra_forbidden":
        allowed = _allowed_fields(model, loc)
        hint = "remove it or fix its spelling"
        if allowed:
            hint += f"; allowed here: {', '.join(allowed)}"
        return "unknown-field", f"unknown field '{name}'", hint
    if kind == "missing":
        if name == "citations":
            return (
                "no-citation",
                "has no citations",
                "add at least one citation with source, locator, quote and confidence",
            )
        return "missing-field", f"required field '{name}' is missing", f"add '{name}:'"
    if kind == "too_short" and name == "citations":
        return (
            "no-citation",
            "has no citations",
            "add at least one citation with source, locator, quote and confidence",
        )
    if kind == "enum":
        expected = err.get("ctx", {}).get("expected", "")
        return "bad-value", f"{given!r} is not allowed", f"use one of {expected}"
    if kind == "string_pattern_mismatch":
        if err.get("ctx", {}).get("pattern") == s.SLUG_PATTERN:
            return (
                "bad-id",
                f"{given!r} is not a valid id",
                "use lower-case letters, digits and single hyphens, e.g. 'home-office'",
            )
        return "bad-value", f"{given!r} has the wrong form", str(err.get("msg"))
    if kind == "value_error":
        message = str(err.get("ctx", {}).get("error", err.get("msg")))
        if "before it starts" in message:
            return "bad-date", message, "swap start and end, or correct one of them"
        if "date" in message:
            return "bad-date", message, "write dates as \"YYYY\", \"YYYY-MM\" or \"YYYY-MM-DD\""
        if "needs at least one citation" in message:
            return ("no-citation", message,
                    "add a citation for it, or set its status to unknown if the sources do not say")
        if "needs a text" in message:
            return "missing-field", message, "add 'text:' saying what the sources say"
        return "invalid", message, "correct the value"
    if kind in {"string_type", "list_type", "dict_type", "model_type", "bool_type", "float_type",
                "float_parsing", "int_type", "bool_parsing"}:
        return (
            "wrong-type",
            f"{err['msg'].lower()}; got {type(given).__name__} {given!r}",
            "change the value to the expected type",
        )
    return "invalid", str(err.get("msg")), "correct the value"


def _validate_records(
    section: str,
    rel: str,
    doc: YamlDocument,
    problems: list[Problem],
    failed: list[tuple[int, dict[str, Any]]] | None = None,
) -> list[tuple[int, Any]]:
    model = s.SECTIONS[section]
    for path, line in doc.duplicate_keys:
        problems.append(
            Problem(rel, line, _record_label(None, int(path[0])) if path and isinstance(path[0], int) else "",
                    _field_path(path[1:]), f"key '{path[-1]}' appears twice", "keep one of them",
                    "duplicate-key")
        )
    if doc.data is None:
        return []
    if not isinstance(doc.data, list):
        problems.append(
            Problem(rel, doc.line_of(()), "", "", "the file must be a YAML list of records",
                    "start each record with '- ' at the left margin", "not-a-list")
        )
        return []
    good: list[tuple[int, Any]] = []
    for index, raw in enumerate(doc.data):
        label = _record_label(raw, index)
        if not isinstance(raw, dict):
            problems.append(
                Problem(rel, doc.line_of((index,)), label, "", "a record must be a mapping of fields",
                        "write 'field: value' lines under the '- '", "not-a-record")
            )
            continue
        try:
            good.append((index, model.model_validate(raw)))
        except ValidationError as exc:
            if failed is not None:
                failed.append((index, raw))
            for err in exc.errors():
                loc = tuple(err["loc"])
                code, message, hint = _describe(dict(err), model)
                problems.append(
                    Problem(rel, doc.line_of((index, *loc)), label, _field_path(loc), message, hint, code)
                )
    return good


# --------------------------------------------------------------------------
# Pass 2: the records against each other
# --------------------------------------------------------------------------


@dataclass
class _Ref:
    """A reference from a record field to ids in some sections."""

    fields: Path_
    value: str
    targets: tuple[str, ...]
    allow_unknown: bool = False


def _refs(section: str, rec: Any) -> Iterator[_Ref]:
    """Every cross-reference a record makes (citations excepted)."""
    nodes_party = ("agencies", "systems")
    if section == "jurisdictions" and rec.parent:
        yield _Ref(("parent",), rec.parent, ("jurisdictions",))
    if section == "sources" and rec.cited_in:
        yield _Ref(("cited_in",), rec.cited_in, ("sources",))
    if section in ("agencies", "systems", "figures") or (section == "flows" and rec.jurisdiction):
        yield _Ref(("jurisdiction",), rec.jurisdiction, ("jurisdictions",))
    if section in ("data_categories", "purposes") and rec.parent:
        yield _Ref(("parent",), rec.parent, (section,))
    if section == "systems":
        for i, op in enumerate(rec.operators):
            yield _Ref(("operators", i, "party"), op.party, ("agencies",))
        for i, h in enumerate(rec.holds):
            for j, c in enumerate(h.categories):
                yield _Ref(("holds", i, "categories", j), c, ("data_categories",))
            yield _Ref(("holds", i, "purpose"), h.purpose, ("purposes",), allow_unknown=True)
            for j, g in enumerate(h.subjects):
                yield _Ref(("holds", i, "subjects", j), g, ("groups",))
        for i, inf in enumerate(rec.influences):
            yield _Ref(("influences", i, "outcome"), inf.outcome, ("outcomes",))
            if inf.via:
                yield _Ref(("influences", i, "via"), inf.via, ("agencies",))
        for i, a in enumerate(rec.affects):
            yield _Ref(("affects", i, "group"), a.group, ("groups",))
        for i, ch in enumerate(rec.scope_changes):
            for attr, target in (("categories", "data_categories"), ("subjects", "groups"),
                                 ("users", "agencies"), ("purposes", "purposes")):
                for j, v in enumerate(getattr(ch, attr)):
                    yield _Ref(("scope_changes", i, attr, j), v, (target,))
    if section == "flows":
        yield _Ref(("from",), rec.source, nodes_party)
        yield _Ref(("to",), rec.target, nodes_party)
        for j, c in enumerate(rec.categories):
            yield _Ref(("categories", j), c, ("data_categories",))
        yield _Ref(("purpose",), rec.purpose, ("purposes",), allow_unknown=True)
        if rec.collected_for:
            yield _Ref(("collected_for",), rec.collected_for, ("purposes",), allow_unknown=True)
    if section == "figures":
        yield _Ref(("subject",), rec.subject, nodes_party)
        if rec.area:
            yield _Ref(("area",), rec.area, ("agencies",))
        for attr in ("group", "comparator"):
            if getattr(rec, attr):
                yield _Ref((attr,), getattr(rec, attr), ("groups",))
    if section == "purpose_rules":
        yield _Ref(("collected_for",), rec.collected_for, ("purposes",))
        yield _Ref(("used_for",), rec.used_for, ("purposes",))


def iter_citations(rec: BaseModel, path: Path_ = ()) -> Iterator[tuple[Path_, s.Citation]]:
    """Every citation inside a record, with its field path."""
    for name in type(rec).model_fields:
        value = getattr(rec, name)
        alias = type(rec).model_fields[name].alias or name
        if isinstance(value, s.Citation):
            yield (*path, alias), value
        elif isinstance(value, BaseModel):
            yield from iter_citations(value, (*path, alias))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, s.Citation):
                    yield (*path, alias, i), item
                elif isinstance(item, BaseModel):
                    yield from iter_citations(item, (*path, alias, i))


#: Reference fields checked on records that failed schema validation, so that
#: one mistake in a record does not hide its other mistakes.
_RAW_REFS: dict[str, dict[str, tuple[str, ...]]] = {
    "jurisdictions": {"parent": ("jurisdictions",)},
    "sources": {"cited_in": ("sources",)},
    "agencies": {"jurisdiction": ("jurisdictions",)},
    "systems": {"jurisdiction": ("jurisdictions",)},
    "data_categories": {"parent": ("data_categories",)},
    "purposes": {"parent": ("purposes",)},
    "flows": {"from": ("agencies", "systems"), "to": ("agencies", "systems"), "purpose": ("purposes",),
              "collected_for": ("purposes",), "jurisdiction": ("jurisdictions",)},
    "figures": {"subject": ("agencies", "systems"), "area": ("agencies",), "jurisdiction": ("jurisdictions",),
                "group": ("groups",), "comparator": ("groups",)},
    "purpose_rules": {"collected_for": ("purposes",), "used_for": ("purposes",)},
}


@dataclass(frozen=True)
class _Raw:
    """A record that failed schema validation: its raw fields, for pass 2."""

    id: str | None
    data: dict[str, Any]


def _raw_refs(section: str, raw: _Raw) -> Iterator[_Ref]:
    for name, targets in _RAW_REFS.get(section, {}).items():
        value = raw.data.get(name)
        if isinstance(value, str) and value.strip():
            yield _Ref((name,), value.strip(), targets, allow_unknown=name in ("purpose", "collected_for"))


def _raw_citations(data: Any, path: Path_ = ()) -> Iterator[tuple[Path_, s.Citation]]:
    """Citations that are well-formed inside a record that is not."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "citations" and isinstance(value, list):
                for i, item in enumerate(value):
                    try:
                        yield (*path, key, i), s.Citation.model_validate(item)
                    except ValidationError:
                        continue
            else:
                yield from _raw_citations(value, (*path, key))
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from _raw_citations(item, (*path, i))


def _a_or_an(words: str) -> str:
    return ("an " if words[:1] in "aeiou" else "a ") + words


def _cross_check(
    records: dict[str, list[tuple[Location, Any]]],
    failed: dict[str, list[tuple[Location, _Raw]]],
    texts: SourceTexts,
    problems: list[Problem],
) -> dict[str, int]:
    def problem(loc: Location, rec: Any, fields: Path_, message: str, hint: str, code: str) -> None:
        label = getattr(rec, "id", None) or f"#{loc.index + 1}"
        problems.append(Problem(loc.file, loc.line_of(fields), label, _field_path(fields), message, hint, code))

    everything: dict[str, list[tuple[Location, Any]]] = {
        sec: [*records.get(sec, []), *failed.get(sec, [])] for sec in s.SECTIONS
    }

    # Duplicate ids, per namespace.
    ids: dict[str, dict[str, str]] = {}
    namespaces = {sec: "graph" if sec in GRAPH_SECTIONS else sec for sec in s.SECTIONS}
    seen: dict[tuple[str, str], Location] = {}
    for section, items in everything.items():
        ns = namespaces[section]
        for loc, rec in sorted(items, key=lambda item: (item[0].file, item[0].index)):
            if not isinstance(rec.id, str):
                continue
            key = (ns, rec.id)
            if key in seen:
                first = seen[key]
                problem(loc, rec, ("id",), f"id '{rec.id}' is already used",
                        f"first used at {first.file}:{first.line}; give this record another id",
                        "duplicate-id")
            else:
                seen[key] = loc
                ids.setdefault(section, {})[rec.id] = section

    # References.
    for section, items in everything.items():
        for loc, rec in items:
            refs = _raw_refs(section, rec) if isinstance(rec, _Raw) else _refs(section, rec)
            for ref in refs:
                if ref.allow_unknown and ref.value == s.UNKNOWN:
                    continue
                if not any(ref.value in ids.get(t, {}) for t in ref.targets):
                    names = " or ".join(_SINGULAR[t] for t in ref.targets)
                    hint = f"add {_a_or_an(names)} record with id '{ref.value}' or fix the reference"
                    if ref.allow_unknown:
                        hint += " (write 'unknown' when the sources do not say)"
                    problem(loc, rec, ref.fields, f"'{ref.value}' does not exist", hint, "dangling-reference")

    # Hierarchy cycles.
    for section in ("data_categories", "purposes", "jurisdictions"):
        parents = {rec.id: rec.parent for _, rec in records.get(section, [])}
        for loc, rec in records.get(section, []):
            walk, node = set(), rec.id
            while node is not None and node in parents:
                if node in walk:
                    problem(loc, rec, ("parent",), "the parent chain loops back to itself",
                            "point 'parent' at a broader record", "cycle")
                    break
                walk.add(node)
                node = parents[node]

    # Citations: registered source, quote present in the source text.
    sources = {rec.id: rec for _, rec in records.get("sources", [])}
    counts = {"checked": 0, "unchecked": 0}
    for items in everything.values():
        for loc, rec in items:
            cits = _raw_citations(rec.data) if isinstance(rec, _Raw) else iter_citations(rec)
            for fields, cit in cits:
                src = sources.get(cit.source)
                if src is None:
                    problem(loc, rec, (*fields, "source"), f"source '{cit.source}' is not registered",
                            "register it in graph_data/sources/ or use a registered source id",
                            "unregistered-source")
                    continue
                file_name = src.file
                if file_name is None and src.cited_in and src.cited_in in sources:
                    file_name = None  # a cited public document: no local text to check against
                found = texts.contains(file_name, cit.quote) if file_name else None
                if found is None:
                    counts["unchecked"] += 1
                elif found:
                    counts["checked"] += 1
                else:
                    problem(loc, rec, (*fields, "quote"),
                            f"the quote does not appear in {file_name}",
                            "copy the passage verbatim from the source (only white space and quote marks may differ)",
                            "quote-not-found")
    return counts


# --------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------


def load(root: Path, sources_dir: Path | None = None, *, require_texts: bool = False) -> Dataset:
    """Load and validate the dataset in *root*.

    Parameters
    ----------
    root
        The data folder (``graph_data/``).
    sources_dir
        Folder holding the source texts named by ``sources/*.yaml`` ``file``
        fields. Quotes are checked against them when given.
    require_texts
        When true, a seed source whose text is missing is a problem (CI uses
        this so that quote checks can never be silently skipped).

    Returns
    -------
    Dataset
        The validated records.

    Raises
    ------
    DatasetNotFound
        If *root* is not a folder or holds no data files.
    ValidationFailed
        With every problem found, sorted by file and line.
    """
    if not root.is_dir():
        raise DatasetNotFound(f"dataset folder {root} does not exist")
    files = list(data_files(root))
    if not files:
        raise DatasetNotFound(
            f"no data files in {root}: expected YAML files in sub-folders such as agencies/ or flows/"
        )
    problems: list[Problem] = []
    records: dict[str, list[tuple[Location, Any]]] = {}
    failed_raw: dict[str, list[tuple[Location, _Raw]]] = {}
    for section, path in files:
        rel = path.relative_to(root).as_posix()
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            problems.append(Problem(rel, 0, "", "", f"the file is not UTF-8 text ({exc.reason})",
                                    "save it as UTF-8", "encoding"))
            continue
        try:
            doc = parse(text)
        except YamlSyntaxError as exc:
            problems.append(Problem(rel, exc.line, "", "", exc.message,
                                    "fix the indentation or quoting on or just before this line",
                                    "yaml-syntax"))
            continue
        failed: list[tuple[int, dict[str, Any]]] = []
        for index, rec in _validate_records(section, rel, doc, problems, failed):
            records.setdefault(section, []).append((Location(rel, index, doc), rec))
        for index, raw in failed:
            raw_id = raw.get("id")
            failed_raw.setdefault(section, []).append(
                (Location(rel, index, doc), _Raw(raw_id.strip() if isinstance(raw_id, str) else None, raw))
            )

    texts = SourceTexts(sources_dir)
    if require_texts:
        for loc, src in records.get("sources", []):
            if src.file and texts.text(src.file) is None:
                problems.append(Problem(loc.file, loc.line_of(("file",)), src.id, "file",
                                        f"source text {src.file} not found in {sources_dir}",
                                        "set DATAFLOWS_SOURCES_DIR (or --sources-dir) to the folder of source texts",
                                        "source-text-missing"))
    counts = _cross_check(records, failed_raw, texts, problems)
    if problems:
        raise ValidationFailed(sorted(set(problems)))
    return Dataset(
        root=root,
        records={sec: [rec for _, rec in items] for sec, items in records.items()},
        locations={(sec, rec.id): loc for sec, items in records.items() for loc, rec in items},
        quote_checks=counts,
    )
