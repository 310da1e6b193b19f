"""The daily retention task moved with its module (assessments.privacy.retention). A run
already waiting in the queue was stored under the old path and would fail to import when
its hour came, while the schedule, finding none under the new path, queued another. This
points the waiting run at the new path (or, if one already waits there, drops the old
one), and back again when undone."""

from django.db import migrations

OLD = "assessments.retention.retention_daily"
NEW = "assessments.privacy.retention.retention_daily"


def _move(apps, old: str, new: str) -> None:
    """One waiting run, under ``new``: a worker that started on the new code before this
    ran may already have queued one there, and then the old one goes."""
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    waiting = DBTaskResult.objects.filter(task_path=old, status="READY")
    if DBTaskResult.objects.filter(task_path=new, status="READY").exists():
        waiting.delete()
    else:
        waiting.update(task_path=new)


def forwards(apps, schema_editor):
    _move(apps, OLD, NEW)


def backwards(apps, schema_editor):
    _move(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0010_meeting_date_on_the_cover_sheet"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
