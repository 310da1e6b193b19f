"""Sending the app's emails: plain text, from templates/email/, through Django's mailer."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string


def send(*, to: str, template: str, context: dict) -> None:
    """Renders templates/email/<template>.txt, whose first line is the subject."""
    subject, _, body = render_to_string(f"email/{template}.txt", context).partition("\n")
    send_mail(
        subject=subject.strip(),
        message=body.lstrip("\n"),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[to],
    )


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"
