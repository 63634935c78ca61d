from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Propositions et votes")

    def ready(self):
        from django.db.backends.signals import connection_created

        from consultation import mail, page_cache, shared_pages

        from . import (  # noqa: F401
            exposures,
            fragments,
            permissions,
            ranking,
            search,
            selectors,
            slots,
        )
        from .services import notifications

        # A kept page is rendered again only once its cards' counts moved, and a
        # list's moved counts are written into its copy instead.
        page_cache.register_counts_reader(
            selectors.current_counts, fragments.summaries_written
        )
        connection_created.connect(search.register_sqlite_function)
        connection_created.connect(ranking.register_sqlite_function)
        # Who may be shown the same page, and who sees their own controls on one.
        shared_pages.register_rules(
            profile=permissions.participant_profile,
            involvement=permissions.involvement,
        )
        # Mails about an account leave through the notifications' queue.
        mail.register_queue(notifications.account_mail_write)
        # A kept page served again shows its proposals again.
        page_cache.page_served.connect(exposures.count_served_exposures)
