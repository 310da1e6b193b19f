"""No empty offers: where an action would do nothing, the page says why in a sentence
instead of offering it, and the endpoint, called anyway, refuses and changes nothing."""

from django.core import mail
from django.urls import reverse

from assessments.models import Assessment, AssessmentStatus, Reminder
from assessments.quarter.actions import assessment_close
from core.models import AuditEvent
from reports.models import BulkExport
from tests.assessments.quarter.test_quarter_checklist import statuses, url
from tests.helpers import new_board_member, submitted_board

REMIND = "Remind those who have not answered"
CLOSE = "Close the questionnaire"


def detail(client, assessment) -> str:
    return client.get(url(assessment, "quarter:assessment-detail")).content.decode()


def refused(client, assessment, name: str, sentence: str):
    """The POST redirects to the quarter, says why, and sends and records nothing."""
    events = AuditEvent.objects.count()
    reminders = Reminder.objects.count()
    status = Assessment.objects.get(pk=assessment.pk).status
    response = client.post(url(assessment, name), follow=True)
    assert sentence in response.content.decode()
    assert mail.outbox == []
    assert Reminder.objects.count() == reminders
    assert AuditEvent.objects.count() == events
    assert Assessment.objects.get(pk=assessment.pk).status == status


# Reminders


def test_closed_quarter_offers_no_reminder(signed_in, coordinator, assessment):
    submitted_board(assessment, 1)
    new_board_member(assessment.trust)  # never answered
    assessment_close(assessment=assessment, by=coordinator)
    mail.outbox.clear()
    client = signed_in(coordinator)
    content = detail(client, assessment)
    # Reminding belongs to the stage that has passed: not a step any more.
    assert REMIND not in statuses(content)
    assert "not reminded today" not in content
    assert f'href="{url(assessment, "quarter:assessment-remind")}"' not in content
    assert client.get(url(assessment, "quarter:assessment-remind")).status_code == 302
    refused(client, assessment, "quarter:assessment-remind", "the questionnaire is closed")


def test_everyone_submitted_offers_no_reminder(signed_in, coordinator, assessment):
    submitted_board(assessment, 2)
    mail.outbox.clear()
    client = signed_in(coordinator)
    content = detail(client, assessment)
    assert statuses(content)[REMIND] == "Nobody to remind: everyone has submitted"
    assert f'href="{url(assessment, "quarter:assessment-remind")}"' not in content
    refused(client, assessment, "quarter:assessment-remind", "everyone has submitted")


def test_everyone_reminded_today_offers_no_reminder(
    signed_in, coordinator, assessment, django_capture_on_commit_callbacks
):
    new_board_member(assessment.trust)
    client = signed_in(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(assessment, "quarter:assessment-remind"))
    assert len(mail.outbox) == 1
    mail.outbox.clear()
    content = detail(client, assessment)
    assert statuses(content)[REMIND] == "Reminded today: nobody else to remind"
    assert f'href="{url(assessment, "quarter:assessment-remind")}"' not in content
    refused(client, assessment, "quarter:assessment-remind", "had one today")


def test_board_with_nobody_offers_no_reminder(signed_in, coordinator, assessment):
    mail.outbox.clear()
    client = signed_in(coordinator)
    content = detail(client, assessment)
    assert statuses(content)[REMIND] == "Nobody to remind: the board has no members yet"
    refused(client, assessment, "quarter:assessment-remind", "the board has no members yet")


# Closing and opening


def test_closed_quarter_offers_no_close(signed_in, coordinator, assessment):
    submitted_board(assessment, 1)
    assessment_close(assessment=assessment, by=coordinator)
    mail.outbox.clear()
    client = signed_in(coordinator)
    content = detail(client, assessment)
    assert f'href="{url(assessment, "quarter:assessment-close")}"' not in content
    page = client.get(url(assessment, "quarter:assessment-close"), follow=True).content.decode()
    assert "Close the questionnaire</button>" not in page
    assert "already closed" in page
    refused(client, assessment, "quarter:assessment-close", "already closed")


def test_open_quarter_offers_no_second_opening(signed_in, coordinator, assessment):
    new_board_member(assessment.trust)
    mail.outbox.clear()
    client = signed_in(coordinator)
    page = client.get(url(assessment, "quarter:assessment-open"), follow=True).content.decode()
    assert "and email the board</button>" not in page
    assert "already open" in page
    refused(client, assessment, "quarter:assessment-open", "already open")


# The bulk ZIP of board papers


def test_bulk_papers_with_nothing_closed_offers_no_zip(signed_in, programme_staff, assessment):
    client = signed_in(programme_staff)
    page_url = reverse("national:bulk-papers", args=[assessment.cycle.slug])
    page = client.get(page_url).content.decode()
    assert "No trust has closed" in page
    assert "Make the ZIP" not in page
    assert "Make a new ZIP" not in page
    events = AuditEvent.objects.count()
    response = client.post(page_url, follow=True)
    assert "No trust has closed" in response.content.decode()
    assert BulkExport.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_an_old_zip_of_no_papers_is_not_offered(
    signed_in, programme_staff, coordinator, assessment
):
    from django.core.files.base import ContentFile

    export = BulkExport.objects.create(
        cycle=assessment.cycle, total=0, status=BulkExport.Status.DONE
    )
    export.zip_file.save("empty.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18))
    client = signed_in(programme_staff)
    page = client.get(
        reverse("national:bulk-papers", args=[assessment.cycle.slug])
    ).content.decode()
    assert "Download the ZIP of 0" not in page
    assert reverse("national:bulk-papers-download", args=[export.pk]) not in page
    assert client.get(reverse("national:bulk-papers-download", args=[export.pk])).status_code == 404
    # Once a quarter is closed there is something to make again.
    submitted_board(assessment, 1)
    assessment_close(assessment=assessment, by=coordinator)
    page = client.get(
        reverse("national:bulk-papers", args=[assessment.cycle.slug])
    ).content.decode()
    assert "Make the ZIP of all board papers" in page


# Exporting a comparison with no results


def test_comparison_with_no_results_offers_no_download(signed_in, programme_staff, assessment):
    assert assessment.status == AssessmentStatus.OPEN
    page = (
        signed_in(programme_staff)
        .get(reverse("national:programme-comparison", args=[assessment.cycle.slug]))
        .content.decode()
    )
    assert "There is no table to download" in page
    assert (
        reverse("national:programme-comparison-export", args=[assessment.cycle.slug, "csv"])
        not in page
    )


def test_comparison_with_results_still_offers_download(signed_in, programme_staff, national):
    page = (
        signed_in(programme_staff)
        .get(reverse("national:programme-comparison", args=[national.slug]))
        .content.decode()
    )
    assert reverse("national:programme-comparison-export", args=[national.slug, "csv"]) in page
    assert "There is no table to download" not in page
