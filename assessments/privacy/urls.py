"""A person's own data, as a file they can download."""

from django.urls import path

from assessments.privacy import subject_access

app_name = "privacy"

urlpatterns = [
    path("account/your-data.json", subject_access.your_data_download, name="account-data"),
]
