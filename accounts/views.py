"""Sign-in pages: password, single sign-on, second factor, password reset and change; and a
person's own API tokens."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import keeping, self_service, sessions, sso, tokens, two_factor
from accounts.forms import (
    ApiTokenForm,
    CodeForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
    SetUpCodeForm,
    SignInForm,
)
from accounts.middleware import before_second_factor, session_probe
from accounts.models import ApiToken
from accounts.throttle import locked_out, reset_request_allowed
from core.kept import never_kept, typed
from trusts.permissions import (
    Permission,
    has_permission_somewhere,
    public,
    requires,
    requires_somewhere,
)

RECOVERY_CODES_SESSION_KEY = "quarterdeck.recovery_codes"
# Where to carry on after the new recovery codes have been shown (set at sign-in).
AFTER_RECOVERY_CODES = "quarterdeck.after_codes"


def _password_sign_in_only(view):
    """Password pages answer only where password sign-in is on."""

    def wrapped(request, *args, **kwargs):
        if not settings.PASSWORD_SIGN_IN:
            raise Http404("Password sign-in is off here.")
        return view(request, *args, **kwargs)

    return wrapped


def _next_or_home(request) -> str:
    target = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


class SignIn(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if not settings.PASSWORD_SIGN_IN:
            raise Http404("Password sign-in is off here.")
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            password_sign_in=settings.PASSWORD_SIGN_IN,
            single_sign_on=settings.SINGLE_SIGN_ON,
            provider=sso.provider_name(),
            **kwargs,
        )


sign_in = public(SignIn.as_view())


@public
@before_second_factor
@require_POST
def sign_out(request):
    """Ends the session; after single sign-on, the provider's session too."""
    provider_url = sso.provider_sign_out_url(request)
    keeping.forget_browser(request)
    logout(request)
    if provider_url:
        return redirect(provider_url)
    messages.success(request, "You have signed out.")
    return redirect("accounts:sign-in")


@public
def admin_sign_in(request, extra_context=None):
    """The admin's own sign-in form is replaced by ours, so that it is throttled and asks
    for the second factor like every other page."""
    if request.user.is_authenticated:
        raise PermissionDenied
    return redirect(f"{reverse('accounts:sign-in')}?next={reverse('admin:index')}")


@requires(Permission.SERVICE_USE)
@session_probe
@require_POST
def keep_alive(request):
    """Called by the timeout warning's "Stay signed in" (the middleware resets the idle
    clock for it)."""
    return HttpResponse(status=204)


# Second factor


@requires(Permission.SERVICE_USE)
@before_second_factor
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    if not two_factor.is_pending(request):
        return redirect(_next_or_home(request))
    if two_factor.app_device(request.user) is None:
        return redirect(f"{reverse('accounts:two-factor-set-up')}?{request.GET.urlencode()}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        problem = two_factor.verify(user=request.user, code=form.cleaned_data["code"])
        if problem is None:
            two_factor.mark_done(request)
            return redirect(_next_or_home(request))
        form.add_error("code", problem)
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": _next_or_home(request)},
    )


@requires(Permission.SERVICE_USE)
@before_second_factor
@require_http_methods(["GET", "POST"])
def two_factor_set_up(request):
    """Scan or type the key, name the authenticator, then prove it with a code. The first
    one turns two-factor on and recovery codes follow; a later one is added beside the
    others. Outside the set-up a sign-in asks for, the person confirms it is them first."""
    pending = two_factor.is_pending(request)
    adding = two_factor.has_two_factor(request.user)
    if pending and adding:
        return redirect("accounts:two-factor")  # a new app needs the old one first, or a reset
    if not pending and not self_service.signed_in_recently(request):
        return self_service.confirm_identity_first(request)
    device = two_factor.app_device_to_confirm(request.user)
    form = SetUpCodeForm(typed(request), user=request.user, adding=adding)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.app_confirm(
                user=request.user,
                device=device,
                code=form.cleaned_data["code"],
                name=form.cleaned_data["name"],
            )
        except two_factor.AuthenticatorRefused as problem:  # named the same in another tab
            form.add_error("name", str(problem))
        else:
            if codes:
                two_factor.mark_done(request)
                request.session[RECOVERY_CODES_SESSION_KEY] = codes
                request.session[AFTER_RECOVERY_CODES] = _next_or_home(request)
                return redirect("accounts:two-factor-recovery-codes")
            if codes is not None:
                messages.success(
                    request,
                    f"{form.cleaned_data['name']} is added: a code from it or from your other "
                    "authenticators signs you in. Your recovery codes are unchanged.",
                )
                return redirect("accounts:account")
            form.add_error("code", "The code is not right: enter the code the app shows now")
    return render(
        request,
        "accounts/two_factor_set_up.html",
        {
            "form": form,
            "qr_code": two_factor.qr_code_svg(device),
            "key": two_factor.key_for_typing(device),
            "required": pending,
            "adding": adding,
        },
    )


