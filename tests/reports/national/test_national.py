"""The national view for programme staff: completion, comparison, distributions, trends,
exports, the synthetic data set and bulk board papers."""

import io
import statistics
import zipfile
from fractions import Fraction as F
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from assessments.models import AssessmentStatus, OverallResult, PrincipleResult
from assessments.results import rules, scoring
from reports.models import BulkExport, BulkExportItem
from reports.national import queries as programme
from reports.national import rows as programme_rows
from seeders.national import seed_national
from tests.factories import (
    AssessmentFactory,
    CycleFactory,
    MembershipFactory,
    OverallResultFactory,
    PrincipleResultFactory,
    TrustFactory,
)
from tests.helpers import answer_everything, run_waiting_tasks
from tests.pages import forbidden, not_found, to_sign_in
from trusts.models import DataOrigin, Region, Role, Trust, TrustType


def compare(client, cycle, **query):
    return client.get(reverse("national:programme-comparison", args=[cycle.slug]), query)


# Comparison (the hand-made national data: tests/conftest.py)


def test_comparison_rows_match_hand_made_results(signed_in, programme_staff, national):
    response = compare(signed_in(programme_staff), national)
    rows = {
        trust.ods_code: [cell.value for cell in cells[:9]]  # the scores; then what they rest on
        for trust, cells in response.context["rows"]
    }
    assert set(rows) == {"QN1", "QN2", "QN3", "QN4"}  # QN5 is below the minimum
    assert rows["QN3"] == ["3.0"] + ["4.0"] * 7 + ["3.9"]  # overall (3 + 7 x 4) / 8 = 3.875
    content = response.content.decode()
    assert "qd-heat--4" in content
    assert "Trust QN5" not in content.split('id="trend"')[0]  # the search may suggest it


def test_comparison_filters_by_region_and_type(signed_in, programme_staff, national):
    client = signed_in(programme_staff)
    rows = compare(client, national, region="Y56").context["rows"]
    assert sorted(t.ods_code for t, _ in rows) == ["QN1", "QN2"]
    rows = compare(client, national, region="Y56", type="acute").context["rows"]
    assert [t.ods_code for t, _ in rows] == ["QN1"]


def test_comparison_filters_by_icb(signed_in, programme_staff, national):
    Trust.objects.filter(ods_code="QN4").update(icb_code="QX9")
    rows = compare(signed_in(programme_staff), national, icb="qx9").context["rows"]
    assert [t.ods_code for t, _ in rows] == ["QN4"]


def test_comparison_sorts_by_a_principle_either_way(signed_in, programme_staff, national):
    client = signed_in(programme_staff)
    rows = compare(client, national, sort="p2", order="desc").context["rows"]
    assert [t.ods_code for t, _ in rows] == ["QN4", "QN3", "QN2", "QN1"]
    rows = compare(client, national, sort="overall", order="asc").context["rows"]
    assert [t.ods_code for t, _ in rows] == ["QN1", "QN2", "QN3", "QN4"]


def test_comparison_distribution_hand_computed(signed_in, programme_staff, national, monkeypatch):
    monkeypatch.setattr(rules, "MIN_TRUSTS", 1)  # the arithmetic, on small groups
    rows = compare(signed_in(programme_staff), national, principle="2").context["distribution"]
    by_label = {row.label: row.values for row in rows}
    # scores 2, 3, 4, 5: quartiles (inclusive) 2.75 and 4.25, median 3.5; half up
    assert by_label["All trusts"] == ("4", "2.0", "2.8", "3.5", "4.3", "5.0")
    assert by_label["Type: Acute"] == ("3", "2.0", "3.0", "4.0", "4.5", "5.0")
    assert by_label["Region: North West"][3] == "4.5"


def test_comparison_spread_only_for_groups_large_enough(signed_in, programme_staff, national):
    rows = compare(signed_in(programme_staff), national, principle="2").context["distribution"]
    assert rules.MIN_TRUSTS == 5
    assert all(not row.shown and row.values == (row.values[0],) for row in rows)  # <= 4 trusts
    content = compare(signed_in(programme_staff), national, principle="2").content.decode()
    assert "Too few trusts to show a spread" in content


