"""What the digital lead records in the meeting, from a principle's page: the board's
decision (the level it agreed, why, and any dissent it asks to minute) and new actions;
a member's room vote; and who attended, for the minutes extract."""

from crispy_forms.helper import FormHelper
from django import forms

from assessments.models import ActionStatus, AgreedPosition
from assessments.quarter.decisions import ActionInput, PositionInput
from assessments.quarter.forms import ActionBasicsForm, half_level_field
from core.forms import Button, text_field
from principles.models import LEVEL_LABELS, LEVELS
from reports.meeting.minutes import MOST, ROLES

# Each form on the page says which it is, so a page sent (or kept while a session ended
# and sent again after signing in) binds only the form it came from.
WHICH = "form"
FORMS = ("decision", "action", "vote-open", "vote-close")


class DecisionForm(forms.Form):
    def __init__(self, *args, position: AgreedPosition | None, meeting_problem="", **kw):
        super().__init__(*args, prefix="decision", **kw)
        self.meeting_problem = meeting_problem
        self.fields["level"] = half_level_field(
            label="The level the board agreed",
            blank="Not recorded",
            level=position.level if position else None,
        )
        self.fields["rationale"] = text_field(
            AgreedPosition,
            "rationale",
            label="Why the board agreed this level",
            initial=position.rationale if position else "",
            widget=forms.Textarea(attrs={"rows": 3}),
        )
        self.fields["dissent"] = text_field(
            AgreedPosition,
            "dissent",
            label="Dissent to minute (optional)",
            help_text="Only what the board asks to have minuted, in words. Name a member only "
            "if they ask to be named.",
            initial=position.dissent if position else "",
            widget=forms.Textarea(attrs={"rows": 2}),
        )

    def clean(self):
        cleaned = super().clean()
        level = cleaned.get("level")
        rationale = (cleaned.get("rationale") or "").strip()
        if level is not None and not rationale:
            self.add_error("rationale", "Give the reason for the level the board agreed")
        if level is None and (rationale or (cleaned.get("dissent") or "").strip()):
            self.add_error("level", "Choose the level the board agreed, or clear what is typed")
        if level is not None and self.meeting_problem:
            self.add_error(None, self.meeting_problem)
        return cleaned

    def position(self) -> PositionInput | None:
        if self.cleaned_data["level"] is None:
            return None
        return PositionInput(
            level=self.cleaned_data["level"],
            rationale=self.cleaned_data["rationale"],
            dissent=self.cleaned_data["dissent"],
        )


class MeetingActionForm(ActionBasicsForm):
    """An action against the principle on the screen, added as the board agrees it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="action", **kwargs)

    def values(self, principle_number: int) -> ActionInput:
        return ActionInput(
            principle_number=principle_number,
            status=ActionStatus.NOT_STARTED,
            rag="",
            **self.cleaned_data,
        )


class BallotForm(forms.Form):
    """A member's vote from their phone: one level for the principle on the screen."""

    vote = forms.IntegerField(widget=forms.HiddenInput)
    level = forms.TypedChoiceField(
        label="Which level is the trust at?",
        choices=[(level, f"{level}: {LEVEL_LABELS[level]}") for level in LEVELS],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a level", "invalid_choice": "Choose a level"},
    )

    def __init__(self, *args, votes, **kwargs):
        super().__init__(*args, **kwargs)
        self.votes = {vote.pk: vote for vote in votes}

    def clean_vote(self):
        vote = self.votes.get(self.cleaned_data["vote"])
        if vote is None:
            raise forms.ValidationError("This vote has closed: the meeting has moved on")
        return vote


HINTS = {
    "executives": "Board members in an executive seat who were at the meeting",
    "non_executives": "Board members in a non-executive seat, the chair among them",
    "in_attendance": "Anyone else at the meeting who is not a board member, such as the company "
    "secretary or a presenter",
}


WHO = {
    "executives": "executive directors",
    "non_executives": "non-executive directors",
    "in_attendance": "others (not board members)",
}


def _count(name: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=ROLES[name],
        help_text=HINTS[name],
        min_value=0,
        max_value=MOST,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-2"}),
        error_messages={
            "required": f"Enter how many {WHO[name]} were present, or 0",
            "invalid": f"Enter how many {WHO[name]} were present as a whole number, like 4",
            "min_value": f"{ROLES[name]} cannot be fewer than 0",
            "max_value": f"{ROLES[name]}: enter {MOST} or fewer",
        },
    )


class AttendanceForm(forms.Form):
    executives = _count("executives")
    non_executives = _count("non_executives")
    in_attendance = _count("in_attendance")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Button("save", "Save attendance"))
