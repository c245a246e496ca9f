"""``manage.py seed_demo``: demo data for trying Limen, created or brought back in line.

Each app may have a ``demo`` module with a ``seed(stdout)`` function; they run in the order of
INSTALLED_APPS (accounts first), in one transaction, and each is idempotent.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import DEMO_PASSWORD


class Command(BaseCommand):
    help = (
        "Create or refresh the demo organisations, accounts and data (password: limen-demo-2026)."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        for config in apps.get_app_configs():
            module_name = f"{config.name}.demo"
            if find_spec(module_name) is None:
                continue
            import_module(module_name).seed(self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo password for every account: {DEMO_PASSWORD}"))
