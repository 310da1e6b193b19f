"""import_trusts reads the NHS ODS etr.csv format. The files here are written by the tests,
with fictional codes and names."""

import pytest
from django.core.management import CommandError, call_command

from core.models import AuditEvent
from tests.factories import TrustFactory
from trusts.models import Trust, TrustType
from trusts.ods import display_name


def etr_line(code, name, region="Y56", icb="QAA", opened="20200401", closed=""):
    cells = [code, name, region, icb, "ADDRESS 1", "", "", "TOWN", "", "AB1 2CD", opened, closed]
    cells += [""] * 15  # etr.csv has 27 columns
    return ",".join(f'"{cell}"' for cell in cells)


@pytest.fixture
def write(tmp_path):
    def write(*lines, name="etr.csv"):
        path = tmp_path / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    return write


def run(path, *args):
    from io import StringIO

    out = StringIO()
    call_command("import_trusts", str(path), *args, stdout=out)
    return out.getvalue()


def test_import_trusts_creates_open_english_trusts(write, db):
    path = write(
        etr_line("QX1", "TESTSHIRE HOSPITALS NHS FOUNDATION TRUST", region="Y60", icb="QJ2"),
        etr_line("QX2", "OTHERTON AND DISTRICT NHS TRUST"),
    )
    out = run(path)
    assert "2 created, 0 updated, 0 unchanged, 0 skipped" in out
    trust = Trust.objects.get(ods_code="QX1")
    assert (trust.name, trust.region, trust.icb_code) == (
        "Testshire Hospitals NHS Foundation Trust",
        "Y60",
        "QJ2",
    )
    assert Trust.objects.get(ods_code="QX2").name == "Otherton and District NHS Trust"


def test_import_trusts_skips_closed_and_non_english_trusts_and_reports_them(write, db):
    path = write(
        etr_line("QX1", "OPEN NHS TRUST"),
        etr_line("QX2", "SHUT NHS TRUST", closed="20230331"),
        etr_line("QX3", "ACROSS THE BORDER NHS TRUST", region=""),
    )
    out = run(path)
    assert "Skipped QX2: closed" in out
    assert "Skipped QX3: not in an NHS England region" in out
    assert "1 created, 0 updated, 0 unchanged, 2 skipped" in out
    assert list(Trust.objects.values_list("ods_code", flat=True)) == ["QX1"]


def test_import_trusts_second_run_changes_nothing(write, db):
    path = write(etr_line("QX1", "OPEN NHS TRUST"), etr_line("QX22A", "FIVE CHARACTER NHS TRUST"))
    run(path)
    assert "0 created, 0 updated, 2 unchanged, 0 skipped" in run(path)


def test_import_trusts_updates_changed_names_and_regions(write, db):
    TrustFactory(ods_code="QX1", name="Old Name NHS Trust", region="Y56")
    out = run(write(etr_line("QX1", "NEW NAME NHS TRUST", region="Y61")))
    assert "0 created, 1 updated" in out
    trust = Trust.objects.get(ods_code="QX1")
    assert (trust.name, trust.region) == ("New Name NHS Trust", "Y61")


def test_import_trusts_recognises_ambulance_trusts_by_name(write, db):
    run(write(etr_line("QX1", "TESTSHIRE AMBULANCE SERVICE NHS TRUST")))
    assert Trust.objects.get(ods_code="QX1").trust_type == TrustType.AMBULANCE


def test_import_trusts_keeps_a_type_set_in_the_admin(write, db):
    TrustFactory(ods_code="QX1", name="Testshire NHS Trust", trust_type=TrustType.COMMUNITY)
    run(write(etr_line("QX1", "TESTSHIRE NHS TRUST"), etr_line("QX2", "ANOTHER NHS TRUST")))
    assert Trust.objects.get(ods_code="QX1").trust_type == TrustType.COMMUNITY
    assert Trust.objects.get(ods_code="QX2").trust_type == ""


def test_import_trusts_reads_types_from_a_csv(write, db):
    etr = write(etr_line("QX1", "TESTSHIRE NHS TRUST"), etr_line("QX2", "MINDS NHS TRUST"))
    types = write(
        "ods_code,trust_type",
        "QX1,acute-specialist",
        "qx2,Mental health and learning disability",
        name="types.csv",
    )
    run(etr, "--types", str(types))
    assert Trust.objects.get(ods_code="QX1").trust_type == TrustType.ACUTE_SPECIALIST
    assert Trust.objects.get(ods_code="QX2").trust_type == TrustType.MENTAL_HEALTH


