"""The schema of the map: every record kind, in one place.

The data files in ``graph_data/`` are YAML lists of these records, one folder
per section (``graph_data/agencies/*.yaml`` holds :class:`Agency` records, and
so on; see :data:`SECTIONS`). Models are strict: unknown fields are rejected,
strings are stripped, ids are slugs and every kind is an enum.

Three rules run through the whole schema:

* **Provenance is not optional.** Every node and every flow carries at least
  one :class:`Citation`: a registered source, a locator and a verbatim quote.
* **Unknown is a value.** Legal basis, firewalls, safeguards and the five
  transparency-register fields are never left blank: they are ``unknown``
  until a source says otherwise, and a *known* value must cite its source.
* **Time is explicit.** Dates may be partial (``2021``, ``2021-08``,
  ``2021-08-15``); their precision is kept.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
DATE_PATTERN = r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$"

#: An identifier: lower-case letters, digits and single hyphens.
Slug = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=SLUG_PATTERN, max_length=120),
]
#: A non-empty line of text.
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

#: The reserved reference meaning "the sources do not say".
UNKNOWN = "unknown"


class _Model(BaseModel):
    """Base for every record: strict, stripped, no unknown fields."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        use_enum_values=False,
        validate_default=True,
    )


# --------------------------------------------------------------------------
# Vocabularies
# --------------------------------------------------------------------------


class EvidenceType(StrEnum):
    """The grade of a piece of evidence, strongest kinds first."""

    court_ruling = "court_ruling"
    regulator_finding = "regulator_finding"
    foi_response = "foi_response"
    official_document = "official_document"
    ngo_report = "ngo_report"
    news_report = "news_report"


class Confidence(StrEnum):
    """How sure the claim is, given the evidence quoted.

    ``high``: the quote states the claim directly. ``medium``: the claim is a
    close reading of the quote (e.g. a party implied by a role). ``low``: the
    source reports an allegation or a claim it does not confirm.
    """

    high = "high"
    medium = "medium"
    low = "low"


class Sector(StrEnum):
    """What kind of body an agency is."""

    police = "police"
    prosecution = "prosecution"
    courts = "courts"
    prison = "prison"
    probation = "probation"
    welfare = "welfare"
    local_government = "local_government"
    health = "health"
    education = "education"
    housing = "housing"
    labour_inspection = "labour_inspection"
    victim_support = "victim_support"
    immigration_enforcement = "immigration_enforcement"
    border_agency = "border_agency"
    asylum_authority = "asylum_authority"
    government_department = "government_department"
    legislature = "legislature"
    intergovernmental = "intergovernmental"
    regulator = "regulator"
    humanitarian = "humanitarian"
    private_company = "private_company"
    foreign_authority = "foreign_authority"
    military = "military"
    civil_society = "civil_society"
    unspecified = "unspecified"


class SystemKind(StrEnum):
    """What a system is. A system may be several kinds at once."""

    database = "database"
    biometric_database = "biometric_database"
    biometric_matcher = "biometric_matcher"
    facial_recognition = "facial_recognition"
    predictive_model = "predictive_model"
    risk_assessment = "risk_assessment"
    profiling_tool = "profiling_tool"
    analytics_platform = "analytics_platform"
    decision_algorithm = "decision_algorithm"
    mobile_app = "mobile_app"
    monitoring_device = "monitoring_device"
    sensor_network = "sensor_network"
    surveillance_platform = "surveillance_platform"
    data_extraction_tool = "data_extraction_tool"
    emotion_recognition = "emotion_recognition"
    information_system = "information_system"
    interoperability_framework = "interoperability_framework"
    watchlist = "watchlist"
    other = "other"


class Mechanism(StrEnum):
    """How data moves along a flow (the "flow kind")."""

    bulk_sharing = "bulk_sharing"
    on_the_spot_lookup = "on_the_spot_lookup"
    query_access = "query_access"
    feed_into_model = "feed_into_model"
    report = "report"
    referral = "referral"
    disclosure = "disclosure"
    collection = "collection"
    real_time_alert = "real_time_alert"
    system_integration = "system_integration"
    unknown = "unknown"


