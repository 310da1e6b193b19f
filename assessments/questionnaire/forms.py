"""The questionnaire's page form, and the words the error page uses to show back what a
board member typed (settings.TYPED_INPUT_DESCRIBERS)."""

import re
from dataclasses import dataclass

from django import forms
from django.db import DatabaseError

from assessments.models import (
    COMMENT_MAX_LENGTH,
    EVIDENCE_TITLE_MAX_LENGTH,
    EVIDENCE_URL_MAX_LENGTH,
    Answer,
)
from assessments.questionnaire.actions import (
    PERSONAL_LINK,
    AnswerInput,
    is_https,
    is_personal,
    page_version,
    saved_as,
)
from assessments.questionnaire.presenters import level_words
from core.forms import TextField
from core.kept import TypedField
from core.widgets import RadiosWithHints
from principles.models import LEVEL_LABELS, LEVELS, Question

DONT_KNOW = "dont-know"


LEVEL_CHOICES = [(str(level), f"{level} – {LEVEL_LABELS[level]}") for level in LEVELS]
LEVEL_CHOICES.append((DONT_KNOW, "Don't know"))


def field_prefix(question: Question) -> str:
    return question.key.replace(".", "-")


# A questionnaire field: the question's key with its dot as a hyphen, then the part.
QUESTION_FIELD = re.compile(
    r"^(?P<principle>p\d+)-(?P<rest>.+)-(?P<part>level|comment|evidence-title|evidence-url)$"
)
# How a page that shows back what was typed names each part of an answer.
PART_WORDS = {
    "comment": "comment",
    "evidence-title": "evidence title",
    "evidence-url": "evidence link",
}


def _question_texts(keys: set[str]) -> dict[str, str]:
    """The questions' wording, when the database answers (a page about a busy or broken
    service must still show what was typed, by the questions' keys if need be)."""
    try:
        return dict(Question.objects.filter(key__in=keys).values_list("key", "text"))
    except DatabaseError:
        return {}


def describe_typed(sent: list[tuple[str, str]]) -> dict[tuple[str, str], TypedField]:
    """The questionnaire's fields in words for a page that shows back what was typed
    (settings.TYPED_INPUT_DESCRIBERS): each question by its text, each level by its name."""
    keys = {}
    for name, value in sent:
        found = QUESTION_FIELD.match(name)
        if found:
            keys[(name, value)] = (f"{found['principle']}.{found['rest']}", found["part"])
    texts = _question_texts({key for key, _ in keys.values()}) if keys else {}
    chosen = dict(LEVEL_CHOICES)
    described = {}
    for (name, value), (key, part) in keys.items():
        question = texts.get(key, f"Question {key}")
        if part == "level":
            described[(name, value)] = TypedField(f"{question} (level)", chosen.get(value, value))
        else:
            described[(name, value)] = TypedField(f"{question} ({PART_WORDS[part]})", value)
    return described


@dataclass(frozen=True)
class TypedAnswer:
    question: str
    level: str  # the level's words as offered, or "" when none was chosen
    comment: str
    evidence_title: str = ""
    evidence_url: str = ""


@dataclass(frozen=True)
class AnswerChange:
    """One question answered one way in this tab and saved another way elsewhere."""

    number: int
    question: str
    saved_level: str
    saved_comment: str
    typed_level: str
    typed_comment: str
    saved_evidence: tuple[str, str] = ("", "")  # (title, link), blank when there is none
    typed_evidence: tuple[str, str] = ("", "")


