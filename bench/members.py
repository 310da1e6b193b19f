"""Board members walking the questionnaire on the production stack (the smoke suite's
deployment): the journey both load benchmarks send, the members they send it as, and the
percentile they report (bench/load.py, bench/capacity.py)."""

import zlib
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

from scripts.smoke import PASSWORD, Deployment, open_questionnaire

TRUST = "ZZA"  # the demo trust, whose quarter is open


@dataclass(frozen=True)
class Step:
    """One request of a person's journey."""

    name: str
    method: str
    path: str
    data: dict | None = None
    expect: tuple[int, ...] = (200,)
    answers: int = 0  # answers this request saves


@dataclass
class Board:
    """The demo trust's open questionnaire and the members made to answer it, each of
    whom walks it once."""

    base: str
    pages: dict[int, list[str]]
    emails: deque[str]
    sent: list[int] = field(default_factory=list)  # answers in each save confirmed

    def next_journey(self) -> Iterator[Step]:
        if not self.emails:
            raise LookupError("every member made has walked the questionnaire; make more")
        return journey(self.emails.popleft(), self.base, self.pages)


def journey(email: str, base: str, pages: dict[int, list[str]]) -> Iterator[Step]:
    """A board member's questionnaire: sign in, the start page, every principle page saved
    with answers and comments (a break half way, back to the start page), check, submit."""
    yield Step("sign-in page", "GET", "/sign-in/")
    yield Step("sign in", "POST", "/sign-in/", {"username": email, "password": PASSWORD}, (302,))
    yield Step("questionnaire start", "GET", base)
    numbers = sorted(pages)
    for number in numbers:
        page = f"{base}principles/{number}/"
        yield Step("principle page", "GET", page)
        later = number == numbers[len(numbers) // 2 - 1]
        answers = {"action": "later" if later else "continue"}
        for key in pages[number]:
            prefix = key.replace(".", "-")
            # The same answers in every run: a string's hash() changes from process to process.
            answers[f"{prefix}-level"] = str(1 + zlib.crc32(f"{email} {key}".encode()) % 5)
            answers[f"{prefix}-comment"] = f"Benchmark comment from {email} on {key}."
        yield Step("save page", "POST", page, answers, (302,), len(pages[number]))
        if later:
            yield Step("questionnaire start", "GET", base)
    yield Step("check answers", "GET", f"{base}check/")
    yield Step("submit", "POST", f"{base}check/", None, (302,))


def make_board(deployment: Deployment, count: int, who: str) -> Board:
    """``count`` new board members at the demo trust, ``<who>.member<n>@bench.example``,
    made through the actions as an invitation would, sharing one password hash as
    production makes it (hashing each one would take half a minute and measure nothing)."""
    email = who + ".member{}@bench.example"
    emails = [email.format(n) for n in range(count)]
    deployment.manage(
        "shell",
        "-c",
        "from django.contrib.auth.hashers import make_password\n"
        "from core.audit import SystemActor\n"
        "from trusts.actions import user_create, membership_add\n"
        "from trusts.models import Trust, Role, SeatGroup, User\n"
        f"trust = Trust.objects.get(ods_code='{TRUST}')\n"
        f"by = SystemActor('{who} benchmark')\n"
        f"emails = ['{email}'.format(n) for n in range({count})]\n"
        "for email in emails:\n"
        "    user = user_create(email=email, full_name='Benchmark Member', password=None, by=by)\n"
        "    membership_add(trust=trust, user=user, role=Role.BOARD_MEMBER,"
        " seat_group=SeatGroup.EXECUTIVE, by=by)\n"
        f"User.objects.filter(email__in=emails).update(password=make_password('{PASSWORD}'))\n",
    )
    questionnaire = open_questionnaire(deployment, TRUST)
    return Board(questionnaire.base, questionnaire.pages, deque(emails))


def answers_stored(deployment: Deployment, who: str) -> int:
    """How many answers the members ``make_board`` made for ``who`` have stored."""
    return deployment.query(
        "SELECT count(*) FROM assessments_answer a JOIN assessments_response r"
        " ON r.id = a.response_id JOIN trusts_user u ON u.id = r.respondent_id"
        " WHERE u.email LIKE %s",
        f"{who}.member%@bench.example",
    )[0][0]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]
