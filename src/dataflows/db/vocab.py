"""The fixed vocabulary of labels and relationship types in Neo4j.

Cypher text may contain labels and relationship types only from here; values
always travel as ``$parameters``. Property keys appear in Cypher text only in
the loader's writes, and only through :func:`prop_key`, which admits
lower-case identifiers (the keys :mod:`dataflows.db.rows` makes from the
schema's field names) and refuses anything else. Every node of the live map
also carries :data:`MAP_LABEL`, so a load never touches other data in the same
database; while a load runs, the new map's nodes carry only
``DataflowsStaging`` and a label made from their schema labels
(``DataflowsStaging_Party_Agency`` …), and the replaced map's
``DataflowsRetired`` (see :mod:`dataflows.db.loader`).

==================  =============================================================
Neo4j               from the embedded graph
==================  =============================================================
``(:Party:Agency)`` ``agency`` nodes
``(:Party:System)`` ``system`` nodes
``(:DataCategory)`` ``data_category`` nodes
``(:Purpose)``      ``purpose`` nodes
``(:Group)``        ``group`` nodes
``(:Outcome)``      ``outcome`` nodes
``(:Source)``       registered source documents
``(:Jurisdiction)`` jurisdictions (``-[:WITHIN]->`` parent)
``(:Citation)``     one per distinct piece of evidence (source, locator, quote,
                    grade, confidence): ``-[:CITES]->(:Source)``; for a node,
                    figure or scope change it supports, ``-[:SUPPORTS {claim}]->``.
                    A flow (or other relationship) lists its evidence in
                    ``citation_ids`` with the parallel ``citation_claims``, and
                    its distinct source ids in ``sources``
``(:Figure)``       disproportionality figures ``-[:ABOUT]->(:Party)``
``(:ScopeChange)``  ``(:System)-[:SCOPE_CHANGE]->(:ScopeChange)``
``(:PurposeRule)``  compatibility rules ``-[:COLLECTED_FOR|USED_FOR]->(:Purpose)``
``(:MapInfo)``      one node: version, counts and checksum of the loaded map
``-[:FLOW]->``      flow edges between parties (property ``id`` = flow id)
``-[:OPERATES]->``  agency → system (``role``)
``-[:HOLDS]->``     system → data category (``purpose``)
``-[:INFLUENCES]->`` system → outcome
``-[:AFFECTS]->``   system → group (``how``)
``-[:BROADER]->``   category → broader category, purpose → broader purpose
==================  =============================================================
"""

from __future__ import annotations

import re
from enum import StrEnum

MAP_LABEL = "DataflowsMap"


class Label(StrEnum):
    """Node labels."""

    party = "Party"
    agency = "Agency"
    system = "System"
    data_category = "DataCategory"
    purpose = "Purpose"
    group = "Group"
    outcome = "Outcome"
    source = "Source"
    jurisdiction = "Jurisdiction"
    citation = "Citation"
    figure = "Figure"
    scope_change = "ScopeChange"
    purpose_rule = "PurposeRule"
    map_info = "MapInfo"


class Rel(StrEnum):
    """Relationship types."""

    flow = "FLOW"
    operates = "OPERATES"
    holds = "HOLDS"
    influences = "INFLUENCES"
    affects = "AFFECTS"
    broader = "BROADER"
    within = "WITHIN"
    in_jurisdiction = "IN_JURISDICTION"
    cites = "CITES"
    supports = "SUPPORTS"
    about = "ABOUT"
    scope_change = "SCOPE_CHANGE"
    collected_for = "COLLECTED_FOR"
    used_for = "USED_FOR"


#: Graph node kind → labels (first is the unique-id label used for lookups).
NODE_LABELS: dict[str, tuple[Label, ...]] = {
    "agency": (Label.party, Label.agency),
    "system": (Label.party, Label.system),
    "data_category": (Label.data_category,),
    "purpose": (Label.purpose,),
    "group": (Label.group,),
    "outcome": (Label.outcome,),
}

#: Graph edge kind → relationship type.
EDGE_TYPES: dict[str, Rel] = {
    "flow": Rel.flow,
    "operates": Rel.operates,
    "holds": Rel.holds,
    "influences": Rel.influences,
    "affects": Rel.affects,
    "broader": Rel.broader,
}

#: Labels whose ``id`` is unique (one constraint each).
UNIQUE_LABELS: tuple[Label, ...] = (
    Label.party, Label.data_category, Label.purpose, Label.group, Label.outcome, Label.source,
    Label.jurisdiction, Label.citation, Label.figure, Label.scope_change, Label.purpose_rule, Label.map_info,
)


def labels(*items: Label) -> str:
    """``:A:B`` for labels from the vocabulary (and only those)."""
    for item in items:
        if not isinstance(item, Label):
            raise TypeError(f"{item!r} is not a label of the schema")
    return "".join(f":`{item.value}`" for item in items)


def rel(item: Rel) -> str:
    """``:TYPE`` for a relationship type from the vocabulary (and only those)."""
    if not isinstance(item, Rel):
        raise TypeError(f"{item!r} is not a relationship type of the schema")
    return f":`{item.value}`"


_PROP_KEY = re.compile(r"[a-z][a-z0-9_]*")


def prop_key(key: str) -> str:
    """The key in backticks, for a property key that is a lower-case identifier (and only those)."""
    if not isinstance(key, str) or not _PROP_KEY.fullmatch(key):
        raise ValueError(f"{key!r} is not a property key the loader writes (lower-case letters, digits and _)")
    return f"`{key}`"