def test_comparison_trust_trend_beside_peers(signed_in, programme_staff, national, monkeypatch):
    monkeypatch.setattr(rules, "MIN_TRUSTS", 3)  # the arithmetic, on a small group
    trend = compare(signed_in(programme_staff), national, trust="qn1").context["trend"]
    (quarter,) = trend
    assert quarter.quarter == "2026/27 Q3"
    assert quarter.trust == "1.9"  # (1 + 7 x 2) / 8
    assert (quarter.peers, quarter.peer_count) == ("3.9", 3)  # median of 2.875, 3.875, 4.875


def test_every_national_figure_from_too_few_trusts_is_hidden_by_the_one_rule(
    signed_in, programme_staff, national
):
    """Three other trusts: no peers' median in the trend, no spread, no peer summary on a
    paper, all by rules.MIN_TRUSTS."""
    assert not rules.enough_trusts(3)
    client = signed_in(programme_staff)
    (quarter,) = compare(client, national, trust="qn1").context["trend"]
    assert (quarter.peers, quarter.peer_count) == ("–", 3)
    spreads = compare(client, national, principle="2").context["distribution"]
    assert not any(row.shown for row in spreads)
    assert scoring.peer_summary([F(2), F(3), F(4)]) is None
    content = compare(client, national, trust="qn1").content.decode()
    assert "3.9" not in content.split('id="trend"')[1]


def test_trust_trend_peer_medians_match_every_other_trusts_scores_in_each_quarter(
    national, monkeypatch
):
    """The database's middle rows give the median of the whole group: odd and even groups,
    two quarters ranked apart, a filter, and a group with too few responses left out."""
    monkeypatch.setattr(rules, "MIN_TRUSTS", 1)  # the arithmetic, on small groups
    later = CycleFactory(year=2027, quarter=1, framework=national.framework)
    for code, score in [("QN1", F(9, 4)), ("QN2", F(7, 2)), ("QN3", F(13, 4)), ("QN4", F(3))]:
        assessment = AssessmentFactory(
            trust=Trust.objects.get(ods_code=code), cycle=later, status=AssessmentStatus.CLOSED
        )
        OverallResultFactory(assessment=assessment, respondents=5, score=score)
    extra = AssessmentFactory(
        trust=TrustFactory(region=Region.LONDON), cycle=later, status=AssessmentStatus.CLOSED
    )
    OverallResultFactory(assessment=extra, respondents=5, score=F(41, 10))
    for code in ("QN1", "QN3"):
        trust = Trust.objects.get(ods_code=code)
        for filters in (programme.Filters(), programme.Filters(region=Region.LONDON)):
            points = programme.trust_trend(trust, filters)
            trend = programme_rows.trend_rows(points)
            assert [row.quarter for row in trend] == ["2026/27 Q3", "2027/28 Q1"]
            for point, row, cycle in zip(points, trend, (national, later), strict=True):
                others = filters.apply(
                    OverallResult.objects.filter(
                        assessment__cycle=cycle, respondents__gte=rules.minimum_group()
                    ).exclude(assessment__trust=trust),
                    prefix="assessment__trust__",
                )
                scores = [other.score for other in others]
                assert row.peer_count == len(scores)
                assert point.peers == (statistics.median(scores) if scores else None)  # exactly
                assert row.peers == (rules.shown(statistics.median(scores)) if scores else "–")


@pytest.mark.parametrize("role_fixture", ["board_member", "coordinator"])
@pytest.mark.parametrize(
    "name",
    ["national:programme-completion", "national:programme-comparison", "national:bulk-papers"],
)
def test_national_pages_trust_roles_are_403(signed_in, request, role_fixture, name, cycle):
    user = request.getfixturevalue(role_fixture)
    forbidden(signed_in(user).get(reverse(name, args=[cycle.slug])))


@pytest.mark.parametrize(
    "name",
    ["national:programme-completion", "national:programme-comparison", "national:bulk-papers"],
)
def test_national_pages_anonymous_redirects(client, name, cycle):
    url = reverse(name, args=[cycle.slug])
    to_sign_in(client.get(url), url)


def test_national_pages_unknown_quarter_is_404(signed_in, programme_staff, cycle):
    url = reverse("national:programme-comparison", args=["2030-31-q1"])
    not_found(signed_in(programme_staff).get(url))


