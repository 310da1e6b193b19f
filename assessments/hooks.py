"""What apps above this one do when something happens here. They are named in settings
(config wires the layers together, config/layers.py), so this app never imports them."""

from django.conf import settings
from django.utils.module_loading import import_string


def assessment_closed(*, assessment) -> None:
    """Runs each of settings.ASSESSMENT_CLOSED_HOOKS (dotted paths to functions taking
    ``assessment=``), in order, from inside the close
    (assessments.quarter.actions.assessment_close), so that every close runs them: the
    page's, a command's, the demo's. A hook defers its work to the commit
    (transaction.on_commit), so a rolled-back close leaves nothing."""
    for path in settings.ASSESSMENT_CLOSED_HOOKS:
        import_string(path)(assessment=assessment)
