from decimal import Decimal

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone

from assessments.models import (
    HALF_LEVELS,
    ActionRag,
    ActionStatus,
    AgreedPosition,
    Assessment,
    BoardAction,
    parse_quarter,
)
from assessments.quarter.decisions import ActionInput, PositionInput
from assessments.results import rules
from core.forms import Button, date_field, text_field
from principles.models import Framework, Principle


def half_level_field(*, label: str, blank: str, level, help_text: str = "") -> forms.Field:
    """A level from 1 to 5 in halves for one principle (a target, an agreed level), or the
    blank choice (``blank`` names it); ``level`` is the one saved, if any."""
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=[("", blank)] + [(str(half), str(half)) for half in HALF_LEVELS],
        coerce=Decimal,
        empty_value=None,
        required=False,
        initial=str(level) if level is not None else "",
        error_messages={"invalid_choice": "Choose a level from 1 to 5, in halves"},
    )


class TargetsForm(forms.Form):
    def __init__(self, *args, principles: list[Principle], targets: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.principles = principles
        for principle in principles:
            target = targets.get(principle.pk)
            self.fields[f"principle-{principle.number}"] = half_level_field(
                label=f"{principle.number}. {principle.title}",
                blank="No target",
                level=target.level if target else None,
            )
        self.helper = FormHelper()
        self.helper.add_input(Button("save", "Save targets"))

    def levels(self) -> dict[Principle, Decimal | None]:
        return {p: self.cleaned_data[f"principle-{p.number}"] for p in self.principles}


class ReopenForm(forms.Form):
    reason = text_field(
        Assessment,
        "reopen_reason",
        label="Why are you reopening this questionnaire?",
        help_text="This is recorded in the audit trail, with your name.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required="Enter a reason for reopening",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Button("reopen", "Reopen the questionnaire"))


class CycleForm(forms.Form):
    quarter = forms.CharField(
        label="Quarter",
        help_text="The NHS financial-year quarter, for example 2026/27 Q3",
        max_length=12,
        error_messages={"required": "Enter the quarter, for example 2026/27 Q3"},
    )
    opens_on = date_field(
        "Opening date",
        help_text="Leave blank to use the first day of the quarter",
        invalid="Enter the opening date as a real date",
    )
    closes_on = date_field(
        "Closing date",
        help_text="Leave blank to use the last day of the quarter",
        invalid="Enter the closing date as a real date",
    )
    framework = forms.ModelChoiceField(
        label="Framework version",
        queryset=Framework.objects.filter(published=True),
        empty_label=None,
        error_messages={"required": "Choose a framework version"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework"].initial = Framework.latest_published()
        self.helper = FormHelper()
        self.helper.add_input(Button("create", "Create quarter"))

    # Quarters are created for the years the programme runs: from 2020/21 (before it, the
    # framework did not exist) to five years ahead of today.
    FIRST_YEAR = 2020
    YEARS_AHEAD = 5

    def clean_quarter(self) -> tuple[int, int]:
        quarter = parse_quarter(self.cleaned_data["quarter"])
        if quarter is None:
            raise forms.ValidationError("Enter the quarter like 2026/27 Q3")
        last = timezone.localdate().year + self.YEARS_AHEAD
        if not self.FIRST_YEAR <= quarter[0] <= last:
            raise forms.ValidationError(
                f"Enter a quarter from {self.FIRST_YEAR}/{(self.FIRST_YEAR + 1) % 100:02d} "
                f"to {last}/{(last + 1) % 100:02d}"
            )
        return quarter

    def clean(self):
        cleaned = super().clean()
        opens_on, closes_on = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", "The closing date must be on or after the opening date")
        return cleaned


class PositionsForm(forms.Form):
    """The board's agreed level and reason for each principle, from the one meeting the
    paper's cover sheet names: ``meeting_problem`` says why a position cannot be recorded
    from it yet (decisions.positions_meeting_problem), shown at ``#meeting`` on the page."""

    # Where the error summary sends someone for a problem with the meeting itself.
    non_field_anchor = "meeting"

    def __init__(
        self,
        *args,
        principles,
        positions: dict,
        scores: dict[int, str],
        meeting_problem: str = "",
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.principles = principles
        self.meeting_problem = meeting_problem
        for principle in principles:
            position = positions.get(principle.pk)
            self.fields[f"level-{principle.number}"] = half_level_field(
                label=f"{principle.number}. {principle.title}: agreed level",
                blank="Not recorded",
                level=position.level if position else None,
                help_text=f"The board members' score: {scores[principle.number]}"
                if principle.number in scores
                else "",
            )
            self.fields[f"rationale-{principle.number}"] = text_field(
                AgreedPosition,
                "rationale",
                label=f"Why the board agreed this level for principle {principle.number}",
                initial=position.rationale if position else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean(self):
        cleaned = super().clean()
        for principle in self.principles:
            level = cleaned.get(f"level-{principle.number}")
            rationale = (cleaned.get(f"rationale-{principle.number}") or "").strip()
            if level is not None and not rationale:
                self.add_error(
                    f"rationale-{principle.number}",
                    f"Give the reason for the level agreed for principle {principle.number}",
                )
            if level is None and rationale:
                self.add_error(
                    f"level-{principle.number}",
                    f"Choose the level agreed for principle {principle.number}, "
                    "or clear the reason",
                )
        recorded = any(cleaned.get(f"level-{p.number}") is not None for p in self.principles)
        if recorded and self.meeting_problem:
            self.add_error(None, self.meeting_problem)
        return cleaned

    def fields_by_principle(self):
        for principle in self.principles:
            yield (
                principle,
                self[f"level-{principle.number}"],
                self[f"rationale-{principle.number}"],
            )

    def positions(self) -> dict:
        return {
            principle: PositionInput(
                level=self.cleaned_data[f"level-{principle.number}"],
                rationale=self.cleaned_data[f"rationale-{principle.number}"],
            )
            if self.cleaned_data[f"level-{principle.number}"] is not None
            else None
            for principle in self.principles
        }


class ActionBasicsForm(forms.Form):
    """What every new action needs: what, who owns it, when it is due."""

    title = text_field(
        BoardAction, "title", label="Action", required="Enter what the board agreed to do"
    )
    owner = text_field(
        BoardAction,
        "owner",
        label="Owner",
        help_text="The person responsible, for example the Chief Digital Officer",
        required="Enter who owns the action",
    )
    due_date = date_field(
        "Due date",
        required="Enter the date the action is due",
        invalid="Enter the due date as a real date",
    )


class BoardActionForm(ActionBasicsForm):
    field_order = ["title", "principle_number", "owner", "due_date", "status", "rag", "notes"]
    principle_number = forms.TypedChoiceField(
        label="Principle",
        coerce=int,
        error_messages={"required": "Choose the principle this action is for"},
    )
    status = forms.ChoiceField(
        label="Status", choices=ActionStatus.choices, widget=forms.RadioSelect
    )
    rag = forms.ChoiceField(
        label="RAG",
        help_text="How confident the board is that the action is on track",
        choices=[
            (
                "",
                "Work it out from the due date and status: red once overdue, amber when "
                f"due within {rules.ACTION_AMBER_DAYS} days and not started, otherwise green",
            ),
            *ActionRag.choices,
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    notes = text_field(
        BoardAction,
        "notes",
        label="Notes (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, principles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["principle_number"].choices = [
            (principle.number, f"{principle.number}. {principle.title}") for principle in principles
        ]
        self.initial.setdefault("status", ActionStatus.NOT_STARTED)
        self.initial.setdefault("rag", "")
        self.helper = FormHelper()
        self.helper.add_input(Button("save", "Save action"))

    def values(self) -> ActionInput:
        return ActionInput(**self.cleaned_data)


class RoadmapForm(forms.Form):
    """The roadmap to the targets: for each principle, the level to reach by each of the
    four quarters after this one (all four, or none). A level below today's score is
    allowed (a board may plan to hold what it has); a level below the quarter before is
    not: a roadmap climbs, or holds."""

    def __init__(self, *args, principles, quarters, start: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.principles = principles
        self.quarters = quarters
        for principle in principles:
            levels = start.get(principle.number, {})
            for quarter in quarters:
                self.fields[self._name(principle, quarter.step)] = half_level_field(
                    label=quarter.label, blank="Not planned", level=levels.get(quarter.step)
                )

    @staticmethod
    def _name(principle, step: int) -> str:
        return f"roadmap-{principle.number}-{step}"

    def clean(self):
        cleaned = super().clean()
        for principle in self.principles:
            names = [self._name(principle, q.step) for q in self.quarters]
            if any(name in self.errors for name in names):
                continue
            levels = [cleaned.get(name) for name in names]
            blank = [name for name, level in zip(names, levels, strict=True) if level is None]
            if blank and len(blank) < len(names):
                self.add_error(
                    blank[0],
                    f"Choose a level for each quarter for principle {principle.number}, "
                    "or leave all four as not planned",
                )
                continue
            for name, earlier, level in zip(names[1:], levels, levels[1:], strict=False):
                if earlier is not None and level is not None and level < earlier:
                    self.add_error(
                        name,
                        f"The level for principle {principle.number} cannot go down from one "
                        "quarter to the next",
                    )
                    break
        return cleaned

    def fields_by_principle(self):
        for principle in self.principles:
            yield principle, [self[self._name(principle, q.step)] for q in self.quarters]

    def roadmap(self) -> dict:
        return {
            principle: {
                q.step: self.cleaned_data[self._name(principle, q.step)] for q in self.quarters
            }
            if self.cleaned_data[self._name(principle, self.quarters[0].step)] is not None
            else None
            for principle in self.principles
        }
