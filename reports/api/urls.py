"""The API under /api/v1/: its reference page, its OpenAPI document and its operations,
each declaring the permission it needs as every other view does."""

from django.urls import path

from core.access import declare
from reports.api import views
from reports.api.endpoints import PERMISSIONS, api

app_name = "api"

_operations, _, _ = api.urls

urlpatterns = [
    path("", views.reference, name="reference"),
    *(
        # django-ninja's own landing page gives way to the reference page above.
        pattern
        for pattern in _operations
        if pattern.name != "api-root"
    ),
]

for _pattern in urlpatterns[1:]:
    if _pattern.name in PERMISSIONS:
        declare(_pattern.callback, PERMISSIONS[_pattern.name])
