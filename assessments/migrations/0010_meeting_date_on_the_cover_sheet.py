"""One meeting: the board's agreed position no longer keeps a meeting date of its own; the
paper's cover sheet (reports.CoverSheet) holds the one date everything reads.

Each assessment's latest position date is carried onto its cover sheet where the sheet has
no date (a sheet is made, for the trust board, where there is none). Undone, each position
gets its sheet's date back (or the day it was recorded). The cover sheet belongs to the
app above this one, so this names its migration as a dependency and reads it through the
historical models: no import runs upwards (config/layers.py)."""

from django.db import migrations, models
from django.db.models import Max


def dates_onto_cover_sheets(apps, schema_editor):
    AgreedPosition = apps.get_model("assessments", "AgreedPosition")
    CoverSheet = apps.get_model("reports", "CoverSheet")
    latest = (
        AgreedPosition.objects.filter(meeting_date__isnull=False)
        .values("assessment_id")
        .annotate(date=Max("meeting_date"))
        .order_by("assessment_id")
    )
    for row in latest:
        sheet = CoverSheet.objects.filter(assessment_id=row["assessment_id"]).first()
        if sheet is None:
            CoverSheet.objects.create(
                assessment_id=row["assessment_id"], meeting="Trust board", meeting_date=row["date"]
            )
        elif sheet.meeting_date is None:
            sheet.meeting_date = row["date"]
            sheet.save()


def dates_back_onto_positions(apps, schema_editor):
    AgreedPosition = apps.get_model("assessments", "AgreedPosition")
    CoverSheet = apps.get_model("reports", "CoverSheet")
    dates = dict(
        CoverSheet.objects.filter(meeting_date__isnull=False).values_list(
            "assessment_id", "meeting_date"
        )
    )
    for position in AgreedPosition.objects.filter(meeting_date__isnull=True):
        position.meeting_date = dates.get(position.assessment_id) or position.recorded_at.date()
        position.save(update_fields=["meeting_date"])


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0009_release_settled"),
        ("reports", "0006_cover_sheet_conventions"),
    ]

    operations = [
        # Nullable first, so that undoing the removal can add the column back before
        # filling it.
        migrations.AlterField(
            model_name="agreedposition", name="meeting_date", field=models.DateField(null=True)
        ),
        migrations.RunPython(dates_onto_cover_sheets, dates_back_onto_positions),
        migrations.RemoveField(model_name="agreedposition", name="meeting_date"),
    ]
