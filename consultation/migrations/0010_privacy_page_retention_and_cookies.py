"""
The privacy page says how long personal data are kept, in the terms that
`purge_personal_data` applies, and names every cookie the site sets. A page that staff
have already rewritten is left as they wrote it.
"""

from django.db import migrations

OLD_RETENTION = (
    "Durée de conservation : jusqu'à la suppression de votre compte, au plus tard un an "
    "après la clôture de la consultation."
)
NEW_RETENTION = (
    "Durée de conservation : jusqu'à la suppression de votre compte, au plus tard un an "
    "après la clôture de la dernière consultation à laquelle votre organisation a "
    "participé (un an après l'inscription et la dernière connexion pour un compte qui "
    "n'a jamais participé). Vos votes et la participation de votre organisation restent "
    "alors comptés, sans aucun lien avec vous : seuls la région et le type "
    "d'organisation demeurent."
)
OLD_COOKIES = (
    "Cookies : le site n'utilise que des cookies nécessaires à son fonctionnement "
    "(session, sécurité des formulaires, choix de la langue), sans mesure d'audience ni "
    "publicité."
)
NEW_COOKIES = (
    "Cookies : le site n'utilise que des cookies nécessaires à son fonctionnement, sans "
    "mesure d'audience ni publicité : sessionid (votre connexion, deux semaines), "
    "csrftoken (la sécurité des formulaires, un an), django_language (la langue "
    "choisie, le temps de la visite), messages (les messages affichés après une action, "
    "le temps de la visite) et ordre (l'ordre aléatoire dans lequel les propositions "
    "vous sont présentées, pour qu'il reste le même d'une page à l'autre, 180 jours)."
)


def rewrite(apps, old, new):
    SitePage = apps.get_model("consultation", "SitePage")
    page = SitePage.objects.filter(slug="donnees-personnelles").first()
    if page is None:
        return
    body = page.body
    for before, after in zip(old, new, strict=True):
        body = body.replace(before, after)
    if body != page.body:
        page.body = body
        page.save(update_fields=["body"])


def forwards(apps, schema_editor):
    rewrite(apps, [OLD_RETENTION, OLD_COOKIES], [NEW_RETENTION, NEW_COOKIES])


def backwards(apps, schema_editor):
    rewrite(apps, [NEW_RETENTION, NEW_COOKIES], [OLD_RETENTION, OLD_COOKIES])


class Migration(migrations.Migration):
    dependencies = [("consultation", "0009_consent")]

    operations = [migrations.RunPython(forwards, backwards)]
