"""The home page and a trust's own page: each lists the trust's quarters, so they live
here, above trusts (config/layers.py)."""

from django.shortcuts import render

from assessments.home import board_papers, trust_cards
from assessments.selectors import current_assessments, trust_cycles
from trusts.models import Trust
from trusts.permissions import Permission, has_permission, requires, requires_on_trust


@requires(Permission.SERVICE_USE)
def home(request):
    return render(request, "trusts/home.html", {"cards": trust_cards(request.user)})


@requires(Permission.SERVICE_USE)
def papers(request):
    """Every published board paper of the person's boards, newest first by trust."""
    return render(request, "trusts/papers.html", {"trusts": board_papers(request.user)})


@requires_on_trust(Permission.TRUST_VIEW)
def trust_detail(request, trust: Trust):
    members = cycles = current = None
    if has_permission(request.user, Permission.MEMBERS_VIEW, trust=trust):
        members = trust.memberships.select_related("user").order_by("role", "user__full_name")
    if has_permission(request.user, Permission.ASSESSMENT_RUN, trust=trust):
        cycles = trust_cycles(trust)
    if has_permission(request.user, Permission.QUESTIONNAIRE_ANSWER, trust=trust):
        current = current_assessments([trust.pk]).get(trust.pk)
    return render(
        request,
        "trusts/trust_detail.html",
        {
            "trust": trust,
            "members": members,
            "cycles": cycles,
            "current": current,
            "can_audit": has_permission(request.user, Permission.AUDIT_VIEW, trust=trust),
            "can_compare": has_permission(request.user, Permission.NATIONAL_VIEW),
        },
    )
