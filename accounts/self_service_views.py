"""A person's own account, kept by themselves: "Confirm it's you", changing their email
address and removing an authenticator (adding one, and new recovery codes, are the
two-factor pages in accounts.views). The rules and the writes are in accounts.self_service
and accounts.two_factor."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts import self_service, sso, two_factor
from accounts.forms import ConfirmIdentityForm, EmailChangeForm
from core.kept import never_kept, typed
from trusts.permissions import Permission, requires

# The address a link was just sent to, for "Check your email".
EMAIL_CHANGE_SENT_TO = "quarterdeck.email_change_sent_to"


@never_kept  # a password and a code: never kept
@requires(Permission.SERVICE_USE)
@require_http_methods(["GET", "POST"])
def confirm_identity(request):
    """Before a change to how a person signs in: their password (and a code, if they have
    two-factor), or, for someone who signs in only with their organisation's account,
    signing in with it again."""
    user = request.user
    next_url = self_service.safe_next(request)
    with_password = self_service.can_confirm_with_password(user)
    form = None
    if with_password:
        form = ConfirmIdentityForm(typed(request), with_code=two_factor.has_two_factor(user))
        if request.method == "POST" and form.is_valid():
            problems = self_service.identity_problems(
                request,
                password=form.cleaned_data["password"],
                code=form.cleaned_data.get("code", ""),
            )
            for field, problem in problems.items():
                form.add_error(field, problem)
            if not problems:
                return redirect(next_url)
    elif request.method == "POST":
        raise Http404("This account has no password to confirm.")
    return render(
        request,
        "accounts/confirm_identity.html",
        {
            "form": form,
            "next": next_url,
            "single_sign_on": settings.SINGLE_SIGN_ON,
            "provider": sso.provider_name(),
            "minutes": self_service.CONFIRM_AGAIN_MINUTES,
        },
    )


@requires(Permission.SERVICE_USE)
@self_service.needs_recent_sign_in
@require_http_methods(["GET", "POST"])
def email_change(request):
    """The new address; a link to confirm it goes there."""
    form = EmailChangeForm(typed(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            sent_to = self_service.email_change_request(
                user=request.user, email=form.cleaned_data["email"]
            )
        except self_service.EmailChangeRefused as problem:
            form.add_error("email", str(problem))
        else:
            request.session[EMAIL_CHANGE_SENT_TO] = sent_to
            return redirect("accounts:email-change-sent")
    return render(
        request,
        "accounts/email_change.html",
        {"form": form, "single_sign_on": settings.SINGLE_SIGN_ON, "provider": sso.provider_name()},
    )


@requires(Permission.SERVICE_USE)
@require_GET
def email_change_sent(request):
    sent_to = request.session.get(EMAIL_CHANGE_SENT_TO)
    if not sent_to:
        return redirect("accounts:account")
    return render(
        request,
        "accounts/email_change_sent.html",
        {"sent_to": sent_to, "hours": self_service.EMAIL_CHANGE_HOURS},
    )


@never_kept  # nothing is typed: signed in again, the person presses the button again
@requires(Permission.SERVICE_USE)
@require_http_methods(["GET", "POST"])
def email_change_confirm(request, token: str):
    """The link from the email: shows the new address, and changes it on POST only (mail
    scanners open links). Another person's link is a 404."""
    try:
        change = self_service.email_change_read(token)
    except self_service.LinkExpired:
        return _link_problem(request, expired=True)
    except self_service.LinkBroken:
        return _link_problem(request, expired=False)
    if not change.is_for(request.user):
        raise Http404("Another person's link.")
    if not change.is_current(request.user):
        return _link_problem(request, used=True)
    if request.method == "POST":
        try:
            ended = self_service.email_change(
                change=change, by=request.user, session_key=request.session.session_key
            )
        except self_service.EmailChangeRefused as problem:
            messages.error(request, str(problem))
            return redirect("accounts:account")
        request.session.pop(EMAIL_CHANGE_SENT_TO, None)
        signed_out = " You have been signed out on every other device." if ended else ""
        messages.success(
            request, f"Your email address is now {change.to}.{signed_out} {_from_now_on()}"
        )
        return redirect("accounts:account")
    return render(
        request,
        "confirm.html",
        {
            "caption": "Your account",
            "heading": f"Change your email address to {change.to}?",
            "paragraphs": [
                f"Your email address is {request.user.email} now. We will tell that address "
                "about the change, and sign you out on every other device where you are "
                "signed in.",
                _from_now_on(),
            ],
            "button": "Change my email address",
            "cancel_url": reverse("accounts:account"),
        },
    )


def _from_now_on() -> str:
    if settings.SINGLE_SIGN_ON:
        return (
            "From now on, sign in with the new address. If you sign in with your "
            f"organisation's account ({sso.provider_name()}), it must be the account for the "
            "new address: we match it by email address."
        )
    return "From now on, sign in with the new address."


def _link_problem(request, *, expired: bool = False, used: bool = False):
    return render(
        request,
        "accounts/email_change_link.html",
        {"expired": expired, "used": used, "hours": self_service.EMAIL_CHANGE_HOURS},
        status=410 if (expired or used) else 404,
    )


@never_kept  # nothing is typed: signed in again, the person presses the button again
@requires(Permission.SERVICE_USE)
@self_service.needs_recent_sign_in
@require_http_methods(["GET", "POST"])
def authenticator_remove(request, pk: int):
    """Removes one of the person's own authenticators (another person's is a 404); the
    last one only when their role lets them go without two-factor."""
    device = get_object_or_404(two_factor.authenticators(request.user), pk=pk)
    others = two_factor.authenticators(request.user).exclude(pk=device.pk).exists()
    refused = not others and two_factor.must_keep_two_factor(request.user)
    if request.method == "POST":
        try:
            still_on = two_factor.authenticator_remove(device=device, by=request.user)
        except two_factor.AuthenticatorRefused as problem:
            messages.error(request, str(problem))
        else:
            messages.success(
                request,
                f"{device.name} is removed: its codes no longer work."
                if still_on
                else f"{device.name} is removed, and two-factor authentication is off.",
            )
        return redirect("accounts:account")
    return render(
        request,
        "accounts/authenticator_remove.html",
        {"device": device, "others": others, "refused": refused},
    )


urlpatterns = [
    path("account/confirm-it-is-you/", confirm_identity, name="confirm-identity"),
    path("account/email/", email_change, name="email-change"),
    path("account/email/sent/", email_change_sent, name="email-change-sent"),
    path("account/email/confirm/<str:token>/", email_change_confirm, name="email-change-confirm"),
    path(
        "account/authenticators/<int:pk>/remove/",
        authenticator_remove,
        name="authenticator-remove",
    ),
]