def test_import_trusts_is_audited(write, db):
    run(write(etr_line("QX1", "OPEN NHS TRUST")))
    event = AuditEvent.objects.get(action="trusts.imported")
    assert event.detail == {"created": 1, "updated": 0, "skipped": 0}


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ('"QX9","SHORT NHS TRUST","Y56"', "line 2: expected at least 12 columns, found 3"),
        (etr_line("Q-9", "BAD CODE NHS TRUST"), "line 2: 'Q-9' is not an ODS code"),
        (etr_line("QX9", ""), "line 2: trust QX9 has no name"),
        (etr_line("QX9", "BAD DATE NHS TRUST", opened="2020-04-01"), "line 2: open date"),
        (etr_line("QX9", "BAD DATE NHS TRUST", closed="31/03/2023"), "line 2: close date"),
        (etr_line("QX1", "SAME CODE NHS TRUST"), "line 2: ODS code QX1 appears again"),
        ('"QX9","UNCLOSED QUOTE NHS TRUST', "line 2: not valid CSV"),
    ],
)
def test_import_trusts_malformed_line_is_reported_and_nothing_imported(
    write, db, bad_line, message
):
    path = write(etr_line("QX1", "GOOD NHS TRUST"), bad_line, etr_line("QX3", "LATER NHS TRUST"))
    with pytest.raises(CommandError, match="Nothing was imported") as error:
        run(path)
    assert message in str(error.value)
    assert not Trust.objects.exists()
    assert not AuditEvent.objects.exists()


def test_import_trusts_bad_type_file_is_reported_with_line_and_nothing_imported(write, db):
    etr = write(etr_line("QX1", "TESTSHIRE NHS TRUST"))
    types = write("ods_code,trust_type", "QX1,acute", "QX2,hospice", name="types.csv")
    with pytest.raises(CommandError, match=r"line 3: unknown trust type 'hospice'"):
        run(etr, "--types", str(types))
    assert not Trust.objects.exists()


def test_import_trusts_type_file_without_header_is_rejected(write, db):
    etr = write(etr_line("QX1", "TESTSHIRE NHS TRUST"))
    types = write("QX1,acute", name="types.csv")
    with pytest.raises(CommandError, match="line 1: the header must be ods_code,trust_type"):
        run(etr, "--types", str(types))


def test_import_trusts_empty_file_is_rejected(write, db):
    with pytest.raises(CommandError, match="holds no trusts"):
        run(write(""))


def test_import_trusts_missing_file_is_a_clear_error(tmp_path, db):
    with pytest.raises(CommandError, match="no such file"):
        run(tmp_path / "missing.csv")


def test_import_trusts_non_utf8_file_is_rejected(tmp_path, db):
    path = tmp_path / "etr.csv"
    path.write_bytes(etr_line("QX1", "GOOD NHS TRUST").encode() + b"\n\xff\xfe\n")
    with pytest.raises(CommandError, match="not UTF-8"):
        run(path)
    assert not Trust.objects.exists()


@pytest.mark.parametrize(
    ("ods_name", "shown"),
    [
        (
            "KING'S COLLEGE HOSPITAL NHS FOUNDATION TRUST",
            "King's College Hospital NHS Foundation Trust",
        ),
        (
            "THE NEWCASTLE UPON TYNE HOSPITALS NHS FOUNDATION TRUST",
            "The Newcastle upon Tyne Hospitals NHS Foundation Trust",
        ),
        ("BERKSHIRE HEALTHCARE NHS FOUNDATION TRUST", "Berkshire Healthcare NHS Foundation Trust"),
        ("2GETHER NHS FOUNDATION TRUST", "2gether NHS Foundation Trust"),
    ],
)
def test_display_name_reads_naturally(ods_name, shown):
    assert display_name(ods_name) == shown


def test_display_name_keeps_small_words_inside_hyphenated_places():
    assert display_name("STOKE-ON-TRENT NHS TRUST") == "Stoke-on-Trent NHS Trust"
