from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Propositions et votes")

    def ready(self):
        from django.db.backends.signals import connection_created

        from . import ranking, search

        connection_created.connect(search.register_sqlite_function)
        connection_created.connect(ranking.register_sqlite_function)