class Status(StrEnum):
    """Where a system or flow stands in its life."""

    proposed = "proposed"
    pilot = "pilot"
    active = "active"
    discontinued = "discontinued"
    ruled_unlawful = "ruled_unlawful"
    unknown = "unknown"


class Presence(StrEnum):
    """Whether a barrier (firewall) exists on a flow."""

    present = "present"
    absent = "absent"
    unknown = "unknown"


class YesNoUnknown(StrEnum):
    """Whether a safeguard exists."""

    yes = "yes"
    no = "no"
    unknown = "unknown"


class Knowledge(StrEnum):
    """How much the sources say about a transparency-register field."""

    known = "known"
    partial = "partial"
    unknown = "unknown"


class LegalBasisStatus(StrEnum):
    """What is known about the legal basis of a flow."""

    stated = "stated"
    disputed = "disputed"
    ruled_unlawful = "ruled_unlawful"
    unknown = "unknown"


class Role(StrEnum):
    """How an agency stands to a system."""

    operator = "operator"
    user = "user"
    developer = "developer"
    supplier = "supplier"
    funder = "funder"
    owner = "owner"


class ScopeDimension(StrEnum):
    """What grew when a system's scope changed."""

    data_categories = "data_categories"
    subjects = "subjects"
    users = "users"
    purposes = "purposes"
    geography = "geography"


class Measure(StrEnum):
    """The unit of a disproportionality figure."""

    rate_per_10000 = "rate_per_10000"
    percent = "percent"
    ratio = "ratio"
    count_ = "count"  # trailing underscore: str.count is a method


# --------------------------------------------------------------------------
# Building blocks
# --------------------------------------------------------------------------


class PartialDate(str):
    """A date whose precision is kept: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""

    _RE: ClassVar[re.Pattern[str]] = re.compile(DATE_PATTERN)

    @property
    def precision(self) -> str:
        """``year``, ``month`` or ``day``."""
        return {4: "year", 7: "month", 10: "day"}[len(self)]

    def earliest(self) -> dt.date:
        """The first day the partial date may mean."""
        parts = [int(p) for p in self.split("-")]
        return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)

    def latest(self) -> dt.date:
        """The last day the partial date may mean."""
        parts = [int(p) for p in self.split("-")]
        if len(parts) == 3:
            return dt.date(*parts)
        if len(parts) == 2:
            nxt = dt.date(parts[0] + (parts[1] == 12), parts[1] % 12 + 1, 1)
            return nxt - dt.timedelta(days=1)
        return dt.date(parts[0], 12, 31)

    @classmethod
    def parse(cls, value: Any) -> PartialDate:
        """Check a value and return it as a :class:`PartialDate`."""
        if isinstance(value, dt.date):
            return cls(value.isoformat())
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not cls._RE.match(value.strip()):
            raise ValueError(
                "a date must be written YYYY, YYYY-MM or YYYY-MM-DD (quote it in YAML)"
            )
        text = value.strip()
        candidate = cls(text)
        try:
            candidate.earliest()
        except ValueError as exc:
            raise ValueError(f"{text!r} is not a real date ({exc})") from None
        return candidate

    @classmethod
    def __get_pydantic_core_schema__(cls, _source: Any, _handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_plain_validator_function(
            cls.parse,
            json_schema_input_schema=core_schema.str_schema(pattern=DATE_PATTERN),
            serialization=core_schema.plain_serializer_function_ser_schema(str),
        )


class Period(_Model):
    """When something was in force. Either end may be unknown (omitted)."""

    start: PartialDate | None = Field(
        default=None, description="First date in force; omit when the sources do not say."
    )
    end: PartialDate | None = Field(
        default=None, description="Last date in force; omit while ongoing or unknown."
    )
    note: Text | None = Field(default=None, description="What the sources say about the dates.")

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.start and self.end and self.end.latest() < self.start.earliest():
            raise ValueError(f"the period ends ({self.end}) before it starts ({self.start})")
        return self

    def covers(self, day: dt.date) -> bool:
        """Whether *day* may fall in the period (unknown ends are open)."""
        if self.start is not None and day < self.start.earliest():
            return False
        return not (self.end is not None and day > self.end.latest())


class Citation(_Model):
    """One piece of evidence for a claim."""

    source: Slug = Field(description="Id of a registered source (see sources/).")
    locator: Text = Field(
        description="Where in the source: section heading, paragraph, bullet, endnote or page."
    )
    quote: Text = Field(
        description=(
            "A short passage copied verbatim from the source text. Checked against the "
            "local copy when there is one (white space and quote marks are folded)."
        ),
        max_length=1200,
    )
    evidence_type: EvidenceType | None = Field(
        default=None,
        description="Grade of this evidence; defaults to the source's own evidence_type.",
    )
    confidence: Confidence = Field(description="How sure the claim is, given this quote.")
    note: Text | None = Field(default=None, description="A curator's remark on this citation.")


Citations = Annotated[list[Citation], Field(min_length=1)]


class _Cited(_Model):
    """A record that must carry at least one citation."""

    citations: Citations = Field(description="Evidence for this record: at least one citation.")


class Finding(_Model):
    """A safeguard's state (yes / no / unknown), with what the sources say."""

    status: YesNoUnknown = Field(description="yes, no, or unknown when the sources do not say.")
    note: Text | None = Field(default=None, description="What the sources say, in a sentence.")
    citations: list[Citation] = Field(default_factory=list, description="Required unless the status is unknown.")

    @model_validator(mode="after")
    def _cited_when_known(self) -> Finding:
        if self.status != YesNoUnknown.unknown and not self.citations:
            raise ValueError(f"a '{self.status.value}' finding needs at least one citation")
        return self