class PrinciplePageForm(forms.Form):
    """One principle's questions: a level (or "don't know") and a comment for each.

    Unanswered questions are allowed, so that "Save and come back later" never loses
    anything; ``answers_save`` refuses to let a submitted response lose an answer, and
    ``add_missing_errors`` shows that on the page.
    """

    # The page's version when it was loaded (``answers_save`` refuses to overwrite silently).
    version = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, questions: list[Question], answers: dict[int, Answer], **kw):
        super().__init__(*args, **kw)
        self.questions = questions
        self.initial["version"] = page_version(
            [answers[question.pk] for question in questions if question.pk in answers]
        )
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
            self.fields[f"{prefix}-comment"] = TextField(
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
            self._add_evidence_fields(prefix, number)
            answer = answers.get(question.pk)
            if answer is not None:
                self.initial[f"{prefix}-level"] = (
                    DONT_KNOW if answer.dont_know else str(answer.score or "")
                )
                self.initial[f"{prefix}-comment"] = answer.comment
                self.initial[f"{prefix}-evidence-title"] = answer.evidence_title
                self.initial[f"{prefix}-evidence-url"] = answer.evidence_url

    def _add_evidence_fields(self, prefix: str, number: int) -> None:
        """The optional evidence behind an answer: a title and an https link."""
        self.fields[f"{prefix}-evidence-title"] = TextField(
            label=f"Title of the evidence for question {number}",
            help_text="For example, the name of the report or page.",
            required=False,
            max_length=EVIDENCE_TITLE_MAX_LENGTH,
            error_messages={
                "max_length": f"The evidence title on question {number} must be "
                f"{EVIDENCE_TITLE_MAX_LENGTH} characters or fewer"
            },
        )
        self.fields[f"{prefix}-evidence-url"] = TextField(
            label=f"Link to the evidence for question {number}",
            help_text="A full web address that starts with https://, like "
            "https://www.example.nhs.uk/report",
            required=False,
            max_length=EVIDENCE_URL_MAX_LENGTH,
            # Not autocomplete="url": that is for the person's own website (WCAG 1.3.5).
            widget=forms.TextInput(attrs={"inputmode": "url", "spellcheck": "false"}),
            error_messages={
                "max_length": f"The evidence link on question {number} must be "
                f"{EVIDENCE_URL_MAX_LENGTH} characters or fewer"
            },
        )

    def clean(self):
        cleaned = super().clean()
        for number, question in enumerate(self.questions, start=1):
            prefix = field_prefix(question)
            title_name, url_name = f"{prefix}-evidence-title", f"{prefix}-evidence-url"
            if title_name not in cleaned or url_name not in cleaned:
                continue  # already refused as too long
            title, url = cleaned[title_name], cleaned[url_name]
            if url and not title:
                self.add_error(
                    title_name,
                    f"Enter a title for the evidence on question {number}, or remove its link",
                )
            elif title and not url:
                self.add_error(
                    url_name,
                    f"Enter a link to the evidence on question {number}, or remove its title",
                )
            elif url and not is_https(url):
                self.add_error(
                    url_name,
                    f"Enter a full web address for the evidence on question {number} that "
                    "starts with https://, like https://www.example.nhs.uk/report",
                )
            elif url and is_personal(url):
                self.add_error(url_name, f"The evidence link on question {number} {PERSONAL_LINK}")
        return cleaned

    def question_fields(self):
        """Each question with its fields, for the template: the question, its level and
        comment fields, its evidence title and link fields, and whether the evidence is
        shown open (it has a value or an error)."""
        for question in self.questions:
            prefix = field_prefix(question)
            title, url = self[f"{prefix}-evidence-title"], self[f"{prefix}-evidence-url"]
            opened = bool(title.value() or url.value() or title.errors or url.errors)
            yield (
                question,
                self[f"{prefix}-level"],
                self[f"{prefix}-comment"],
                (title, url, opened),
            )

    def answer_inputs(self) -> dict[Question, AnswerInput]:
        inputs = {}
        for question in self.questions:
            prefix = field_prefix(question)
            level = self.cleaned_data[f"{prefix}-level"]
            inputs[question] = AnswerInput(
                score=int(level) if level and level != DONT_KNOW else None,
                dont_know=level == DONT_KNOW,
                comment=self.cleaned_data[f"{prefix}-comment"].strip(),
                evidence_title=self.cleaned_data[f"{prefix}-evidence-title"],
                evidence_url=self.cleaned_data[f"{prefix}-evidence-url"],
            )
        return inputs

    def saved_answers(self) -> dict[int, AnswerInput]:
        """What a successful save left on the page, by question id (blanks removed)."""
        return {q.pk: typed for q, typed in self.answer_inputs().items() if not typed.is_blank}

    def over_version(self, version: str) -> "PrinciplePageForm":
        """The same typed answers, now to be saved over ``version`` if the member says so."""
        data = self.data.copy()
        data["version"] = version
        form = PrinciplePageForm(data, questions=self.questions, answers={})
        form.is_valid()
        return form

    def changes_from(self, saved: dict[Question, Answer | None]) -> list["AnswerChange"]:
        """The questions where what was typed here differs from what is saved now."""
        typed = self.answer_inputs()
        changes = []
        for number, question in enumerate(self.questions, start=1):
            mine, now = typed[question], saved_as(saved.get(question))
            if now != mine.saved_as:
                changes.append(
                    AnswerChange(
                        number=number,
                        question=question.text,
                        saved_level=level_words(*now[:2]),
                        saved_comment=now[2],
                        typed_level=level_words(mine.score, mine.dont_know),
                        typed_comment=mine.comment,
                        saved_evidence=now[3:5],
                        typed_evidence=(mine.evidence_title, mine.evidence_url),
                    )
                )
        return changes

    def add_missing_errors(self, questions: list[Question]) -> None:
        for number, question in enumerate(self.questions, start=1):
            if question in questions:
                self.add_error(
                    f"{field_prefix(question)}-level",
                    f"Choose a level for question {number}, or choose Don't know",
                )

    def typed_answers(self) -> list[TypedAnswer]:
        """Every level chosen and comment typed, to show back if the save could not happen."""
        chosen = dict(LEVEL_CHOICES)
        typed = []
        for question in self.questions:
            prefix = field_prefix(question)
            level = chosen.get(self.data.get(f"{prefix}-level", ""), "")
            comment = self.data.get(f"{prefix}-comment", "").strip()
            title = self.data.get(f"{prefix}-evidence-title", "").strip()
            url = self.data.get(f"{prefix}-evidence-url", "").strip()
            if level or comment or title or url:
                typed.append(
                    TypedAnswer(
                        question=question.text,
                        level=level,
                        comment=comment,
                        evidence_title=title,
                        evidence_url=url,
                    )
                )
        return typed