def test_comparison_queries_stay_constant(
    signed_in, programme_staff, national, django_assert_num_queries
):
    client = signed_in(programme_staff)
    compare(client, national)  # warm the process caches
    # session, user, the quarters (the one shown among them), the closed assessments and
    # their principle rows, the ICB list
    with django_assert_num_queries(6):
        compare(client, national)
    for n in range(6):
        trust = TrustFactory(ods_code=f"QM{n}")
        assessment = AssessmentFactory(trust=trust, cycle=national, status=AssessmentStatus.CLOSED)
        PrincipleResultFactory(
            assessment=assessment, principle=national.framework.principles.first()
        )
    with django_assert_num_queries(6):
        compare(client, national)


# Exports


def test_comparison_csv_export_follows_the_filters(signed_in, programme_staff, national):
    url = reverse("national:programme-comparison-export", args=[national.slug, "csv"])
    response = signed_in(programme_staff).get(url, {"region": "Y62"})
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("trust_ods_code,trust_name,region,trust_type,principle_1")
    assert [line.split(",")[0] for line in lines[1:]] == ["QN3", "QN4"]
    assert lines[0].endswith(",overall,respondents,board_size,response_rate,confidence")
    assert ",3.0,4.0,4.0,4.0,4.0,4.0,4.0,4.0,3.875,5," in lines[1]  # exact, 4 places
    assert response["Content-Disposition"] == 'attachment; filename="comparison-2026-27-q3.csv"'


def test_comparison_xlsx_export(signed_in, programme_staff, national):
    url = reverse("national:programme-comparison-export", args=[national.slug, "xlsx"])
    workbook = load_workbook(io.BytesIO(signed_in(programme_staff).get(url).content))
    rows = list(workbook["Comparison"].values)
    assert len(rows) == 5
    assert rows[1][0] == "QN1"


def test_comparison_export_coordinator_is_403(signed_in, coordinator, national):
    url = reverse("national:programme-comparison-export", args=[national.slug, "csv"])
    forbidden(signed_in(coordinator).get(url))


# Completion


def test_completion_counts_statuses_and_response_rates(
    signed_in, programme_staff, assessment, board_member
):
    answer_everything(assessment, board_member)
    MembershipFactory(trust=assessment.trust, role=Role.BOARD_MEMBER)
    response = signed_in(programme_staff).get(
        reverse("national:programme-completion", args=[assessment.cycle.slug])
    )
    completion = response.context["completion"]
    rows = {row.trust.ods_code: row for row in completion.rows}
    assert (
        rows["QAA"].status,
        rows["QAA"].submitted,
        rows["QAA"].board_size,
        rows["QAA"].rate,
    ) == ("Open", 1, 2, "50%")
    assert rows["QBB"].status == "Not opened"
    assert (completion.opened, completion.not_opened, completion.closed) == (1, 1, 0)


def test_completion_filters_by_region(signed_in, programme_staff, assessment):
    Trust.objects.filter(ods_code="QBB").update(region=Region.MIDLANDS)
    response = signed_in(programme_staff).get(
        reverse("national:programme-completion", args=[assessment.cycle.slug]), {"region": "Y60"}
    )
    assert [row.trust.ods_code for row in response.context["completion"].rows] == ["QBB"]


def test_completion_queries_stay_constant(
    signed_in, programme_staff, assessment, django_assert_num_queries
):
    client = signed_in(programme_staff)
    url = reverse("national:programme-completion", args=[assessment.cycle.slug])
    client.get(url)
    # session, user, the quarters (the one shown among them), trusts with their counts,
    # ICB list
    with django_assert_num_queries(5):
        client.get(url)
    for n in range(5):
        MembershipFactory(trust=TrustFactory(ods_code=f"QC{n}"), role=Role.BOARD_MEMBER)
    with django_assert_num_queries(5):
        client.get(url)


# The synthetic national data set


def test_seed_national_builds_answered_quarters_and_marks_trusts_synthetic(db, client):
    report = seed_national(trust_count=6, quarters=2, seed=1)
    assert (report.trusts, report.cycles) == (6, 2)
    trusts = Trust.objects.filter(origin=DataOrigin.SYNTHETIC)
    assert trusts.count() == 6
    assert 6 * 8 <= report.members <= 6 * 14
    assert report.answers == 24 * report.responses
    closed = PrincipleResult.objects.filter(assessment__status=AssessmentStatus.CLOSED)
    assert closed.values("assessment").distinct().count() == 6  # last quarter closed, this one open
    assert "Synthetic data" in client.get(reverse("accounts:sign-in")).content.decode()
    again = seed_national(trust_count=6, quarters=2, seed=1)
    assert again.answers == 0  # nothing is written twice