def _unknown_finding() -> Finding:
    return Finding(status=YesNoUnknown.unknown)


class Firewall(_Model):
    """Whether a barrier stops data on a flow from reaching the recipient freely."""

    status: Presence = Field(description="present, absent, or unknown.")
    note: Text | None = Field(default=None, description="What the barrier is, or why it is absent.")
    citations: list[Citation] = Field(default_factory=list, description="Required unless the status is unknown.")

    @model_validator(mode="after")
    def _cited_when_known(self) -> Firewall:
        if self.status != Presence.unknown and not self.citations:
            raise ValueError(f"a firewall marked '{self.status.value}' needs at least one citation")
        return self


class LegalBasis(_Model):
    """The legal basis a flow rests on, or that none is known."""

    status: LegalBasisStatus = Field(description="stated, disputed, ruled_unlawful or unknown.")
    text: Text | None = Field(default=None, description="The law or instrument, as the source names it.")
    citations: list[Citation] = Field(default_factory=list, description="Required unless the status is unknown.")

    @model_validator(mode="after")
    def _cited_when_known(self) -> LegalBasis:
        if self.status != LegalBasisStatus.unknown and not self.citations:
            raise ValueError(f"a legal basis marked '{self.status.value}' needs at least one citation")
        return self


class RegisterField(_Model):
    """One field of the transparency register Amnesty asks for (seed 000)."""

    status: Knowledge = Field(description="known, partial, or unknown.")
    text: Text | None = Field(default=None, description="What the sources say.")
    citations: list[Citation] = Field(default_factory=list, description="Required unless the status is unknown.")

    @model_validator(mode="after")
    def _cited_when_known(self) -> RegisterField:
        if self.status != Knowledge.unknown and not self.citations:
            raise ValueError(f"a register field marked '{self.status.value}' needs at least one citation")
        if self.status != Knowledge.unknown and not self.text:
            raise ValueError(f"a register field marked '{self.status.value}' needs a text")
        return self


def _unknown_register() -> RegisterField:
    return RegisterField(status=Knowledge.unknown)


