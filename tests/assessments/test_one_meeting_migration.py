"""One meeting (assessments migration 0010): the agreed position's own meeting date moves
onto the paper's cover sheet, the one date everything reads. Each assessment's latest
date lands on its sheet where the sheet has none (a sheet is made where there is none);
a date the sheet already has is kept. Undone, the positions get their date back."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("assessments", "0009_release_settled"), ("reports", "0006_cover_sheet_conventions")]
AFTER = [("assessments", "0010_meeting_date_on_the_cover_sheet")]


def migrated(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def quarter(apps, trust, number: int, framework):
    cycle = apps.get_model("assessments", "Cycle").objects.create(
        year=2026,
        quarter=number,
        opens_on=datetime.date(2026, 3 * number + 1, 1),
        closes_on=datetime.date(2026, 3 * number + 3, 28),
        framework=framework,
    )
    return apps.get_model("assessments", "Assessment").objects.create(trust=trust, cycle=cycle)


@pytest.mark.django_db(transaction=True)
def test_each_position_meeting_date_moves_onto_the_cover_sheet_that_has_none():
    apps = migrated(BEFORE)
    try:
        trust = apps.get_model("trusts", "Trust").objects.create(
            ods_code="QMG", name="Migration NHS Trust", region="Y56"
        )
        framework = apps.get_model("principles", "Framework").objects.create(
            slug="f", version=1, title="F", fingerprint="x"
        )
        principles = [
            apps.get_model("principles", "Principle").objects.create(
                framework=framework, number=n, title=f"P{n}", summary="", guidance=""
            )
            for n in (1, 2)
        ]
        no_sheet, undated_sheet, dated_sheet = (
            quarter(apps, trust, n, framework) for n in (1, 2, 3)
        )
        Position = apps.get_model("assessments", "AgreedPosition")
        for assessment, dates in [
            (no_sheet, (datetime.date(2026, 10, 14), datetime.date(2026, 10, 13))),
            (undated_sheet, (datetime.date(2027, 1, 20),) * 2),
            (dated_sheet, (datetime.date(2027, 4, 14),) * 2),
        ]:
            for principle, day in zip(principles, dates, strict=True):
                Position.objects.create(
                    assessment=assessment,
                    principle=principle,
                    level="3.0",
                    rationale="Agreed",
                    meeting_date=day,
                )
        Sheet = apps.get_model("reports", "CoverSheet")
        Sheet.objects.create(assessment=undated_sheet, meeting="Board in public")
        Sheet.objects.create(
            assessment=dated_sheet, meeting="Board", meeting_date=datetime.date(2027, 4, 15)
        )

        apps = migrated(AFTER)
        Sheet = apps.get_model("reports", "CoverSheet")
        sheets = {s.assessment_id: (s.meeting, s.meeting_date) for s in Sheet.objects.all()}
        assert sheets == {
            no_sheet.pk: ("Trust board", datetime.date(2026, 10, 14)),  # the latest of its dates
            undated_sheet.pk: ("Board in public", datetime.date(2027, 1, 20)),
            dated_sheet.pk: ("Board", datetime.date(2027, 4, 15)),  # the sheet's own, kept
        }
        fields = {f.name for f in apps.get_model("assessments", "AgreedPosition")._meta.fields}
        assert "meeting_date" not in fields

        apps = migrated(BEFORE)  # undone: each position has its sheet's date again
        dates = apps.get_model("assessments", "AgreedPosition").objects.values_list(
            "assessment_id", "meeting_date"
        )
        assert set(dates) == {
            (no_sheet.pk, datetime.date(2026, 10, 14)),
            (undated_sheet.pk, datetime.date(2027, 1, 20)),
            (dated_sheet.pk, datetime.date(2027, 4, 15)),
        }
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