def test_seed_national_from_an_ods_file(db, tmp_path):
    from tests.trusts.test_import_trusts import etr_line

    path = tmp_path / "etr.csv"
    path.write_text(
        "\n".join(
            [
                etr_line("QZ1", "TESTSHIRE HOSPITALS NHS TRUST"),
                etr_line("QZ2", "TESTSHIRE AMBULANCE SERVICE NHS TRUST", region="Y60"),
                etr_line("QZ3", "SHUT NHS TRUST", closed="20200101"),
            ]
        )
        + "\n"
    )
    out = StringIO()
    call_command("seed_national", str(path), "--quarters", "1", stdout=out)
    assert sorted(
        Trust.objects.filter(origin=DataOrigin.SYNTHETIC).values_list("ods_code", flat=True)
    ) == ["QZ1", "QZ2"]
    assert Trust.objects.get(ods_code="QZ2").trust_type == TrustType.AMBULANCE
    assert "2 trusts, 1 quarters" in out.getvalue()


# Bulk board papers


@pytest.fixture(autouse=True)
def _bulk_work_waits_for_workers(database_tasks):
    pass


def test_bulk_papers_makes_one_zip_of_every_closed_paper(
    signed_in, programme_staff, closed_pair, django_capture_on_commit_callbacks
):
    client = signed_in(programme_staff)
    url = reverse("national:bulk-papers", args=[closed_pair[0].cycle.slug])
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(url, follow=True).content.decode()
    assert "We are making the ZIP of 2 board papers." in started
    export = BulkExport.objects.get()
    assert "0 of 2 papers (0%)" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        run_waiting_tasks()
    with django_capture_on_commit_callbacks(execute=True):
        run_waiting_tasks()  # the ZIP, queued by the last paper
    export.refresh_from_db()
    assert export.status == BulkExport.Status.DONE
    page = client.get(url).content.decode()
    assert "2 of 2 papers (100%)" in page
    download = client.get(reverse("national:bulk-papers-download", args=[export.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    download.close()
    assert sorted(archive.namelist()) == [
        "board-paper-qp1-202627-q3.pdf",
        "board-paper-qp2-202627-q3.pdf",
    ]
    assert archive.read("board-paper-qp1-202627-q3.pdf").startswith(b"%PDF-")


def test_bulk_papers_reports_one_trusts_failure_and_makes_the_rest(
    programme_staff, closed_pair, django_capture_on_commit_callbacks
):
    from reports.national import bulk

    real = bulk.paper_file

    def fail_for_qp1(*, assessment, by):
        if assessment.trust.ods_code == "QP1":
            raise RuntimeError("fonts missing")
        return real(assessment=assessment, by=by)

    with mock.patch.object(bulk, "paper_file", fail_for_qp1):
        with django_capture_on_commit_callbacks(execute=True):
            export = bulk.bulk_export_start(cycle=closed_pair[0].cycle, by=programme_staff)
        with django_capture_on_commit_callbacks(execute=True):
            run_waiting_tasks()
        with django_capture_on_commit_callbacks(execute=True):
            run_waiting_tasks()
    export.refresh_from_db()
    assert export.status == BulkExport.Status.DONE
    progress = bulk.progress_of(export)
    assert progress.failures == [
        {"trust": "Paper Trust QP1 (QP1)", "error": "RuntimeError: fonts missing"}
    ]
    with export.zip_file.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        assert sorted(archive.namelist()) == ["board-paper-qp2-202627-q3.pdf", "failures.txt"]


def test_bulk_papers_counts_a_repeated_task_once(programme_staff, closed_pair):
    from reports.national import bulk

    export = bulk.bulk_export_start(cycle=closed_pair[0].cycle, by=programme_staff)
    for _ in range(2):
        bulk.make_paper.call(export.pk, closed_pair[0].pk)
    assert BulkExportItem.objects.filter(export=export).count() == 1
    export.refresh_from_db()
    assert export.status != BulkExport.Status.ZIPPING


def test_bulk_papers_download_before_ready_is_404(signed_in, programme_staff, closed_pair):
    from reports.national import bulk

    export = bulk.bulk_export_start(cycle=closed_pair[0].cycle, by=programme_staff)
    response = signed_in(programme_staff).get(
        reverse("national:bulk-papers-download", args=[export.pk])
    )
    not_found(response)


def test_bulk_papers_command_reports_progress_and_the_zip(closed_pair, tmp_path):
    """The command's own worker processes cannot see this test's database, so its loop is
    exercised with workers that run in this process instead."""
    from reports.management.commands import bulk_papers

    class InProcess:
        def poll(self):
            return 0

        def wait(self):
            return 0

    def worker(papers):
        run_waiting_tasks()
        return InProcess()

    out = StringIO()
    with (
        mock.patch.object(bulk_papers.Command, "_worker", staticmethod(worker)),
        mock.patch("django.db.transaction.on_commit", side_effect=lambda f, *a, **k: f()),
    ):
        call_command(
            "bulk_papers", "--cycle", "2026/27 Q3", "--output", tmp_path / "papers.zip", stdout=out
        )
    assert "2 closed board papers for 2026/27 Q3" in out.getvalue()
    assert "2 papers in" in out.getvalue()
    assert str(tmp_path / "papers.zip") in out.getvalue()
    with zipfile.ZipFile(tmp_path / "papers.zip") as archive:
        assert len([name for name in archive.namelist() if name.endswith(".pdf")]) == 2


# An export forgotten while it is made: an erasure or the retention schedule changed what
# its papers print (reports.paper.actions._forget_files deletes the quarter's exports).


def test_a_forgotten_exports_waiting_papers_are_not_made(programme_staff, closed_pair):
    from reports.national import bulk

    export = bulk.bulk_export_start(cycle=closed_pair[0].cycle, by=programme_staff)
    BulkExport.objects.filter(pk=export.pk).delete()
    with mock.patch.object(bulk, "paper_file") as paper_file:
        bulk.make_paper.call(export.pk, closed_pair[0].pk)
    paper_file.assert_not_called()
    assert not BulkExportItem.objects.exists()


def test_an_export_forgotten_while_a_paper_is_made_records_nothing(programme_staff, closed_pair):
    from reports.national import bulk

    export = bulk.bulk_export_start(cycle=closed_pair[0].cycle, by=programme_staff)

    def forgotten_meanwhile(*, assessment, by):
        BulkExport.objects.filter(pk=export.pk).delete()

    with mock.patch.object(bulk, "paper_file", forgotten_meanwhile):
        bulk.make_paper.call(export.pk, closed_pair[0].pk)
    assert not BulkExportItem.objects.exists()
    assert not BulkExport.objects.exists()


def test_an_export_forgotten_while_its_zip_is_written_keeps_no_file(
    programme_staff, closed_pair, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    from reports.national import bulk

    with django_capture_on_commit_callbacks(execute=True):
        export = bulk.bulk_export_start(cycle=closed_pair[0].cycle, by=programme_staff)
    with django_capture_on_commit_callbacks(execute=True):
        run_waiting_tasks()  # both papers; the ZIP waits its turn
    assert BulkExport.objects.get().status == BulkExport.Status.ZIPPING
    real = bulk.progress_of

    def forgotten_meanwhile(export):
        BulkExport.objects.filter(pk=export.pk).delete()
        return real(export)

    with mock.patch.object(bulk, "progress_of", forgotten_meanwhile):
        bulk.make_zip.call(export.pk)
    assert not BulkExport.objects.exists()
    assert default_storage.listdir("exports") == ([], [])
    bulk.make_zip.call(export.pk)  # a ZIP asked for again after it went: nothing to do


def test_the_bulk_papers_command_says_when_its_zip_was_withdrawn(closed_pair, tmp_path):
    from django.core.management.base import CommandError

    from reports.management.commands import bulk_papers

    def worker(papers):
        BulkExport.objects.all().delete()  # forgotten while the workers start
        return mock.Mock(poll=lambda: 0, wait=lambda: 0)

    with (
        mock.patch.object(bulk_papers.Command, "_worker", staticmethod(worker)),
        mock.patch("django.db.transaction.on_commit"),
        pytest.raises(CommandError, match=r"this ZIP was withdrawn\. Run the command again"),
    ):
        call_command(
            "bulk_papers",
            "--cycle",
            "2026/27 Q3",
            "--output",
            tmp_path / "papers.zip",
            stdout=StringIO(),
        )
    assert not (tmp_path / "papers.zip").exists()


def closed_with_a_comment(cycle, code: str):
    """A closed quarter whose one member commented: erasing them withdraws the comments,
    so the quarter's stored papers and bulk ZIPs are forgotten."""
    from assessments.models import AssessmentStatus
    from assessments.quarter.actions import assessment_close
    from assessments.questionnaire.actions import AnswerInput, answers_save, response_submit
    from principles.models import Question
    from tests.factories import SETUP, AssessmentFactory, MembershipFactory, TrustFactory

    trust = TrustFactory(ods_code=code, name=f"Paper Trust {code}")
    assessment = AssessmentFactory(trust=trust, cycle=cycle, status=AssessmentStatus.OPEN)
    member = MembershipFactory(trust=trust, role=Role.BOARD_MEMBER).user
    questions = Question.objects.filter(framework_id=cycle.framework_id)
    answers = {q: AnswerInput(score=3, comment="Said in the meeting") for q in questions}
    response = answers_save(assessment=assessment, respondent=member, answers=answers, by=member)
    response_submit(response=response, by=member)
    return assessment_close(assessment=assessment, by=SETUP), member


def test_an_erasure_while_the_papers_are_made_withdraws_the_zip_and_stops_the_rest(
    programme_staff, closed_pair
):
    from django.core.files.storage import default_storage

    from assessments.privacy.erasure import person_erase
    from reports.national import bulk

    commented, member = closed_with_a_comment(closed_pair[0].cycle, "QP3")
    export = bulk.bulk_export_start(cycle=commented.cycle, by=programme_staff)
    bulk.make_paper.call(export.pk, commented.pk)
    person_erase(user=member, by=programme_staff)
    assert not BulkExport.objects.exists()
    assert not BulkExportItem.objects.exists()
    with mock.patch.object(bulk, "paper_file") as paper_file:
        bulk.make_paper.call(export.pk, closed_pair[1].pk)
    paper_file.assert_not_called()
    bulk.make_zip.call(export.pk)
    assert not BulkExport.objects.exists()
    assert default_storage.listdir("exports") == ([], [])


@pytest.mark.django_db(transaction=True)
def test_an_erasure_that_meets_a_paper_being_recorded_waits_and_withdraws_both(
    programme_staff, closed_pair
):
    """On PostgreSQL a worker records another trust's paper against the export while an
    erasure forgets the quarter's exports: the erasure waits for the worker's lock, then
    withdraws the export with the paper just recorded (without the lock its commit broke
    on the paper's reference to the export it had deleted). SQLite queues every writer."""
    import threading

    from django.db import connection

    from assessments.privacy.erasure import person_erase
    from reports.national import bulk

    if connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL runs two writers at once")
    commented, member = closed_with_a_comment(closed_pair[0].cycle, "QP3")
    export = bulk.bulk_export_start(cycle=commented.cycle, by=programme_staff)
    recording, problems = threading.Event(), []
    record = bulk._zip_when_complete

    def once_the_erasure_waits(export_id):
        recording.set()
        with connection.cursor() as cursor:
            for _ in range(200):  # until the erasure waits on a lock this worker holds
                cursor.execute("SELECT pg_stat_clear_snapshot()")  # kept per transaction
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND wait_event_type = 'Lock'"
                )
                if cursor.fetchone()[0]:
                    break
                threading.Event().wait(0.05)
            else:
                problems.append("the erasure never waited for the worker")
        record(export_id)

    def in_a_thread(work):
        def run():
            try:
                work()
            except Exception as problem:
                problems.append(problem)
            finally:
                connection.close()

        return threading.Thread(target=run)

    def erase():
        recording.wait(30)
        person_erase(user=member, by=programme_staff)

    with mock.patch.object(bulk, "_zip_when_complete", once_the_erasure_waits):
        threads = [
            in_a_thread(lambda: bulk.make_paper.call(export.pk, closed_pair[1].pk)),
            in_a_thread(erase),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert problems == []
    assert not BulkExport.objects.exists()
    assert not BulkExportItem.objects.exists()