class Register(_Model):
    """The five transparency-register fields of a system."""

    purpose: RegisterField = Field(
        default_factory=_unknown_register, description="What the intended purpose of the system is."
    )
    operation: RegisterField = Field(
        default_factory=_unknown_register,
        description="How the system is operated in practice, including a standard operating procedure.",
    )
    data_types: RegisterField = Field(
        default_factory=_unknown_register,
        description="All data types that the system uses, including the sources of that data.",
    )
    decisions: RegisterField = Field(
        default_factory=_unknown_register,
        description="What decisions or outcomes the system influences.",
    )
    reviews: RegisterField = Field(
        default_factory=_unknown_register, description="Any internal reviews or evaluations."
    )


class SystemSafeguards(_Model):
    """Safeguards around a system. Each is unknown until a source says."""

    dpia: Finding = Field(default_factory=_unknown_finding, description="A data protection impact assessment.")
    eia: Finding = Field(default_factory=_unknown_finding, description="An equality impact assessment.")
    operating_procedure: Finding = Field(
        default_factory=_unknown_finding, description="A published standard operating procedure."
    )
    independent_review: Finding = Field(
        default_factory=_unknown_finding, description="An independent review, audit or oversight."
    )
    public_consultation: Finding = Field(
        default_factory=_unknown_finding, description="Consultation with the public or affected communities."
    )


class FlowSafeguards(_Model):
    """Safeguards on a flow. Each is unknown until a source says."""

    sharing_agreement: Finding = Field(
        default_factory=_unknown_finding,
        description="An information-sharing agreement governing the purpose and use of the data.",
    )
    dpia: Finding = Field(default_factory=_unknown_finding, description="A DPIA covering the sharing.")
    proportionality: Finding = Field(
        default_factory=_unknown_finding,
        description="Sharing limited to what is needed (e.g. distinguishing high and low risk).",
    )


# --------------------------------------------------------------------------
# Records: nodes
# --------------------------------------------------------------------------


class Source(_Model):
    """A source document that citations may name.

    Seeds (the documents in ``shared/seeds``) have a ``file``; a public
    document a seed cites names that seed in ``cited_in``.
    """

    id: Slug = Field(description="Identifier used in citations.")
    title: Text = Field(description="Title of the document.")
    publisher: Text = Field(description="Who published it.")
    date: PartialDate | None = Field(default=None, description="Publication date, as precise as known.")
    evidence_type: EvidenceType = Field(description="The default grade of evidence it gives.")
    file: Text | None = Field(
        default=None, description="File name of its text in the sources folder (seeds), if any."
    )
    url: Text | None = Field(default=None, description="Where the public can read it.")
    reference: Text | None = Field(default=None, description="Index number, FOI reference or UN symbol.")
    cited_in: Slug | None = Field(
        default=None, description="For a document known through a seed: the seed source that cites it."
    )
    description: Text | None = Field(default=None, description="What the document is.")


class Jurisdiction(_Model):
    """A legal territory. Reference vocabulary, not a claim: no citations."""

    id: Slug = Field(description="Identifier.")
    name: Text = Field(description="Name.")
    parent: Slug | None = Field(default=None, description="The jurisdiction this one lies within.")


class Agency(_Cited):
    """A public body, company or organisation that sends, receives or runs data."""

    id: Slug = Field(description="Identifier.")
    name: Text = Field(description="Name as the sources give it.")
    aliases: list[Text] = Field(default_factory=list, description="Other names the sources use.")
    sector: Sector = Field(description="What kind of body it is.")
    jurisdiction: Slug = Field(description="Jurisdiction id (see jurisdictions/).")
    description: Text | None = Field(default=None, description="One sentence on what it does here.")


class Operator(_Cited):
    """An agency's role towards a system."""

    party: Slug = Field(description="Agency id.")
    role: Role = Field(description="operator, user, developer, supplier, funder or owner.")
    period: Period | None = Field(default=None, description="When, if the sources say.")


