"""The retention task in its room (assessments migration 0011): the daily run already
waiting under the module's old path is pointed at the new one, so it still runs at its
hour, and only one ever waits; a finished run's record keeps the path it ran under.
Undone, the waiting run goes back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.assessments.test_one_meeting_migration import migrated

TASKS = ("django_tasks_database", "0021_conditional_partial_index_ordering")
BEFORE = [("assessments", "0010_meeting_date_on_the_cover_sheet"), TASKS]
AFTER = [("assessments", "0011_retention_task_in_its_room")]
OLD = "assessments.retention.retention_daily"
NEW = "assessments.privacy.retention.retention_daily"


def task_row(apps, status: str, path: str = OLD):
    return apps.get_model("django_tasks_database", "DBTaskResult").objects.create(
        task_path=path,
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        queue_name="default",
        backend_name="default",
        run_after=timezone.now(),
    )


@pytest.mark.django_db(transaction=True)
def test_the_waiting_retention_run_follows_its_module():
    apps = migrated(BEFORE)
    try:
        waiting, finished = task_row(apps, "READY"), task_row(apps, "SUCCESSFUL")
        apps = migrated(AFTER)
        Result = apps.get_model("django_tasks_database", "DBTaskResult")
        assert Result.objects.get(pk=waiting.pk).task_path == NEW
        assert Result.objects.get(pk=finished.pk).task_path == OLD
        apps = migrated(BEFORE)
        Result = apps.get_model("django_tasks_database", "DBTaskResult")
        assert Result.objects.get(pk=waiting.pk).task_path == OLD
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_a_run_already_waiting_under_the_new_path_is_the_only_one_left():
    """A worker started on the new code before the migration ran has queued its own."""
    apps = migrated(BEFORE)
    try:
        task_row(apps, "READY")
        queued_by_new_code = task_row(apps, "READY", path=NEW)
        apps = migrated(AFTER)
        Result = apps.get_model("django_tasks_database", "DBTaskResult")
        waiting = Result.objects.filter(status="READY")
        assert [row.pk for row in waiting] == [queued_by_new_code.pk]
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
