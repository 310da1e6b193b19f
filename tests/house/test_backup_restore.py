"""Backup and restore as docs/deploy.md tells a trust's IT team to do it: pg_dump of a
populated instance, pg_restore into a fresh database, every answer and every board paper's
figures identical (PostgreSQL only)."""

import os
import subprocess
import sys
from decimal import Decimal

import pytest
from django.db import connection

from assessments.models import AgreedPosition, PositionEvidence
from assessments.quarter.actions import assessment_close, targets_set
from assessments.quarter.decisions import roadmap_save
from principles.models import Principle
from reports.paper.actions import paper_file
from tests.helpers import ROOT, answer_everything, new_board_member

pytestmark = pytest.mark.django_db(transaction=True)


def server_url() -> str:
    settings = connection.settings_dict
    return f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}"


def digest(database: str) -> str:
    environment = {**os.environ, "DATABASE_URL": f"{server_url()}/{database}"}
    result = subprocess.run(
        [sys.executable, "manage.py", "data_digest"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


@pytest.fixture
def populated(assessment, coordinator, settings):
    """A closed quarter with answers, comments, targets and a frozen paper, and an open one
    part-answered."""
    settings.MIN_RESPONSES = 3
    for score in (2, 3, 5):
        answer_everything(assessment, new_board_member(assessment.trust), score)
    principles = Principle.objects.filter(framework_id=assessment.cycle.framework_id)
    targets_set(
        assessment=assessment,
        levels={principles.get(number=1): Decimal("4"), principles.get(number=2): Decimal("3.5")},
        by=coordinator,
    )
    closed = assessment_close(assessment=assessment, by=coordinator)
    # The board's position with a PDF behind it, and a roadmap step.
    first = principles.get(number=1)
    position = AgreedPosition.objects.create(
        assessment=closed, principle=first, level=Decimal("3"), rationale="Agreed"
    )
    PositionEvidence.objects.create(
        position=position, title="Strategy", pdf=b"%PDF-1.7 bytes", pdf_name="s.pdf"
    )
    levels = {1: Decimal("3.5"), 2: Decimal("3.5"), 3: Decimal("4"), 4: Decimal("4")}
    roadmap_save(assessment=closed, roadmap={first: levels}, by=coordinator)
    paper_file(assessment=closed, by=coordinator)
    return closed


def test_backup_restored_into_a_fresh_database_has_identical_answers_and_papers(
    populated, tmp_path
):
    if connection.vendor != "postgresql":
        pytest.skip("backup and restore are PostgreSQL's pg_dump and pg_restore")
    source = connection.settings_dict["NAME"]
    restored = f"{source}_restored"
    dump = tmp_path / "quarterdeck.dump"
    server = ["-h", connection.settings_dict["HOST"], "-U", connection.settings_dict["USER"]]
    subprocess.run(["pg_dump", *server, "-Fc", "-f", dump, source], check=True)
    subprocess.run(["dropdb", *server, "--if-exists", restored], check=True)
    subprocess.run(["createdb", *server, restored], check=True)
    try:
        subprocess.run(["pg_restore", *server, "--no-owner", "-d", restored, dump], check=True)
        before, after = digest(source), digest(restored)
    finally:
        subprocess.run(["dropdb", *server, "--force", restored], check=True)
    assert before == after
    lines = before.splitlines()
    assert lines[0].startswith("answers 72 ")  # 3 members × 24 questions
    assert lines[1].startswith("position_evidence 1 ")
    assert lines[2].startswith("roadmap_steps 4 ")
    (paper,) = [line for line in lines if line.startswith("paper QAA")]
    fingerprint, frozen = paper.split()[3], paper.split()[4]
    assert frozen == f"frozen={fingerprint}"  # the frozen paper came back with it
