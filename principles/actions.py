"""Writing framework content: only ever through ``framework_load``."""

from dataclasses import dataclass

from django.db import transaction

from core.audit import SystemActor, audit
from principles.content import forget_framework_content
from principles.loader import FrameworkFileError, FrameworkSpec
from principles.models import Framework, LevelDescriptor, Principle, Question

# Framework content is data loaded from the repository, usually by load_framework.
FRAMEWORK_LOADER = SystemActor("load_framework")


class FrameworkLocked(Exception):
    """The file changes a published version, which must never be edited in place."""


@dataclass(frozen=True)
class LoadOutcome:
    framework: Framework
    status: str  # "created", "updated" or "unchanged"


@transaction.atomic
def framework_load(*, spec: FrameworkSpec, by=FRAMEWORK_LOADER) -> LoadOutcome:
    existing = (
        Framework.objects.select_for_update().filter(slug=spec.slug, version=spec.version).first()
    )
    if existing is not None and existing.fingerprint == spec.fingerprint:
        return LoadOutcome(existing, "unchanged")
    if existing is not None and existing.published:
        raise FrameworkLocked(
            f"{spec.slug} version {spec.version} is published and cannot be changed in place. "
            f"Save your changes as version {spec.version + 1} (with replaces links for "
            "reworded questions that get a new key)."
        )
    earlier = _earlier_questions(spec)
    if existing is None:
        framework = Framework.objects.create(
            slug=spec.slug,
            version=spec.version,
            title=spec.title,
            published=spec.published,
            fingerprint=spec.fingerprint,
        )
        status = "created"
    else:
        framework = existing
        framework.principles.all().delete()
        framework.title, framework.published = spec.title, spec.published
        framework.fingerprint = spec.fingerprint
        framework.save()
        status = "updated"
    _write_content(framework, spec, earlier)
    forget_framework_content()
    audit(
        action=f"framework.{status}",
        by=by,
        target=framework,
        detail={"slug": spec.slug, "version": spec.version, "published": spec.published},
    )
    return LoadOutcome(framework, status)


def _earlier_questions(spec: FrameworkSpec) -> dict[str, Question]:
    """The newest earlier question for each key, for ``replaces`` links."""
    questions = Question.objects.filter(
        framework__slug=spec.slug, framework__version__lt=spec.version
    ).order_by("framework__version")
    return {question.key: question for question in questions}


def _write_content(framework: Framework, spec: FrameworkSpec, earlier: dict[str, Question]):
    levels = []
    for p_index, principle_spec in enumerate(spec.principles):
        principle = Principle.objects.create(
            framework=framework,
            number=principle_spec.number,
            title=principle_spec.title,
            summary=principle_spec.summary,
            guidance=principle_spec.guidance,
        )
        for q_index, question_spec in enumerate(principle_spec.questions):
            replaces = None
            if question_spec.replaces:
                replaces = earlier.get(question_spec.replaces)
                if replaces is None:
                    raise FrameworkFileError(
                        f"principles[{p_index}].questions[{q_index}].replaces",
                        f"no earlier version of {spec.slug} has a question "
                        f"{question_spec.replaces!r}",
                    )
            question = Question.objects.create(
                framework=framework,
                principle=principle,
                key=question_spec.key,
                order=q_index + 1,
                text=question_spec.text,
                help_text=question_spec.help_text,
                replaces=replaces,
            )
            levels.extend(
                LevelDescriptor(question=question, level=level, descriptor=descriptor)
                for level, descriptor in enumerate(question_spec.levels, start=1)
            )
    LevelDescriptor.objects.bulk_create(levels)
