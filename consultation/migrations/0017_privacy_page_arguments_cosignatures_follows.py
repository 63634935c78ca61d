"""
The privacy page names what the site added since it was written: arguments,
cosignatures, invitations sent to other organisations' addresses, follows and mail
preferences, and how long each is kept. A page that staff have rewritten is left as
they wrote it (the paragraph goes after the one it follows, only if that one is
there).
"""

from django.db import migrations

AFTER = (
    "Ce qui est public : le nom de l'organisation, son type et sa région apparaissent à "
    "côté de ses propositions."
)
ADDED = (
    "\n\nArguments, cosignatures, suivis : les arguments pour ou contre et les "
    "cosignatures de votre organisation sont publiés sous son nom, son type et sa "
    "région ; si vous supprimez votre compte, ils restent publiés sous « Organisation "
    "supprimée ». Quand vous invitez une organisation à cosigner, l'adresse e-mail que "
    "vous saisissez est enregistrée pour l'invitation : ces adresses de tiers ne sont "
    "jamais publiées et sont effacées quand l'invitation est déclinée ou retirée, et au "
    "plus tard un an après la clôture de la consultation. Les propositions et "
    "trajectoires que vous suivez, et vos préférences de courriel (les e-mails que vous "
    "acceptez de recevoir), sont rattachées à votre compte et effacées avec lui."
)


def forwards(apps, schema_editor):
    SitePage = apps.get_model("consultation", "SitePage")
    page = SitePage.objects.filter(slug="donnees-personnelles").first()
    if page is None or AFTER not in page.body or ADDED.strip() in page.body:
        return
    start = page.body.index(AFTER)
    end = page.body.find("\n\n", start)
    end = len(page.body) if end == -1 else end
    page.body = page.body[:end] + ADDED + page.body[end:]
    page.save(update_fields=["body"])


def backwards(apps, schema_editor):
    SitePage = apps.get_model("consultation", "SitePage")
    page = SitePage.objects.filter(slug="donnees-personnelles").first()
    if page is not None and ADDED in page.body:
        page.body = page.body.replace(ADDED, "")
        page.save(update_fields=["body"])


class Migration(migrations.Migration):
    dependencies = [("consultation", "0016_notification_preferences")]

    operations = [migrations.RunPython(forwards, backwards)]
