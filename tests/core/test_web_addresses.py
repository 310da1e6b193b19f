"""Evidence links, a board member's or a coordinator's, are full https web addresses with no
user name or password in them (core.fields.https_only): the paper prints a link as typed,
and a browser opening it would send them on."""

import pytest
from django.core.exceptions import ValidationError

from assessments.quarter.evidence_forms import EvidenceForm
from core.fields import HTTPS_ONLY_MESSAGE, https_only

REFUSED = [
    "http://www.example.nhs.uk/report",
    "javascript:alert(1)",
    "www.example.nhs.uk/report",
    "https://jo:secret@www.example.nhs.uk/report",
    "https://jo@www.example.nhs.uk/report",
    "https://:secret@www.example.nhs.uk/report",
]


@pytest.mark.parametrize("link", REFUSED)
def test_a_link_that_is_not_a_plain_https_address_is_refused_saying_what_to_enter(link):
    with pytest.raises(ValidationError) as refused:
        https_only(link)
    assert refused.value.messages == [
        "Enter a full web address that starts with https://, like https://www.example.nhs.uk/report"
    ]


@pytest.mark.parametrize(
    "link",
    [
        "https://www.example.nhs.uk/report",
        "https://www.example.nhs.uk/report?contact=jo@example.nhs.uk#part-2",
        "https://www.example.nhs.uk/people/@jo",
    ],
)
def test_an_https_address_with_an_at_sign_after_its_host_is_accepted(link):
    https_only(link)


def test_the_validator_stays_the_same_in_migrations():
    path, args, kwargs = https_only.deconstruct()
    assert (path, args) == ("core.fields.HttpsOnly", ())
    assert type(https_only)(*args, **kwargs) == https_only


@pytest.mark.parametrize(
    "link", ["http://www.example.nhs.uk/report", "https://jo:secret@www.example.nhs.uk/report"]
)
def test_a_coordinators_evidence_link_is_refused_the_same_way(link):
    form = EvidenceForm(data={"title": "Cyber audit", "url": link})
    assert not form.is_valid()
    assert form.errors["url"] == [HTTPS_ONLY_MESSAGE]
