"""Programme staff running the quarterly cycles."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from assessments.errors import AssessmentError
from assessments.models import Cycle, quarter_dates
from assessments.quarter.actions import cycle_create
from assessments.quarter.forms import CycleForm
from core.kept import typed
from trusts.permissions import Permission, requires


@requires(Permission.CYCLES_MANAGE)
@require_http_methods(["GET"])
def cycle_list(request):
    return render(request, "quarter/cycle_list.html", {"cycles": Cycle.objects.all()})


@requires(Permission.CYCLES_MANAGE)
@require_http_methods(["GET", "POST"])
def cycle_new(request):
    form = CycleForm(typed(request))
    if request.method == "POST" and form.is_valid():
        year, quarter = form.cleaned_data["quarter"]
        first_day, last_day = quarter_dates(year, quarter)
        try:
            cycle = cycle_create(
                year=year,
                quarter=quarter,
                opens_on=form.cleaned_data["opens_on"] or first_day,
                closes_on=form.cleaned_data["closes_on"] or last_day,
                framework=form.cleaned_data["framework"],
                by=request.user,
            )
        except AssessmentError as problem:
            form.add_error("quarter", str(problem))
        else:
            messages.success(request, f"{cycle.label} is ready. Coordinators can now open it.")
            return redirect("quarter:cycle-list")
    return render(request, "quarter/cycle_new.html", {"form": form})
