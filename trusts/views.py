from django.contrib.auth import views as auth_views
from django.shortcuts import render

from assessments.selectors import current_assessments, trust_cycles
from trusts.forms import SignInForm
from trusts.models import Region, Role, Trust
from trusts.permissions import Permission, has_permission, public, requires, requires_on_trust
from trusts.presenters import trust_cards

sign_in = public(
    auth_views.LoginView.as_view(
        form_class=SignInForm,
        template_name="trusts/sign_in.html",
        redirect_authenticated_user=True,
    )
)
sign_out = public(auth_views.LogoutView.as_view())


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
            "board_member_role": Role.BOARD_MEMBER,
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
