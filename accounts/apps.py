from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Signing in and out: passwords, single sign-on, two-factor, throttling, sessions."""

    name = "accounts"

    def ready(self):
        from accounts import middleware  # noqa: F401 (connects the sign-in receiver)
