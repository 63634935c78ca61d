"""Default texts of the information pages; staff adapt them in the admin."""

from django.db import migrations

PAGES = [
    (
        "accessibilite",
        "Accessibilité",
        """Trajectoires ESS s'engage à rendre son site accessible conformément à l'article 47 de la loi n° 2005-102 du 11 février 2005, en visant le Référentiel général d'amélioration de l'accessibilité (RGAA) 4.1 et les WCAG 2.1 niveau AA.

État de conformité : le site est partiellement conforme, en l'attente d'un audit externe. Chaque page publique est testée automatiquement (structure, titres, libellés des champs, contrastes) et parcourue au clavier.

Ce qui a été fait : un lien d'évitement vers le contenu, des zones de navigation identifiées, un seul titre principal par page, des graphiques doublés d'un tableau ou d'un texte, un contraste d'au moins 4,5:1, un focus visible, des formulaires utilisables sans souris et sans JavaScript.

Signaler un défaut : si vous ne pouvez pas accéder à un contenu ou à un service, écrivez à l'équipe de la consultation ; nous vous répondrons et vous fournirons l'information sous une autre forme.

Voies de recours : si vous n'obtenez pas de réponse satisfaisante, vous pouvez saisir le Défenseur des droits (www.defenseurdesdroits.fr).""",
    ),
    (
        "mentions-legales",
        "Mentions légales",
        """Éditeur : le réseau national de l'économie sociale et solidaire qui organise la consultation (coordonnées à compléter par l'équipe).

Directeur ou directrice de la publication : à compléter.

Hébergement : à compléter (nom, adresse et téléphone de l'hébergeur).

Contenus : les propositions sont publiées au nom des organisations qui les ont déposées ou des ateliers régionaux dont elles sont issues. Les données ouvertes de la consultation sont publiées sous la Licence Ouverte 2.0 (Etalab).

Modération : les propositions déposées en ligne sont relues avant publication ; un refus est toujours motivé auprès de son auteur.""",
    ),
    (
        "donnees-personnelles",
        "Données personnelles",
        """Données collectées : pour participer, un compte enregistre une adresse e-mail, un mot de passe (chiffré), le nom, le type et la région de l'organisation et, si vous le donnez, son numéro SIREN, SIRET ou RNA. Vos propositions et vos votes sont rattachés à ce compte.

Ce qui est public : le nom de l'organisation, son type et sa région apparaissent à côté de ses propositions. Votre adresse e-mail et le nom des personnes ne sont jamais publiés. Les votes ne sont publiés que sous forme de totaux.

Finalité et base légale : ces données servent uniquement à organiser la consultation (article 6.1.a du RGPD : votre consentement, donné à l'inscription).

Durée de conservation : jusqu'à la suppression de votre compte, au plus tard un an après la clôture de la consultation.

Vos droits : depuis « Mon espace », vous pouvez télécharger toutes vos données et supprimer votre compte. Pour toute autre demande (accès, rectification, opposition), écrivez à l'équipe de la consultation. Vous pouvez aussi saisir la CNIL (www.cnil.fr).

Cookies : le site n'utilise que des cookies nécessaires à son fonctionnement (session, sécurité des formulaires, choix de la langue), sans mesure d'audience ni publicité.""",
    ),
]


def create_pages(apps, schema_editor):
    SitePage = apps.get_model("consultation", "SitePage")
    for slug, title, body in PAGES:
        SitePage.objects.get_or_create(slug=slug, defaults={"title": title, "body": body})


def delete_pages(apps, schema_editor):
    SitePage = apps.get_model("consultation", "SitePage")
    SitePage.objects.filter(slug__in=[slug for slug, _, _ in PAGES]).delete()


class Migration(migrations.Migration):
    dependencies = [("consultation", "0003_sitepage")]

    operations = [migrations.RunPython(create_pages, delete_pages)]