class Holding(_Cited):
    """Data categories a system holds, and for what purpose."""

    categories: Annotated[list[Slug], Field(min_length=1)] = Field(description="Data category ids.")
    purpose: Slug = Field(description="Purpose id, or 'unknown'.")
    subjects: list[Slug] = Field(default_factory=list, description="Affected-group ids whose data it is.")


class Influence(_Cited):
    """A decision or outcome a system influences."""

    outcome: Slug = Field(description="Outcome id.")
    via: Slug | None = Field(default=None, description="The agency whose decision it is, if stated.")


class Affects(_Cited):
    """A group a system affects, and how."""

    group: Slug = Field(description="Affected-group id.")
    how: Text = Field(description="How the group is affected, in the sources' terms.")


class ScopeChange(_Cited):
    """A dated change of a system's scope (function creep over time)."""

    date: PartialDate | None = Field(description="When (proposal, agreement or entry into force).")
    dimension: ScopeDimension = Field(description="What grew: data_categories, subjects, users, purposes, geography.")
    status: Status = Field(description="proposed, pilot, active … as of the source.")
    description: Text = Field(description="The change, in a sentence.")
    categories: list[Slug] = Field(default_factory=list, description="New data category ids, if any.")
    subjects: list[Slug] = Field(default_factory=list, description="New affected-group ids, if any.")
    users: list[Slug] = Field(default_factory=list, description="New user agency ids, if any.")
    purposes: list[Slug] = Field(default_factory=list, description="New purpose ids, if any.")


class System(_Cited):
    """A database, model, matcher, app, device or network that holds or processes data."""

    id: Slug = Field(description="Identifier.")
    name: Text = Field(description="Name as the sources give it.")
    aliases: list[Text] = Field(default_factory=list, description="Other names the sources use.")
    kinds: Annotated[list[SystemKind], Field(min_length=1)] = Field(description="What it is.")
    jurisdiction: Slug = Field(description="Jurisdiction id.")
    status: Status = Field(description="proposed, pilot, active, discontinued, ruled_unlawful or unknown.")
    period: Period | None = Field(default=None, description="When in use, if the sources say.")
    description: Text | None = Field(default=None, description="One or two sentences.")
    operators: list[Operator] = Field(default_factory=list, description="Who runs, uses, builds or funds it.")
    holds: list[Holding] = Field(default_factory=list, description="Data it holds and for what purpose.")
    influences: list[Influence] = Field(default_factory=list, description="Decisions or outcomes it influences.")
    affects: list[Affects] = Field(default_factory=list, description="Groups it affects.")
    scope_changes: list[ScopeChange] = Field(default_factory=list, description="Dated growth in scope.")
    transparency: Register = Field(
        default_factory=Register, description="The five transparency-register fields (seed 000)."
    )
    safeguards: SystemSafeguards = Field(
        default_factory=SystemSafeguards, description="DPIA, EIA, operating procedure, review, consultation."
    )


class DataCategory(_Cited):
    """A kind of personal data. Categories form a hierarchy through ``parent``."""

    id: Slug = Field(description="Identifier.")
    name: Text = Field(description="Name.")
    parent: Slug | None = Field(default=None, description="The broader category.")
    special: bool = Field(
        default=False, description="Special-category or sensitive data (biometric, health, ethnicity …)."
    )
    description: Text | None = Field(default=None, description="What it covers.")


class Purpose(_Cited):
    """A purpose data is collected or used for. Purposes form a hierarchy."""

    id: Slug = Field(description="Identifier.")
    name: Text = Field(description="Name.")
    parent: Slug | None = Field(default=None, description="The broader purpose.")
    description: Text | None = Field(default=None, description="What it covers.")


class Group(_Cited):
    """A group of people affected by a system or flow."""

    id: Slug = Field(description="Identifier.")
    name: Text = Field(description="Name as the sources give it.")
    description: Text | None = Field(default=None, description="Who they are.")


class Outcome(_Cited):
    """A decision or outcome that a system influences (arrest, detention, sentencing …)."""

    id: Slug = Field(description="Identifier.")
    name: Text = Field(description="Name.")
    description: Text | None = Field(default=None, description="What it is.")


