"""The home page and a trust's own page: each lists the trust's quarters, so they live
here, above trusts (config/layers.py)."""

from dataclasses import dataclass

from django.shortcuts import render
from django.urls import reverse

from assessments.models import Assessment, Cycle, QuarterState
from assessments.quarter.home import NextStep, board_papers, paper_link, quarter_step, trust_cards
from assessments.quarter.selectors import trust_cycles
from assessments.selectors import current_assessments
from trusts.models import Trust
from trusts.permissions import Permission, has_permission, requires, requires_on_trust


@requires(Permission.SERVICE_USE)
def home(request):
    return render(request, "quarter/home.html", {"cards": trust_cards(request.user)})


@requires(Permission.SERVICE_USE)
def papers(request):
    """Every published board paper of the person's boards, newest first by trust."""
    return render(request, "quarter/papers.html", {"trusts": board_papers(request.user)})


@requires_on_trust(Permission.TRUST_VIEW)
def trust_detail(request, trust: Trust):
    """A trust's page, grouped as its digital lead thinks of it: the quarters, the board,
    the decisions, the records. Each person sees the parts their role may use."""
    may = {p: has_permission(request.user, p, trust=trust) for p in TRUST_PAGE_PERMISSIONS}
    current = None
    if may[Permission.QUESTIONNAIRE_ANSWER]:
        current = current_assessments([trust.pk]).get(trust.pk)
    return render(
        request,
        "quarter/trust_detail.html",
        {
            "trust": trust,
            "members": trust.memberships.select_related("user").order_by("role", "user__full_name")
            if may[Permission.MEMBERS_VIEW]
            else None,
            "quarters": [quarter_row(trust, cycle, a) for cycle, a in trust_cycles(trust)]
            if may[Permission.ASSESSMENT_RUN]
            else None,
            "current": current,
            "can_audit": may[Permission.AUDIT_VIEW],
            "can_compare": has_permission(request.user, Permission.NATIONAL_VIEW),
        },
    )


TRUST_PAGE_PERMISSIONS = (
    Permission.MEMBERS_VIEW,
    Permission.ASSESSMENT_RUN,
    Permission.QUESTIONNAIRE_ANSWER,
    Permission.AUDIT_VIEW,
)


@dataclass(frozen=True)
class QuarterRow:
    """One quarter on the trust page."""

    cycle: Cycle
    state: QuarterState
    page: str  # the quarter's own page, once its questionnaire has opened
    step: NextStep  # the one thing that matters in its state


def quarter_row(trust: Trust, cycle: Cycle, assessment: Assessment | None) -> QuarterRow:
    if assessment is None or assessment.state == QuarterState.NOT_OPENED:
        return QuarterRow(cycle, QuarterState.NOT_OPENED, "", quarter_step(trust, cycle, None))
    page = reverse(
        "quarter:assessment-detail", kwargs={"ods_code": trust.ods_code, "cycle": cycle.slug}
    )
    if assessment.is_closed:  # the row leads straight to the paper
        assessment.trust, assessment.cycle = trust, cycle  # already read: no query per row
        step = NextStep(f"Read the {cycle.label} board paper", paper_link(assessment).url)
    else:
        step = quarter_step(trust, cycle, assessment)
    return QuarterRow(cycle, assessment.state, page, step)
