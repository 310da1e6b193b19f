"""The list of sign-in tenants (Programme → Sign-in tenants): programme staff add, change
and remove the Entra ID tenants that may sign people in, each in the audit trail; a tenant
ID that is not a GUID, a tenant already listed, or an ODS code that matches no trust (said
by its line) saves nothing; taking a trust off a tenant, unticking a box, changing its ID
or removing it ends every session signed in through it; nobody else reaches any page."""

import re

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse

from accounts import tenants
from accounts.models import SignedInSession, SignInTenant
from core.models import AuditEvent
from tests.factories import (
    MembershipFactory,
    SignedInSessionFactory,
    SignInTenantFactory,
    TrustFactory,
)
from tests.pages import forbidden, not_found, page_headed, redirected, text, to_sign_in

LIST = reverse("accounts:tenants")
ADD = reverse("accounts:tenant-add")
TENANT_ID = "3f2b9c1e-7a4d-4e8b-9c2a-1d5e6f7a8b9c"
OTHER_ID = "0c8d1a2b-3e4f-4a5b-8c6d-7e8f9a0b1c2d"


def edit_url(tenant) -> str:
    return reverse("accounts:tenant-edit", args=[tenant.pk])


def remove_url(tenant) -> str:
    return reverse("accounts:tenant-remove", args=[tenant.pk])


