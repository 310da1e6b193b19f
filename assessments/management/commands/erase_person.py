from django.core.management.base import BaseCommand, CommandError

from assessments.privacy.erasure import person_erase
from core.audit import SystemActor
from trusts.models import User


class Command(BaseCommand):
    help = (
        "Erase a person for a right-to-erasure request: their answers in every quarter, "
        "roles, invitations, emails and address. Published results stay as published."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="the person's email address")
        parser.add_argument("--yes", action="store_true", help="do it without asking")

    def handle(self, *args, email: str, yes: bool, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account has the address {email!r}.")
        if not yes:
            answer = input(f"Erase {user.full_name} <{user.email}> for good? Type yes: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing was erased.")
        erased = person_erase(user=user, by=SystemActor("erase_person"))
        self.stdout.write(
            self.style.SUCCESS(f"Erased: {erased} responses; the account is now anonymous.")
        )
