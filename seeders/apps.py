from django.apps import AppConfig


class SeedersConfig(AppConfig):
    """Demo and national data, made through every app's actions: the top floor, which
    nothing else imports (config/layers.py)."""

    name = "seeders"
    verbose_name = "Demo and national data"
