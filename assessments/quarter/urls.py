"""Running the quarter: the home page, a trust's page, a quarter's page and what the
coordinator does there, the board's decisions, and the programme's quarters."""

from django.urls import path

from assessments.quarter.views import cycles, decisions, evidence, home, roadmap, running

app_name = "quarter"

TRUST = "trusts/<str:ods_code>/"
QUARTER = f"{TRUST}assessments/<str:cycle>/"

urlpatterns = [
    path("", home.home, name="home"),
    path("papers/", home.papers, name="board-papers"),
    path(TRUST, home.trust_detail, name="trust-detail"),
    path(f"{TRUST}actions/", decisions.board_actions, name="board-actions"),
    path(f"{TRUST}actions/new/", decisions.board_action_edit, name="board-action-new"),
    path(f"{TRUST}actions/<int:pk>/", decisions.board_action_edit, name="board-action-edit"),
    path(f"{TRUST}cycles/<str:cycle>/open/", running.assessment_open_view, name="assessment-open"),
    path(QUARTER, running.assessment_detail, name="assessment-detail"),
    path(f"{QUARTER}close/", running.assessment_close_view, name="assessment-close"),
    path(f"{QUARTER}remind/", running.assessment_remind_view, name="assessment-remind"),
    path(f"{QUARTER}reopen/", running.assessment_reopen_view, name="assessment-reopen"),
    path(f"{QUARTER}targets/", running.targets_edit, name="assessment-targets"),
    path(f"{QUARTER}positions/", decisions.positions_edit, name="assessment-positions"),
    path(
        f"{QUARTER}positions/<int:number>/evidence/",
        evidence.position_evidence,
        name="assessment-position-evidence",
    ),
    path(f"{QUARTER}roadmap/", roadmap.roadmap_edit, name="assessment-roadmap"),
    path(f"{QUARTER}roadmap/review/", roadmap.roadmap_review, name="assessment-roadmap-review"),
    path("programme/cycles/", cycles.cycle_list, name="cycle-list"),
    path("programme/cycles/new/", cycles.cycle_new, name="cycle-new"),
]
