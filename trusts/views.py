from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments.selectors import current_assessments, trust_cycles
from trusts.actions import (
    InvitationError,
    invitation_accept,
    invitation_for_token,
    invitation_resend,
    invitation_revoke,
    invitation_send,
    membership_remove,
)
from trusts.audit_trail import trail_entry
from trusts.forms import AcceptInvitationForm, InviteForm
from trusts.models import Region, Trust
from trusts.permissions import Permission, has_permission, public, requires, requires_on_trust
from trusts.presenters import trust_cards


@public
def about(request):
    return render(request, "about.html")


@requires(Permission.SERVICE_USE)
def home(request):
    return render(request, "trusts/home.html", {"cards": trust_cards(request.user)})


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
        },
    )


@requires(Permission.TRUSTS_VIEW_ALL)
def trust_list(request):
    region = request.GET.get("region", "")
    trusts = Trust.objects.order_by("name")
    if region in Region.values:
        trusts = trusts.filter(region=region)
    else:
        region = ""
    return render(
        request,
        "trusts/trust_list.html",
        {"trusts": trusts, "regions": Region.choices, "region": region},
    )


@requires_on_trust(Permission.MEMBERS_MANAGE)
@require_http_methods(["GET", "POST"])
def board_people(request, trust: Trust):
    """The coordinator's page for the board: who is on it, who is invited, add someone."""
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = invitation_send(trust=trust, by=request.user, **form.cleaned_data)
        except InvitationError as problem:
            form.add_error("email", str(problem))
        else:
            email = form.cleaned_data["email"]
            messages.success(
                request,
                f"{email} already had an account and is now on the board; we have told them."
                if outcome.invitation is None
                else f"We have emailed {email} a link to set their password.",
            )
            return redirect("board-people", ods_code=trust.ods_code)
    return render(
        request,
        "trusts/board_people.html",
        {
            "trust": trust,
            "form": form,
            "members": trust.memberships.select_related("user").order_by("role", "user__full_name"),
            "invitations": trust.invitations.filter(accepted_at__isnull=True)
            .select_related("delivery")
            .order_by("-sent_at"),
            "invitation_days": settings.INVITATION_DAYS,
        },
    )


@requires_on_trust(Permission.MEMBERS_MANAGE)
@require_POST
def invitation_resend_view(request, trust: Trust, pk: int):
    invitation = get_object_or_404(trust.invitations, pk=pk)
    try:
        invitation_resend(invitation=invitation, by=request.user)
    except InvitationError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, f"We have emailed {invitation.email} a new link.")
    return redirect("board-people", ods_code=trust.ods_code)


@requires_on_trust(Permission.MEMBERS_MANAGE)
@require_POST
def invitation_revoke_view(request, trust: Trust, pk: int):
    invitation = get_object_or_404(trust.invitations, pk=pk)
    try:
        invitation_revoke(invitation=invitation, by=request.user)
    except InvitationError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, f"The invitation to {invitation.email} no longer works.")
    return redirect("board-people", ods_code=trust.ods_code)


@requires_on_trust(Permission.MEMBERS_MANAGE)
@require_http_methods(["GET", "POST"])
def membership_remove_view(request, trust: Trust, pk: int):
    membership = get_object_or_404(trust.memberships.select_related("user"), pk=pk)
    if request.method == "POST":
        membership_remove(membership=membership, by=request.user)
        messages.success(
            request,
            f"{membership.user.full_name} is no longer a {membership.get_role_display().lower()}.",
        )
        return redirect("board-people", ods_code=trust.ods_code)
    return render(
        request, "trusts/membership_remove.html", {"trust": trust, "membership": membership}
    )


@public
@require_http_methods(["GET", "POST"])
def invitation_accept_view(request, token: str):
    invitation = invitation_for_token(token)
    if invitation is None:
        return render(request, "trusts/invitation_unusable.html", status=410)
    form = AcceptInvitationForm(request.POST or None, invitation=invitation)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(token=token, password=form.cleaned_data["password"])
        except InvitationError:
            return render(request, "trusts/invitation_unusable.html", status=410)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request, f"Welcome to Quarterdeck. You are on {invitation.trust.name}'s board."
        )
        return redirect("home")
    return render(
        request, "trusts/invitation_accept.html", {"invitation": invitation, "form": form}
    )


@requires_on_trust(Permission.AUDIT_VIEW)
@require_GET
def audit_trail(request, trust: Trust):
    page = Paginator(
        trust.audit_events.select_related("actor").order_by("-at", "-pk"), 50
    ).get_page(request.GET.get("page"))
    quarters = {
        str(pk): label
        for pk, label in ((a.pk, a.cycle.label) for a in trust.assessments.select_related("cycle"))
    }
    # The trust's coordinator sees who submitted (as on the completion table); others do not.
    named = has_permission(request.user, Permission.ASSESSMENT_RUN, trust=trust)
    return render(
        request,
        "trusts/audit_trail.html",
        {
            "trust": trust,
            "page": page,
            "entries": [trail_entry(e, quarters, names_of_members=named) for e in page],
        },
    )
