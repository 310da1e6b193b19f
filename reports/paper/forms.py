"""The digital lead's cover sheet for the board paper."""

from crispy_forms.helper import FormHelper
from django import forms

from assessments.quarter.decisions import meeting_date_problem
from core.forms import Button, date_field, text_field
from core.widgets import RadiosWithHints
from reports.models import (
    SECTION_FIELDS,
    AssuranceRating,
    CoverPurpose,
    CoverPurposes,
    CoverSection,
    CoverSheet,
    FoiStatus,
    Session,
)


class CoverSheetForm(forms.Form):
    meeting = text_field(
        CoverSheet,
        "meeting",
        label="Meeting",
        help_text="For example, Trust board (held in public)",
        required="Enter the meeting the paper goes to",
    )
    meeting_date = date_field(
        "Date of the meeting",
        invalid="Enter the date of the meeting as a real date",
        help_text="The one date of the meeting: the board's agreed position is recorded from "
        "it. For example, 14 1 2027",
    )
    agenda_item = text_field(
        CoverSheet, "agenda_item", label="Agenda item (optional)", help_text="For example, 7.2"
    )
    executive_sponsor = text_field(
        CoverSheet,
        "executive_sponsor",
        label="Executive sponsor (optional)",
        help_text="The executive director who presents the paper, with their role",
    )
    author = text_field(
        CoverSheet,
        "author",
        label="Author (optional)",
        help_text="Leave blank to show the trust's digital leads",
    )
    purpose = forms.ChoiceField(
        label="Purpose",
        choices=CoverPurpose.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the paper's purpose"},
    )
    recommendation = text_field(
        CoverSheet,
        "recommendation",
        label="Recommendation (optional)",
        help_text="What the board is asked to do, in the trust's own words",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    previous_considerations = text_field(
        CoverSheet,
        "previous_considerations",
        label="Previously considered by (optional)",
        help_text="For example, Digital committee, 14 November 2026",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    strategy_title = text_field(
        CoverSheet,
        "strategy_title",
        label="Trust strategy the paper supports (optional)",
        help_text="For example, Digital strategy 2025 to 2030",
    )
    strategy_url = forms.URLField(
        label="Web address of the strategy (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={"invalid": "Enter the web address of the strategy, like https://..."},
    )

    def __init__(self, *args, assessment, sections: frozenset[str] = frozenset(), **kwargs):
        """``sections``: the trust's optional sections switched on (CoverSection values);
        only their fields are shown. ``assessment``: whose meeting this is."""
        super().__init__(*args, **kwargs)
        self.assessment = assessment
        self.initial.setdefault("purpose", CoverPurpose.ASSURANCE)
        for section in sections:
            for name in SECTION_FORM_FIELDS.get(section, ()):
                self.fields[name] = OPTIONAL_FIELDS[name]()
        if CoverSection.PURPOSES in sections:  # several purposes ticked, in place of one
            del self.fields["purpose"]
            if not self.initial.get("purposes"):
                one = PURPOSES_FROM_ONE.get(self.initial["purpose"])
                self.initial["purposes"] = [one] if one else []
        self.order_fields(FIELD_ORDER)
        self.helper = FormHelper()
        self.helper.add_input(Button("save", "Save the cover sheet"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("strategy_title") and not cleaned.get("strategy_url"):
            self.add_error(
                "strategy_url", "Enter the web address of the strategy, or clear its name"
            )
        if "meeting_date" in cleaned:
            problem = meeting_date_problem(self.assessment, cleaned["meeting_date"])
            if problem:
                self.add_error("meeting_date", problem)
        self._both_or_neither(
            "assurance_rating",
            "assurance_reason",
            rating_only="Give the reason for the assurance rating",
            reason_only="Choose the assurance rating, or clear its reason",
        )
        if "foi_status" in self.fields:
            exempt = cleaned.get("foi_status") == FoiStatus.EXEMPT
            if exempt and not cleaned.get("foi_reason"):
                self.add_error("foi_reason", "Give the reason the paper is exempt from publication")
            if not exempt and cleaned.get("foi_reason"):
                self.add_error("foi_status", "Choose Exempt from publication, or clear the reason")
        return cleaned

    def _both_or_neither(self, choice: str, reason: str, *, rating_only: str, reason_only: str):
        if choice not in self.fields:
            return
        chosen, given = self.cleaned_data.get(choice), self.cleaned_data.get(reason)
        if chosen and not given and reason not in self.errors:
            self.add_error(reason, rating_only)
        if given and not chosen and choice not in self.errors:
            self.add_error(choice, reason_only)


# The trust's optional sections: each field as the form offers it (made afresh per form).
def _text(name: str, label: str, help_text: str = "", rows: int = 0):
    def make():
        widget = forms.Textarea(attrs={"rows": rows}) if rows else None
        extra = {"widget": widget} if widget else {}
        return text_field(CoverSheet, name, label=label, help_text=help_text, **extra)

    return make


def _choice(label: str, choices, help_text: str = "", hints: dict[str, str] | None = None):
    def make():
        return forms.ChoiceField(
            label=label,
            help_text=help_text,
            choices=choices,
            required=False,
            widget=RadiosWithHints(hints=hints or {}),
        )

    return make


def _purposes():
    return forms.MultipleChoiceField(
        label="Purpose",
        help_text="Select all that apply",
        choices=CoverPurposes.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one purpose"},
    )


OPTIONAL_FIELDS = {
    "purposes": _purposes,
    "session": _choice(
        "Session (optional)",
        Session.choices,
        help_text="The part of the meeting the paper goes to: held in public, or in private",
    ),
    "approved_by": _text(
        "approved_by",
        "Approved by (optional)",
        "Who approved the paper for the board, with their role",
    ),
    "version": _text("version", "Version (optional)", "For example, 1.0 or Final"),
    "strategic_objectives": _text(
        "strategic_objectives",
        "Strategic objectives the paper relates to (optional)",
        "For example, SO3: Use digital to transform care",
        rows=2,
    ),
    "baf_risks": _text(
        "baf_risks",
        "Board Assurance Framework risks the paper relates to (optional)",
        "For example, BAF 7: Cyber security",
        rows=2,
    ),
    "foi_status": _choice(
        "Freedom of Information (optional)",
        FoiStatus.choices,
        help_text="Whether the trust can publish the paper if asked for it",
    ),
    "foi_reason": _text(
        "foi_reason",
        "Reason the paper is exempt (optional)",
        "Needed if it is exempt: for example, the exemption that applies",
        rows=2,
    ),
    "assurance_rating": _choice(
        "The author's assurance rating (optional)",
        AssuranceRating.choices,
        help_text="The assurance the author takes, which the paper shows beside the "
        "service's own confidence in the board's answers",
        hints={
            AssuranceRating.SUBSTANTIAL: "Arrangements are in place and working, with no "
            "significant gaps",
            AssuranceRating.REASONABLE: "Arrangements are mostly working; the gaps are "
            "known and being closed",
            AssuranceRating.LIMITED: "There are significant gaps, or arrangements are not "
            "working as intended",
            AssuranceRating.NONE: "Arrangements are missing or not working",
        },
    ),
    "assurance_reason": _text(
        "assurance_reason", "Reason for the assurance rating (optional)", rows=3
    ),
    "alert": _text(
        "alert", "Alert (optional)", "Concerns, risks or gaps the board must know about", rows=3
    ),
    "advise": _text(
        "advise",
        "Advise (optional)",
        "Work under way, and what the board should keep in view",
        rows=3,
    ),
    "assure": _text("assure", "Assure (optional)", "Where the board can take assurance", rows=3),
    "impact_quality": _text(
        "impact_quality", "Impact on quality and patient safety (optional)", rows=2
    ),
    "impact_equality": _text(
        "impact_equality", "Impact on equality and health inequalities (optional)", rows=2
    ),
    "impact_finance": _text("impact_finance", "Impact on finance (optional)", rows=2),
    "impact_legal": _text("impact_legal", "Legal and regulatory impact (optional)", rows=2),
    "impact_information_governance": _text(
        "impact_information_governance", "Impact on information governance (optional)", rows=2
    ),
    "impact_sustainability": _text(
        "impact_sustainability", "Impact on sustainability (optional)", rows=2
    ),
}
# Each section's fields on the form (the model's SECTION_FIELDS).
SECTION_FORM_FIELDS = {
    section: tuple(name for name in names if name in OPTIONAL_FIELDS)
    for section, names in SECTION_FIELDS.items()
}
# Where the trust's fields go among the others: details first, then the board's summary.
FIELD_ORDER = (
    "meeting",
    "session",
    "meeting_date",
    "agenda_item",
    "executive_sponsor",
    "author",
    "approved_by",
    "version",
    "purpose",
    "purposes",
    "recommendation",
    "previous_considerations",
    "strategy_title",
    "strategy_url",
    "strategic_objectives",
    "baf_risks",
    "assurance_rating",
    "assurance_reason",
    "alert",
    "advise",
    "assure",
    "impact_quality",
    "impact_equality",
    "impact_finance",
    "impact_legal",
    "impact_information_governance",
    "impact_sustainability",
    "foi_status",
    "foi_reason",
)
# A sheet that had one purpose, when the trust starts ticking several.
PURPOSES_FROM_ONE = {
    CoverPurpose.DECISION: CoverPurposes.APPROVAL,
    CoverPurpose.ASSURANCE: CoverPurposes.ASSURANCE,
    CoverPurpose.DISCUSSION: CoverPurposes.DISCUSSION,
    CoverPurpose.INFORMATION: CoverPurposes.INFORMATION,
}

IMPACT_SECTIONS = tuple(value for value in CoverSection.values if value.startswith("impact_"))


class CoverSheetSectionsForm(forms.Form):
    """The optional sections the trust's cover sheets have, chosen once by its digital
    lead: two groups of checkboxes, the sections and the impacts."""

    sections = forms.MultipleChoiceField(
        label="Sections",
        help_text="Select all that your trust's cover sheet has",
        choices=[
            (value, label) for value, label in CoverSection.choices if value not in IMPACT_SECTIONS
        ],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    impacts = forms.MultipleChoiceField(
        label="Impact",
        help_text="Select each area your trust's cover sheet asks the author to consider",
        choices=[
            (value, label) for value, label in CoverSection.choices if value in IMPACT_SECTIONS
        ],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, chosen: frozenset[str] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault(
            "sections", [v for v in CoverSection.values if v in chosen and v not in IMPACT_SECTIONS]
        )
        self.initial.setdefault("impacts", [v for v in IMPACT_SECTIONS if v in chosen])
        self.helper = FormHelper()
        self.helper.add_input(Button("save", "Save your trust's sections"))

    def chosen(self) -> list[str]:
        return [*self.cleaned_data["sections"], *self.cleaned_data["impacts"]]
