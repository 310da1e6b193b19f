from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.kept import typed
from trusts.actions import (
    InvitationError,
    invitation_accept,
    invitation_for_token,
    invitation_resend,
    invitation_revoke,
    invitation_send,
    membership_remove,
    needs_sign_in_to_accept,
)
from trusts.audit_trail import trail_entries
from trusts.forms import AcceptInvitationForm, InviteForm
from trusts.models import Region, Trust, normalise_email
from trusts.permissions import Permission, has_permission, public, requires, requires_on_trust


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
    form = InviteForm(typed(request))
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitation_send(trust=trust, by=request.user, **form.cleaned_data)
        except InvitationError as problem:
            form.add_error("email", str(problem))
        else:
            messages.success(
                request,
                f"We have emailed {invitation.email} an invitation. They join the board when "
                "they accept it.",
            )
            return redirect("trusts:board-people", ods_code=trust.ods_code)
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
    done = f"We have emailed {invitation.email} a new link."
    return _invitation_changed(request, trust, invitation_resend, invitation, done)


@requires_on_trust(Permission.MEMBERS_MANAGE)
@require_http_methods(["GET", "POST"])
def invitation_revoke_view(request, trust: Trust, pk: int):
    invitation = get_object_or_404(trust.invitations, pk=pk)
    if request.method == "GET":
        return render(
            request,
            "confirm.html",
            {
                "caption": trust.name,
                "heading": f"Revoke the invitation to {invitation.email}?",
                "paragraphs": [
                    "The link in their email will stop working. You can invite them again later."
                ],
                "button": "Revoke the invitation",
                "warning": True,
                "cancel_url": reverse("trusts:board-people", kwargs={"ods_code": trust.ods_code}),
            },
        )
    done = f"The invitation to {invitation.email} no longer works."
    return _invitation_changed(request, trust, invitation_revoke, invitation, done)


def _invitation_changed(request, trust: Trust, change, invitation, done: str):
    """Makes one change to an invitation (an action), says how it went, and goes back to
    the board's people."""
    try:
        change(invitation=invitation, by=request.user)
    except InvitationError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, done)
    return redirect("trusts:board-people", ods_code=trust.ods_code)


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
        return redirect("trusts:board-people", ods_code=trust.ods_code)
    name, role = membership.user.full_name, membership.get_role_display().lower()
    return render(
        request,
        "confirm.html",
        {
            "caption": trust.name,
            "heading": f"Remove {name} as {role}?",
            "paragraphs": [
                f"They will no longer see this trust in Quarterdeck as a {role}. Answers they "
                "have already submitted stay in the results they were part of."
            ],
            "button": f"Remove {name}",
            "warning": True,
            "cancel_url": reverse("trusts:board-people", kwargs={"ods_code": trust.ods_code}),
        },
    )


@public
@require_http_methods(["GET", "POST"])
def invitation_accept_view(request, token: str):
    """Someone new sets a password (or chooses single sign-on); someone with an account
    signs in to it and agrees to join."""
    invitation = invitation_for_token(token)
    if invitation is None:
        return render(request, "trusts/invitation_unusable.html", status=410)
    if needs_sign_in_to_accept(invitation):
        return _join_with_account(request, token, invitation)
    form = None
    if settings.PASSWORD_SIGN_IN:
        form = AcceptInvitationForm(request.POST or None, invitation=invitation)
    if request.method == "POST":
        with_sso = settings.SINGLE_SIGN_ON and "single-sign-on" in request.POST
        if with_sso or (form is not None and form.is_valid()):
            password = None if with_sso else form.cleaned_data["password"]
            try:
                user = invitation_accept(token=token, password=password)
            except InvitationError:
                return render(request, "trusts/invitation_unusable.html", status=410)
            if with_sso:
                messages.success(
                    request,
                    f"You are on {invitation.trust.name}'s board. Sign in with "
                    f"{settings.OIDC_PROVIDER_NAME} to carry on.",
                )
                return redirect(settings.LOGIN_URL)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, f"Welcome to Quarterdeck. You are on {invitation.trust.name}'s board."
            )
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(
        request,
        "trusts/invitation_accept.html",
        {
            "invitation": invitation,
            "form": form,
            "single_sign_on": settings.SINGLE_SIGN_ON,
            "provider": settings.OIDC_PROVIDER_NAME,
        },
    )


def _join_with_account(request, token: str, invitation):
    """The invited address has an account: its owner signs in and agrees to join."""
    signed_in_as = request.user if request.user.is_authenticated else None
    if signed_in_as is not None and normalise_email(signed_in_as.email) != invitation.email:
        state = "other-account"
    elif signed_in_as is None:
        state = "sign-in"
    else:
        state = "join"
        if request.method == "POST":
            try:
                invitation_accept(token=token, password=None, user=signed_in_as)
            except InvitationError:
                return render(request, "trusts/invitation_unusable.html", status=410)
            messages.success(request, f"You have joined {invitation.trust.name}'s board.")
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(
        request,
        "trusts/invitation_join.html",
        {"invitation": invitation, "state": state},
        status=403 if state == "other-account" else 200,
    )


@requires_on_trust(Permission.AUDIT_VIEW)
@require_GET
def audit_trail(request, trust: Trust):
    page = Paginator(
        trust.audit_events.select_related("actor").order_by("-at", "-pk"), 50
    ).get_page(request.GET.get("page"))
    # The trust's coordinator sees who submitted (as on the completion table); others do not.
    named = has_permission(request.user, Permission.ASSESSMENT_RUN, trust=trust)
    return render(
        request,
        "trusts/audit_trail.html",
        {
            "trust": trust,
            "page": page,
            "entries": trail_entries(list(page), names_of_members=named),
        },
    )
