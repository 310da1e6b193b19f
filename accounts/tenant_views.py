"""Programme staff's list of the Entra ID tenants that may sign people in: the list, a
tenant added, changed or removed (accounts.tenant_admin does the writing)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts import tenants as rule
from accounts.models import SignInTenant
from accounts.tenant_admin import (
    TenantForm,
    TenantRefused,
    tenant_add,
    tenant_change,
    tenant_remove,
    whom,
)
from core.kept import never_kept, typed
from trusts.permissions import Permission, requires


def _sessions(count: int) -> str:
    return f"{count} session{'s' if count != 1 else ''}"


def _ended(count: int) -> str:
    if not count:
        return "Nobody was signed in through it."
    return f"{_sessions(count)} signed in through it ended: those people sign in again."


@requires(Permission.SIGN_IN_TENANTS_MANAGE)
@require_GET
def tenants(request):
    """Every tenant on the list, whom each may sign in, and when it was last changed."""
    rows = [(tenant, whom(tenant)) for tenant in SignInTenant.objects.prefetch_related("trusts")]
    return render(
        request,
        "accounts/tenants.html",
        {"rows": rows, "refusals": rule.refusals_recent(), "days": rule.REFUSALS_SHOWN_DAYS},
    )


@requires(Permission.SIGN_IN_TENANTS_MANAGE)
@require_http_methods(["GET", "POST"])
def tenant_add_view(request):
    # From the list of refused sign-ins: the tenant id filled in.
    form = TenantForm(
        typed(request),
        initial={"tenant_id": request.GET.get("tenant_id", "")[:60]},
        button="Add the tenant",
    )
    if request.method == "POST" and form.is_valid():
        try:
            tenant = tenant_add(**form.cleaned_data, by=request.user)
        except TenantRefused as problem:
            form.add_error(problem.field, str(problem))
        else:
            messages.success(request, f"{tenant.name} may now sign people in.")
            return redirect("accounts:tenants")
    return render(
        request, "accounts/tenant_form.html", {"form": form, "heading": "Add a sign-in tenant"}
    )


@requires(Permission.SIGN_IN_TENANTS_MANAGE)
@require_http_methods(["GET", "POST"])
def tenant_edit(request, pk: int):
    tenant = get_object_or_404(SignInTenant, pk=pk)
    form = TenantForm(
        typed(request), initial=TenantForm.initial_of(tenant), button="Save the changes"
    )
    if request.method == "POST" and form.is_valid():
        try:
            change = tenant_change(tenant=tenant, **form.cleaned_data, by=request.user)
        except TenantRefused as problem:
            form.add_error(problem.field, str(problem))
        else:
            if not change.changed:
                messages.info(request, f"Nothing was changed for {change.tenant.name}.")
            elif change.narrowed:
                messages.success(
                    request,
                    f"{change.tenant.name} is changed. {_ended(change.sessions_ended)}",
                )
            else:
                messages.success(request, f"{change.tenant.name} is changed.")
            return redirect("accounts:tenants")
    return render(
        request,
        "accounts/tenant_form.html",
        {"form": form, "heading": f"Change {tenant.name}", "tenant": tenant},
    )


@never_kept  # nothing is typed: signed in again, the person presses the button again
@requires(Permission.SIGN_IN_TENANTS_MANAGE)
@require_http_methods(["GET", "POST"])
def tenant_remove_view(request, pk: int):
    """Asks first; then takes the tenant off the list and ends its sessions."""
    tenant = get_object_or_404(SignInTenant, pk=pk)
    if request.method == "POST":
        ended = tenant_remove(tenant=tenant, by=request.user)
        messages.success(
            request, f"{tenant.name} is removed: nobody signs in through it now. {_ended(ended)}"
        )
        return redirect("accounts:tenants")
    signed_in = tenant.sessions.count()
    return render(
        request,
        "confirm.html",
        {
            "caption": "Sign-in tenants",
            "heading": f"Remove {tenant.name}?",
            "paragraphs": [
                f"Nobody will be able to sign in to Quarterdeck through tenant "
                f"{tenant.tenant_id} any more. People who signed in through it will need "
                "another way in: another tenant on the list, or a password where passwords "
                "are on.",
                f"{_sessions(signed_in).capitalize()} signed in through it now will end."
                if signed_in
                else "Nobody is signed in through it now.",
            ],
            "button": f"Remove {tenant.name}",
            "warning": True,
            "cancel_url": reverse("accounts:tenants"),
        },
    )


urlpatterns = [
    path("programme/sign-in-tenants/", tenants, name="tenants"),
    path("programme/sign-in-tenants/add/", tenant_add_view, name="tenant-add"),
    path("programme/sign-in-tenants/<int:pk>/", tenant_edit, name="tenant-edit"),
    path("programme/sign-in-tenants/<int:pk>/remove/", tenant_remove_view, name="tenant-remove"),
]
