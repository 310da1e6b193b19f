from django.core.management.base import BaseCommand

from seeders.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Load fictional demo trusts and people (safe to run again) and print their sign-ins."

    def handle(self, *args, **options):
        logins = seed_demo()
        self.stdout.write(self.style.SUCCESS("Demo data is loaded. Sign in at /sign-in/ as:"))
        width = max(len(login.email) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.email.ljust(width)}  {login.description}")
        self.stdout.write(f"Every demo account's password is: {DEMO_PASSWORD}")
