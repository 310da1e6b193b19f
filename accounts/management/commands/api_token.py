from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.tokens import LONGEST_DAYS, TokenRefused, token_create
from core.audit import SystemActor
from core.management.arguments import whole_number
from trusts.models import User

DEFAULT_NAME = "Command line"
DEFAULT_DAYS = 90


class Command(BaseCommand):
    help = (
        "Make an API token for a digital lead or programme staff, and print it once. Only "
        "its digest is kept: it cannot be shown again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="the person's email address")
        parser.add_argument(
            "--name",
            default=DEFAULT_NAME,
            help=f'what to call the token (default "{DEFAULT_NAME}")',
        )
        parser.add_argument(
            "--expires-days",
            type=whole_number(1, LONGEST_DAYS),
            default=DEFAULT_DAYS,
            help=f"how many days it works (default {DEFAULT_DAYS})",
        )

    def handle(self, *args, user: str, name: str, expires_days: int, **options):
        person = None if "\x00" in user else User.objects.filter(email__iexact=user.strip()).first()
        if person is None:
            raise CommandError(f"No account has the address {user!r}.")
        try:
            token, raw = token_create(
                user=person, name=name, expires_days=expires_days, by=SystemActor("api_token")
            )
        except TokenRefused as refused:
            raise CommandError(f"{refused} No token was made.") from None
        until = timezone.localtime(token.expires_at)
        self.stdout.write(
            f"API token {token.name!r} for {person.email}, working until "
            f"{until:%-d %B %Y %H:%M} (UK time). It is shown only this once:"
        )
        self.stdout.write(raw)