def form(**changes) -> dict:
    data = {"tenant_id": TENANT_ID, "name": "Testshire directory", "trusts": "QAA"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def errors_of(response) -> list[str]:
    """The error summary's messages, as the page shows them."""
    page = text(response)
    assert response.status_code == 200
    assert '<h2 class="nhsuk-error-summary__heading">There is a problem</h2>' in page
    start = page.index("nhsuk-error-summary__list")
    summary = page[start : page.index("</ul>", start)]
    return re.findall(r'<li><a href="#id_\w+">(.*?)</a></li>', summary)


def signed_in_elsewhere(user, tenant) -> tuple[Client, SignedInSession]:
    """``user`` signed in on another browser through ``tenant``: a real session in the
    store, and its row."""
    browser = Client()
    browser.force_login(user)
    key = browser.session.session_key
    # Signing in records the session; the test says it came through the tenant.
    session = SignedInSession.objects.filter(session_key=key).first()
    if session is None:
        session = SignedInSessionFactory(user=user, session_key=key)
    session.method, session.tenant = SignedInSession.Method.ORGANISATION, tenant
    session.save()
    return browser, session


def still_signed_in(browser: Client) -> bool:
    response = browser.get(reverse("accounts:account"))
    return response.status_code == 200


def audited(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


# The list


def test_the_list_says_whom_each_tenant_signs_in(signed_in, programme_staff, trust, other_trust):
    SignInTenantFactory(name="NHSmail", tenant_id=TENANT_ID, every_trust=True)
    SignInTenantFactory(name="Two trusts' directory", trusts=[trust, other_trust])
    more = [TrustFactory(name=f"Zedbury {n} NHS Trust") for n in (1, 2)]
    SignInTenantFactory(name="Many trusts' directory", trusts=[trust, other_trust, *more])
    SignInTenantFactory(name="Programme directory", programme_staff=True)
    page = text(page_headed(signed_in(programme_staff).get(LIST), "Sign-in tenants"))
    assert f"<code>{TENANT_ID}</code>" in page
    assert "Every trust" in page
    assert "2 trusts: Otherton Community NHS Trust, Testshire Hospitals NHS Trust<" in page
    assert (
        "4 trusts: Otherton Community NHS Trust, Testshire Hospitals NHS Trust, "
        "Zedbury 1 NHS Trust and 1 more<"
    ) in page
    assert "Programme staff" in page
    names = [page.index(f"Name </span>{name}") for name in ("Many", "NHSmail", "Programme", "Two")]
    assert names == sorted(names)
    assert f'href="{ADD}"' in page


def test_the_list_offers_to_change_and_remove_each_tenant(signed_in, programme_staff):
    tenant = SignInTenantFactory(name="NHSmail", every_trust=True)
    page = text(signed_in(programme_staff).get(LIST))
    hidden = '<span class="nhsuk-u-visually-hidden"> NHSmail</span>'
    assert f'<a href="{edit_url(tenant)}">Change{hidden}</a>' in page
    assert f'<a href="{remove_url(tenant)}">Remove{hidden}</a>' in page


def test_an_empty_list_says_nobody_can_sign_in_through_a_tenant(signed_in, programme_staff):
    page = text(page_headed(signed_in(programme_staff).get(LIST), "Sign-in tenants"))
    assert "No tenant is on the list" in page


def test_the_menu_leads_programme_staff_to_the_list(signed_in, programme_staff):
    page = text(signed_in(programme_staff).get(reverse("accounts:account")))
    assert f'href="{LIST}">Sign-in tenants</a>' in page


def test_the_menu_offers_a_coordinator_no_list(signed_in, coordinator):
    page = text(signed_in(coordinator).get(reverse("accounts:account")))
    assert LIST not in page


# Adding


def test_programme_staff_add_a_tenant_whatever_the_case_and_spaces_of_its_id(
    signed_in, programme_staff, trust, other_trust
):
    client = signed_in(programme_staff)
    response = client.post(ADD, form(tenant_id=f"  {TENANT_ID.upper()} ", trusts="qaa\nQBB\n"))
    redirected(response, LIST)
    tenant = SignInTenant.objects.get()
    assert (tenant.tenant_id, tenant.name) == (TENANT_ID, "Testshire directory")
    assert (tenant.every_trust, tenant.programme_staff) == (False, False)
    assert set(tenant.trusts.all()) == {trust, other_trust}
    assert "Testshire directory may now sign people in." in text(client.get(LIST))
    (event,) = audited("sign_in_tenant.added")
    assert event.actor == programme_staff
    assert (event.target_type, event.target_id) == ("accounts.signintenant", str(tenant.pk))
    assert event.detail == {
        "tenant_id": TENANT_ID,
        "name": "Testshire directory",
        "every_trust": False,
        "programme_staff": False,
        "asks_for_second_factor": False,
        "trusts": ["QAA", "QBB"],
    }


def test_trusts_may_be_separated_by_commas_and_named_twice(
    signed_in, programme_staff, trust, other_trust
):
    signed_in(programme_staff).post(ADD, form(trusts="QAA, QBB,qaa"))
    assert set(SignInTenant.objects.get().trusts.all()) == {trust, other_trust}


def test_nhsmail_is_added_for_every_trust_without_listing_them(signed_in, programme_staff):
    signed_in(programme_staff).post(ADD, form(name="NHSmail", every_trust="on", trusts=""))
    tenant = SignInTenant.objects.get()
    assert (tenant.name, tenant.every_trust, tenant.trusts.count()) == ("NHSmail", True, 0)


def test_microsofts_tenant_for_personal_accounts_is_never_listed(signed_in, programme_staff, trust):
    response = signed_in(programme_staff).post(
        ADD, form(tenant_id="9188040D-6C67-4C5B-B112-36A304B66DAD")
    )
    (error,) = errors_of(response)
    assert error.startswith("That is Microsoft&#x27;s tenant for personal accounts")
    assert not SignInTenant.objects.exists()


@pytest.mark.parametrize(
    "tenant_id",
    [
        "nhs.net",
        TENANT_ID.replace("-", ""),
        TENANT_ID + "0",
        "{" + TENANT_ID + "}",
        TENANT_ID.replace("3f", "3g"),
        TENANT_ID.replace("-", " "),
    ],
)
def test_a_tenant_id_that_is_not_a_guid_is_refused_and_nothing_saved(
    signed_in, programme_staff, trust, tenant_id
):
    response = signed_in(programme_staff).post(ADD, form(tenant_id=tenant_id))
    (error,) = errors_of(response)
    assert error.startswith("Enter the tenant ID as Entra ID shows it")
    assert "<title>Error: Add a sign-in tenant" in text(response)
    assert not SignInTenant.objects.exists()
    assert not audited("sign_in_tenant.added")


def test_a_missing_tenant_id_and_name_are_asked_for(signed_in, programme_staff, trust):
    response = signed_in(programme_staff).post(ADD, form(tenant_id="", name=" "))
    assert errors_of(response) == ["Enter the tenant ID", "Enter a name for the tenant"]


def test_unknown_ods_codes_are_named_by_their_line_and_nothing_is_saved(
    signed_in, programme_staff, trust, other_trust
):
    codes = "\r\nQAA\r\nxyz, QBB\r\nNOPE\r\n"
    response = signed_in(programme_staff).post(ADD, form(trusts=codes))
    assert errors_of(response) == [
        "Line 3: there is no trust with ODS code XYZ",
        "Line 4: there is no trust with ODS code NOPE",
    ]
    assert "xyz, QBB" in text(response)  # what was typed, shown back to correct
    assert not SignInTenant.objects.exists()
    assert not audited("sign_in_tenant.added")


def test_a_long_list_of_unknown_codes_names_the_first_lines_and_counts_the_rest(
    signed_in, programme_staff, trust
):
    codes = "\n".join(f"X{n:02d}" for n in range(25))
    errors = errors_of(signed_in(programme_staff).post(ADD, form(trusts=codes)))
    assert len(errors) == 21
    assert errors[0] == "Line 1: there is no trust with ODS code X00"
    assert errors[19] == "Line 20: there is no trust with ODS code X19"
    assert errors[20] == "And 5 more codes on later lines that match no trust"


def test_a_tenant_already_on_the_list_is_refused_whatever_its_case(
    signed_in, programme_staff, trust
):
    SignInTenantFactory(tenant_id=TENANT_ID, name="Added before")
    response = signed_in(programme_staff).post(ADD, form(tenant_id=TENANT_ID.upper()))
    assert errors_of(response) == [
        f"Tenant {TENANT_ID} is on the list already: change that one instead"
    ]
    assert list(SignInTenant.objects.values_list("name", flat=True)) == ["Added before"]
    assert not audited("sign_in_tenant.added")


def test_a_tenant_that_would_sign_in_nobody_is_refused(signed_in, programme_staff):
    response = signed_in(programme_staff).post(ADD, form(trusts=""))
    assert errors_of(response) == [
        "Enter the trusts whose members it may sign in, or tick every trust or programme staff"
    ]
    assert not SignInTenant.objects.exists()


# Changing


def test_the_change_page_shows_the_tenants_trusts_one_a_line(
    signed_in, programme_staff, trust, other_trust
):
    tenant = SignInTenantFactory(name="Both trusts", trusts=[other_trust, trust])
    page = text(page_headed(signed_in(programme_staff).get(edit_url(tenant)), "Change Both trusts"))
    assert "QAA\nQBB</textarea>" in page
    assert f'value="{tenant.tenant_id}"' in page


def test_widening_a_tenant_is_audited_and_ends_no_session(
    signed_in, programme_staff, trust, other_trust, board_member
):
    tenant = SignInTenantFactory(tenant_id=TENANT_ID, name="Old name", trusts=[trust])
    browser, _ = signed_in_elsewhere(board_member, tenant)
    client = signed_in(programme_staff)
    response = client.post(
        edit_url(tenant), form(name="New name", trusts="QAA\nQBB", programme_staff="on")
    )
    redirected(response, LIST)
    tenant.refresh_from_db()
    assert (tenant.name, tenant.programme_staff) == ("New name", True)
    assert set(tenant.trusts.all()) == {trust, other_trust}
    assert still_signed_in(browser)
    assert "New name is changed.<" in text(client.get(LIST))
    (event,) = audited("sign_in_tenant.changed")
    assert event.actor == programme_staff
    assert event.detail == {
        "tenant_id": TENANT_ID,
        "name": "New name",
        "changed": {
            "name": ["Old name", "New name"],
            "programme_staff": [False, True],
            "trusts_added": ["QBB"],
        },
        "sessions_ended": 0,
    }


def test_saving_without_a_change_records_nothing(signed_in, programme_staff, trust):
    tenant = SignInTenantFactory(tenant_id=TENANT_ID, name="Testshire directory", trusts=[trust])
    client = signed_in(programme_staff)
    redirected(client.post(edit_url(tenant), form()), LIST)
    assert "Nothing was changed for Testshire directory." in text(client.get(LIST))
    assert not audited("sign_in_tenant.changed")


NARROWER = {
    "a trust taken off": ({"trusts": [0, 1]}, form(trusts="QAA")),
    "every trust unticked": ({"every_trust": True, "trusts": [0]}, form(trusts="QAA")),
    "programme staff unticked": (
        {"programme_staff": True, "trusts": [0]},
        form(trusts="QAA"),
    ),
    "another directory": ({"trusts": [0]}, form(tenant_id=OTHER_ID)),
    "its second factor no longer vouched for": (
        {"asks_for_second_factor": True, "trusts": [0]},
        form(trusts="QAA"),
    ),
}


@pytest.mark.parametrize(("before", "after"), NARROWER.values(), ids=NARROWER.keys())
def test_a_change_that_narrows_whom_a_tenant_vouches_for_ends_its_sessions(
    signed_in, programme_staff, trust, other_trust, board_member, coordinator, before, after
):
    trusts = [trust, other_trust]
    tenant = SignInTenantFactory(
        tenant_id=TENANT_ID,
        name="Testshire directory",
        **{**before, "trusts": [trusts[i] for i in before["trusts"]]},
    )
    browser, session = signed_in_elsewhere(board_member, tenant)
    SignedInSessionFactory(user=board_member, tenant=tenant)  # no session in the store
    elsewhere = SignInTenantFactory(every_trust=True)
    other_browser, _ = signed_in_elsewhere(coordinator, elsewhere)
    client = signed_in(programme_staff)
    redirected(client.post(edit_url(tenant), after), LIST)
    assert not SignedInSession.objects.filter(tenant=tenant).exists()
    assert not SessionStore().exists(session.session_key)
    to_sign_in(browser.get(reverse("accounts:account")), reverse("accounts:account"))
    assert (
        "Testshire directory is changed. 2 sessions signed in through it ended: those "
        "people sign in again."
    ) in text(client.get(LIST))
    assert still_signed_in(other_browser)
    (event,) = audited("sign_in_tenant.changed")
    assert event.detail["sessions_ended"] == 2


def test_a_narrowing_change_with_nobody_signed_in_says_so(
    signed_in, programme_staff, trust, other_trust
):
    tenant = SignInTenantFactory(name="Both trusts", trusts=[trust, other_trust])
    client = signed_in(programme_staff)
    client.post(edit_url(tenant), form(name="Both trusts", tenant_id=tenant.tenant_id))
    assert "Both trusts is changed. Nobody was signed in through it." in text(client.get(LIST))


def test_changing_to_another_listed_tenants_id_is_refused(signed_in, programme_staff, trust):
    SignInTenantFactory(tenant_id=OTHER_ID, name="The other one", every_trust=True)
    tenant = SignInTenantFactory(tenant_id=TENANT_ID, name="This one", trusts=[trust])
    response = signed_in(programme_staff).post(edit_url(tenant), form(tenant_id=OTHER_ID))
    assert errors_of(response) == [
        f"Tenant {OTHER_ID} is on the list already: change that one instead"
    ]
    tenant.refresh_from_db()
    assert (tenant.tenant_id, tenant.name) == (TENANT_ID, "This one")


def test_an_unknown_code_on_a_change_saves_nothing_and_ends_no_session(
    signed_in, programme_staff, trust, other_trust, board_member
):
    tenant = SignInTenantFactory(name="Both trusts", trusts=[trust, other_trust])
    browser, _ = signed_in_elsewhere(board_member, tenant)
    response = signed_in(programme_staff).post(
        edit_url(tenant), form(name="Renamed", tenant_id=tenant.tenant_id, trusts="QAA\nQZZ")
    )
    assert errors_of(response) == ["Line 2: there is no trust with ODS code QZZ"]
    tenant.refresh_from_db()
    assert tenant.name == "Both trusts"
    assert set(tenant.trusts.all()) == {trust, other_trust}
    assert still_signed_in(browser)
    assert not audited("sign_in_tenant.changed")


# Removing


def test_the_remove_page_asks_first_and_says_who_is_signed_in_through_it(
    signed_in, programme_staff, trust, board_member
):
    tenant = SignInTenantFactory(tenant_id=TENANT_ID, name="Testshire directory", trusts=[trust])
    signed_in_elsewhere(board_member, tenant)
    response = signed_in(programme_staff).get(remove_url(tenant))
    page = text(page_headed(response, "Remove Testshire directory?"))
    assert f"through tenant {TENANT_ID} any more" in page
    assert "1 session signed in through it now will end." in page
    assert f'href="{LIST}">Cancel</a>' in page
    assert SignInTenant.objects.filter(pk=tenant.pk).exists()


def test_removing_a_tenant_ends_its_sessions_and_is_audited(
    signed_in, programme_staff, trust, board_member
):
    tenant = SignInTenantFactory(tenant_id=TENANT_ID, name="Testshire directory", trusts=[trust])
    browser, session = signed_in_elsewhere(board_member, tenant)
    client = signed_in(programme_staff)
    redirected(client.post(remove_url(tenant)), LIST)
    assert not SignInTenant.objects.exists()
    assert not SignedInSession.objects.filter(pk=session.pk).exists()
    assert not SessionStore().exists(session.session_key)
    assert not still_signed_in(browser)
    assert (
        "Testshire directory is removed: nobody signs in through it now. 1 session signed in "
        "through it ended: those people sign in again."
    ) in text(client.get(LIST))
    (event,) = audited("sign_in_tenant.removed")
    assert event.actor == programme_staff
    assert (event.target_type, event.target_id) == ("accounts.signintenant", str(tenant.pk))
    assert event.detail == {
        "tenant_id": TENANT_ID,
        "name": "Testshire directory",
        "every_trust": False,
        "programme_staff": False,
        "trusts": ["QAA"],
        "sessions_ended": 1,
    }


def test_a_tenant_that_does_not_exist_is_not_found(signed_in, programme_staff):
    client = signed_in(programme_staff)
    not_found(client.get(reverse("accounts:tenant-edit", args=[404])))
    not_found(client.post(reverse("accounts:tenant-remove", args=[404])))


# Nobody else


def every_page(tenant) -> list[tuple[str, str]]:
    return [
        ("get", LIST),
        ("get", ADD),
        ("post", ADD),
        ("get", edit_url(tenant)),
        ("post", edit_url(tenant)),
        ("get", remove_url(tenant)),
        ("post", remove_url(tenant)),
    ]


@pytest.mark.parametrize("who", ["board_member", "coordinator"])
def test_nobody_but_programme_staff_reaches_any_page_or_changes_anything(
    who, request, signed_in, trust
):
    tenant = SignInTenantFactory(tenant_id=TENANT_ID, name="Kept", trusts=[trust])
    client = signed_in(request.getfixturevalue(who))
    for method, url in every_page(tenant):
        forbidden(getattr(client, method)(url, form(tenant_id=OTHER_ID, name="Taken")))
    tenant.refresh_from_db()
    assert (tenant.tenant_id, tenant.name) == (TENANT_ID, "Kept")
    assert SignInTenant.objects.count() == 1
    assert not AuditEvent.objects.filter(action__startswith="sign_in_tenant.").exists()


def test_someone_signed_out_is_asked_to_sign_in_for_any_page(client, trust):
    tenant = SignInTenantFactory(trusts=[trust])
    for method, url in every_page(tenant):
        to_sign_in(getattr(client, method)(url), url)
    assert SignInTenant.objects.filter(pk=tenant.pk).exists()


def test_the_list_shows_sign_ins_refused_lately_by_tenant_never_who_tried(
    signed_in, programme_staff, trust
):
    member = MembershipFactory(trust=trust).user
    listed = SignInTenantFactory(name="Westshire directory", tenant_id=OTHER_ID)
    with time_machine.travel("2026-10-01 09:00Z", tick=False):
        tenants.unknown_tenant_refuse(tenant_id="99999999-0000-4000-8000-000000000000")
    with time_machine.travel("2026-12-01 09:00Z", tick=False):
        tenants.unknown_tenant_refuse(tenant_id=TENANT_ID)
        tenants.unknown_tenant_refuse(tenant_id=TENANT_ID)
        tenants.tenant_refuse(tenant=listed, user=member)
    with time_machine.travel("2026-12-02 09:00Z", tick=False):
        page = text(signed_in(programme_staff).get(LIST))
    refused = page[page.index('id="refused"') :]
    assert "Sign-ins refused in the last 30 days" in refused
    assert "99999999-0000-4000-8000-000000000000" not in refused  # two months ago
    unknown_row = refused[refused.index(TENANT_ID) :]
    assert f"{ADD}?tenant_id={TENANT_ID}" in unknown_row
    assert re.search(r"Refused </span>2</td>", unknown_row)
    assert "Yes: Westshire directory" in refused
    assert member.full_name not in refused
    assert member.email not in refused
    # The link fills the tenant ID in on the form.
    with time_machine.travel("2026-12-02 09:00Z", tick=False):
        add = text(signed_in(programme_staff).get(ADD, {"tenant_id": TENANT_ID}))
    assert f'value="{TENANT_ID}"' in add
