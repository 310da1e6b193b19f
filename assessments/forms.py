from decimal import Decimal

from crispy_forms.helper import FormHelper
from django import forms

from assessments.actions import AnswerInput
from assessments.models import COMMENT_MAX_LENGTH, HALF_LEVELS, Answer, parse_quarter
from core.forms import Button
from core.widgets import RadiosWithHints
from principles.models import LEVEL_LABELS, LEVELS, Framework, Principle, Question

DONT_KNOW = "dont-know"
LEVEL_CHOICES = [(str(level), f"{level} – {LEVEL_LABELS[level]}") for level in LEVELS]
LEVEL_CHOICES.append((DONT_KNOW, "Don't know"))


def field_prefix(question: Question) -> str:
    return question.key.replace(".", "-")


class PrinciplePageForm(forms.Form):
    """One principle's questions: a level (or "don't know") and a comment for each.

    Unanswered questions are allowed, so that "Save and come back later" never loses
    anything; ``answers_save`` refuses to let a submitted response lose an answer, and
    ``add_missing_errors`` shows that on the page.
    """

    def __init__(self, *args, questions: list[Question], answers: dict[int, Answer], **kw):
        super().__init__(*args, **kw)
        self.questions = questions
        for number, question in enumerate(questions, start=1):
            prefix = field_prefix(question)
            self.fields[f"{prefix}-level"] = forms.ChoiceField(
                label=question.text,
                help_text=question.help_text,
                choices=LEVEL_CHOICES,
                required=False,
                widget=RadiosWithHints(
                    hints={str(level.level): level.descriptor for level in question.levels.all()},
                    divider_before=DONT_KNOW,
                ),
                error_messages={
                    "invalid_choice": f"Choose one of the levels for question {number}, "
                    "or choose Don't know",
                },
            )
            self.fields[f"{prefix}-comment"] = forms.CharField(
                label=f"Comment on question {number} (optional)",
                help_text="Say why you chose this level. Comments appear in the board paper "
                "without your name.",
                required=False,
                max_length=COMMENT_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={
                    "max_length": f"The comment on question {number} must be "
                    f"{COMMENT_MAX_LENGTH:,} characters or fewer"
                },
            )
            answer = answers.get(question.pk)
            if answer is not None:
                self.initial[f"{prefix}-level"] = (
                    DONT_KNOW if answer.dont_know else str(answer.score or "")
                )
                self.initial[f"{prefix}-comment"] = answer.comment

    def question_fields(self):
        """(question, level field, comment field) for the template."""
        for question in self.questions:
            prefix = field_prefix(question)
            yield question, self[f"{prefix}-level"], self[f"{prefix}-comment"]

    def answer_inputs(self) -> dict[Question, AnswerInput]:
        inputs = {}
        for question in self.questions:
            prefix = field_prefix(question)
            level = self.cleaned_data[f"{prefix}-level"]
            inputs[question] = AnswerInput(
                score=int(level) if level and level != DONT_KNOW else None,
                dont_know=level == DONT_KNOW,
                comment=self.cleaned_data[f"{prefix}-comment"].strip(),
            )
        return inputs

    def add_missing_errors(self, questions: list[Question]) -> None:
        for number, question in enumerate(self.questions, start=1):
            if question in questions:
                self.add_error(
                    f"{field_prefix(question)}-level",
                    f"Choose a level for question {number}, or choose Don't know",
                )

    def typed_comments(self) -> list[str]:
        """What the person typed, to show back if the save could not happen."""
        return [
            self.data.get(f"{field_prefix(question)}-comment", "").strip()
            for question in self.questions
            if self.data.get(f"{field_prefix(question)}-comment", "").strip()
        ]


TARGET_CHOICES = [("", "No target")] + [(str(level), str(level)) for level in HALF_LEVELS]


class TargetsForm(forms.Form):
    def __init__(self, *args, principles: list[Principle], targets: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.principles = principles
        for principle in principles:
            target = targets.get(principle.pk)
            self.fields[f"principle-{principle.number}"] = forms.TypedChoiceField(
                label=f"{principle.number}. {principle.title}",
                choices=TARGET_CHOICES,
                coerce=Decimal,
                empty_value=None,
                required=False,
                initial=str(target.level) if target else "",
                error_messages={"invalid_choice": "Choose a level from 1 to 5, in halves"},
            )
        self.helper = FormHelper()
        self.helper.add_input(Button("save", "Save targets"))

    def levels(self) -> dict[Principle, Decimal | None]:
        return {p: self.cleaned_data[f"principle-{p.number}"] for p in self.principles}


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="Why are you reopening this assessment?",
        help_text="This is recorded in the audit trail, with your name.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter a reason for reopening"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Button("reopen", "Reopen assessment"))


class CycleForm(forms.Form):
    quarter = forms.CharField(
        label="Quarter",
        help_text="The NHS financial-year quarter, for example 2026/27 Q3",
        max_length=12,
        error_messages={"required": "Enter the quarter, for example 2026/27 Q3"},
    )
    opens_on = forms.DateField(
        label="Opening date",
        help_text="Leave blank to use the first day of the quarter",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the opening date as a real date"},
    )
    closes_on = forms.DateField(
        label="Closing date",
        help_text="Leave blank to use the last day of the quarter",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the closing date as a real date"},
    )
    framework = forms.ModelChoiceField(
        label="Framework version",
        queryset=Framework.objects.filter(published=True),
        empty_label=None,
        error_messages={"required": "Choose a framework version"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Button("create", "Create quarter"))

    def clean_quarter(self) -> tuple[int, int]:
        quarter = parse_quarter(self.cleaned_data["quarter"])
        if quarter is None:
            raise forms.ValidationError("Enter the quarter like 2026/27 Q3")
        return quarter

    def clean(self):
        cleaned = super().clean()
        opens_on, closes_on = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", "The closing date must be on or after the opening date")
        return cleaned