@never_kept  # nothing is typed: the person presses the button again
@requires(Permission.SERVICE_USE)
@require_http_methods(["GET", "POST"])
def two_factor_recovery_codes(request):
    """Shows new recovery codes once; a person who has used some can ask for new ones,
    after confirming it is them."""
    if request.method == "POST":
        if not two_factor.has_two_factor(request.user):
            return redirect("accounts:two-factor-set-up")
        if not self_service.signed_in_recently(request):
            return redirect(self_service.confirm_identity_url(request.path))
        request.session[RECOVERY_CODES_SESSION_KEY] = two_factor.recovery_codes_new(
            user=request.user
        )
        return redirect("accounts:two-factor-recovery-codes")
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    if not codes and not self_service.signed_in_recently(request):
        return redirect(self_service.confirm_identity_url(request.path))
    return render(
        request,
        "accounts/two_factor_recovery_codes.html",
        {
            "codes": codes,
            "carry_on": request.session.pop(AFTER_RECOVERY_CODES, reverse("accounts:account")),
            "left": two_factor.recovery_codes_left(request.user),
        },
    )


@requires(Permission.SERVICE_USE)
def account(request):
    user = request.user
    return render(
        request,
        "accounts/account.html",
        {
            "has_password": settings.PASSWORD_SIGN_IN and user.has_usable_password(),
            "has_two_factor": two_factor.has_two_factor(user),
            "authenticators": list(two_factor.authenticators(user)),
            "two_factor_required": settings.TWO_FACTOR_REQUIRED and two_factor.is_privileged(user),
            "recovery_codes_left": two_factor.recovery_codes_left(user),
            "single_sign_on": settings.SINGLE_SIGN_ON,
            "provider": sso.provider_name(),
            "api_access": has_permission_somewhere(user, Permission.API_USE),
        },
    )


# API tokens


@requires_somewhere(Permission.API_USE)
@require_GET
def api_tokens(request):
    """The person's own API tokens, and the form to make one."""
    return _api_tokens_page(request, ApiTokenForm())


@requires_somewhere(Permission.API_USE)
@require_http_methods(["GET", "POST"])
def api_token_create(request):
    """Makes a token and shows its value in this response only: never through a redirect
    or the session, so that it is kept nowhere but by the person."""
    form = ApiTokenForm(typed(request))
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = tokens.token_create(
                user=request.user, by=request.user, **form.cleaned_data
            )
        except tokens.TokenRefused as problem:
            form.add_error(None, str(problem))
        else:
            response = render(
                request, "accounts/api_token_created.html", {"token": token, "raw": raw}
            )
            response["Cache-Control"] = "no-store"
            return response
    return _api_tokens_page(request, form)


@never_kept  # nothing is typed: signed in again, the person presses the button again
@requires_somewhere(Permission.API_USE)
@require_http_methods(["GET", "POST"])
def api_token_revoke(request, pk: int):
    """Revokes one of the person's own tokens (another person's is a 404)."""
    token = get_object_or_404(ApiToken.objects.filter(user=request.user), pk=pk)
    if request.method == "POST":
        if tokens.token_revoke(token=token, by=request.user):
            messages.success(request, f"{token.name} is revoked: it no longer works.")
        else:
            messages.info(request, f"{token.name} was already revoked.")
    return redirect("accounts:api-tokens")


def _api_tokens_page(request, form: ApiTokenForm):
    now = timezone.now()
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "form": form,
            "tokens": [
                (token, tokens.state_of(token, now)) for token in tokens.tokens_of(request.user)
            ],
            "requests_per_minute": settings.API_REQUESTS_PER_MINUTE,
        },
    )


# Passwords


class PasswordReset(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("accounts:password-reset-sent")

    def form_valid(self, form):
        if not reset_request_allowed(self.request, form.cleaned_data["email"]):
            return locked_out(self.request)
        return super().form_valid(form)


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form):
        response = super().form_valid(form)
        # Whoever may have known the old password is signed out wherever they used it.
        if sessions.sessions_end_others(user=form.user, by=form.user, why="password reset"):
            messages.info(self.request, "You have been signed out everywhere you were signed in.")
        return response


class PasswordChange(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form):
        old_key = self.request.session.session_key
        response = super().form_valid(form)  # gives this session a new key
        ended = sessions.sessions_end_after_password_change(
            user=form.user, old_key=old_key, new_key=self.request.session.session_key
        )
        messages.success(
            self.request,
            "Your password has been changed."
            + (" You have been signed out on every other device." if ended else ""),
        )
        return response


password_reset = public(_password_sign_in_only(PasswordReset.as_view()))
password_reset_sent = public(
    _password_sign_in_only(
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_sent.html")
    )
)
password_reset_confirm = public(_password_sign_in_only(PasswordResetConfirm.as_view()))
password_reset_done = public(
    _password_sign_in_only(
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_done.html"
        )
    )
)
password_change = requires(Permission.SERVICE_USE)(_password_sign_in_only(PasswordChange.as_view()))