# --------------------------------------------------------------------------
# Records: edges
# --------------------------------------------------------------------------


class Flow(_Cited):
    """A directed transfer of, or access to, personal data between two parties."""

    id: Slug = Field(description="Identifier.")
    source: Slug = Field(alias="from", description="Sending party: agency or system id.")
    target: Slug = Field(alias="to", description="Receiving party: agency or system id.")
    categories: Annotated[list[Slug], Field(min_length=1)] = Field(description="Data category ids carried.")
    purpose: Slug = Field(description="Purpose id of the receiving use, or 'unknown'.")
    collected_for: Slug | None = Field(
        default=None, description="Purpose id the data was first collected for, when the sources say."
    )
    mechanism: Mechanism = Field(description="How the data moves.")
    legal_basis: LegalBasis = Field(description="The legal basis, or status unknown.")
    firewall: Firewall = Field(description="Whether a barrier exists on this flow, or status unknown.")
    safeguards: FlowSafeguards = Field(default_factory=FlowSafeguards, description="Sharing agreement, DPIA …")
    status: Status = Field(description="proposed, pilot, active, discontinued, ruled_unlawful or unknown.")
    period: Period | None = Field(default=None, description="When, if the sources say.")
    jurisdiction: Slug | None = Field(default=None, description="Jurisdiction id; defaults to the sender's.")
    description: Text = Field(description="The flow in one sentence.")

    model_config = ConfigDict(populate_by_name=True)

    @field_validator("target")
    @classmethod
    def _not_self(cls, value: str, info: Any) -> str:
        if info.data.get("source") == value:
            raise ValueError("a flow cannot go from a party to itself")
        return value


class Figure(_Cited):
    """A disproportionality figure: who is affected, how much, when, where."""

    id: Slug = Field(description="Identifier.")
    subject: Slug = Field(description="The system or agency the figure is about.")
    area: Slug | None = Field(default=None, description="The agency whose area the figure covers, if one.")
    jurisdiction: Slug = Field(description="Jurisdiction id the figure covers.")
    group: Slug | None = Field(default=None, description="Affected-group id, if the figure is for one group.")
    comparator: Slug | None = Field(default=None, description="Group id a ratio compares with.")
    measure: Measure = Field(description="rate_per_10000, percent, ratio or count.")
    value: float = Field(description="The number as the source gives it.")
    period: Period | None = Field(default=None, description="The period the figure covers.")
    description: Text = Field(description="The figure in words, as a reader would cite it.")


class PurposeRule(_Model):
    """Whether data held for one purpose may be used for another.

    Lives in ``graph_data/purpose_rules/``; a lawyer can edit these and rerun.
    Rules apply to the purposes named and to every narrower purpose below them.
    """

    id: Slug = Field(description="Identifier.")
    collected_for: Slug = Field(description="Purpose id the data is held or collected for.")
    used_for: Slug = Field(description="Purpose id of the later use.")
    compatible: bool = Field(description="true if the later use is compatible.")
    reason: Text = Field(description="Why, in a sentence a reader can check.")
    citations: list[Citation] = Field(default_factory=list, description="Sources for the rule, if any.")


#: Section name → (model, human label). Each section is a folder of YAML files.
SECTIONS: dict[str, type[_Model]] = {
    "sources": Source,
    "jurisdictions": Jurisdiction,
    "agencies": Agency,
    "systems": System,
    "data_categories": DataCategory,
    "purposes": Purpose,
    "groups": Group,
    "outcomes": Outcome,
    "flows": Flow,
    "figures": Figure,
    "purpose_rules": PurposeRule,
}

#: Sections whose records are nodes of the graph.
NODE_SECTIONS: dict[str, str] = {
    "agencies": "agency",
    "systems": "system",
    "data_categories": "data_category",
    "purposes": "purpose",
    "groups": "group",
    "outcomes": "outcome",
}
