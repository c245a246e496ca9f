"""Demo directories (run by ``manage.py seed_demo``; idempotent).

Each demo agency gets a few dozen fictional services in its cities and languages: shelters with
confidential addresses, crisis lines, debt help and more; a few not verified for months and one
marked "do not refer". The data goes in through the HSDS importer, matched by fixed ids, so a
second run updates the same rows instead of adding new ones.
"""

import uuid
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation
from referrals import categories
from referrals.hsds import importer
from referrals.hsds.reader import RawPackage, RawTable
from referrals.models import Taxonomy, TaxonomyTerm
from referrals.services import service_reindex

NAMESPACE = uuid.UUID("0c7f3a55-8d0b-4d4e-9a3e-3f0d4b1c2a77")

DAYS = "MO,TU,WE,TH,FR"
ALL_DAYS = "MO,TU,WE,TH,FR,SA,SU"
HOURS = {
    "24/7": [(ALL_DAYS, "00:00:00", "23:59:59")],
    "office": [(DAYS, "09:00:00", "17:00:00")],
    "late": [(DAYS, "10:00:00", "21:00:00"), ("SA", "10:00:00", "14:00:00")],
    "mornings": [("MO,WE,FR", "09:00:00", "12:30:00")],
}

# key, service, provider, categories, city, languages, hours, flags, description, eligibility, how to apply
HARBOUR = [
    (
        "veilig-thuis-ams",
        "Veilig Thuis Amstelland (fictional)",
        "Stichting Veilig Thuis Amstelland",
        ["domestic_violence", "crisis_lines"],
        "Amsterdam",
        ["nl", "en"],
        "24/7",
        {"virtual"},
        "Advice and reports line for domestic violence and child abuse, day and night. Advies- en meldpunt huiselijk geweld.",
        "Anyone worried about domestic violence: victims, bystanders and professionals.",
        "Call, also anonymously. Professionals can consult before reporting.",
    ),
    (
        "blijf-huis-ams",
        "Blijfhuis Noord (fictional)",
        "Stichting Blijfhuis Noord",
        ["domestic_violence", "housing"],
        "Amsterdam",
        ["nl", "en", "ar"],
        "24/7",
        {"confidential"},
        "Safe shelter (opvang) for women and children escaping domestic violence. Secret address.",
        "Women, with or without children, in danger at home.",
        "Call the intake line; a worker arranges where and when to meet.",
    ),
    (
        "blijf-huis-rtm",
        "Safe House Maas (fictional)",
        "Stichting Veilige Haven Rotterdam",
        ["domestic_violence", "housing"],
        "Rotterdam",
        ["nl", "en", "tr"],
        "24/7",
        {"confidential"},
        "Shelter for people of any gender escaping violence at home, with children's workers.",
        "Adults and their children in immediate danger.",
        "Intake by phone only; the address is given to accepted clients.",
    ),
    (
        "male-shelter-utr",
        "Mannenopvang Domstad (fictional)",
        "Stichting Domstad Opvang",
        ["domestic_violence"],
        "Utrecht",
        ["nl"],
        "office",
        {"confidential", "stale"},
        "Shelter places for men experiencing domestic violence.",
        "Men aged 18 and over.",
        "Via Veilig Thuis or the intake line.",
    ),
    (
        "sexual-violence-centre",
        "Centrum Seksueel Geweld West (fictional)",
        "Centrum Seksueel Geweld West",
        ["sexual_violence", "health_care"],
        "Amsterdam",
        ["nl", "en"],
        "24/7",
        set(),
        "Acute medical, forensic and psychological help after sexual violence, within 7 days or later.",
        "Everyone, any age.",
        "Call first, day or night.",
    ),
    (
        "crisis-113",
        "Zelfmoordpreventielijn 0800 (fictional)",
        "Stichting Luisterlijn Nederland",
        ["crisis_lines", "mental_health"],
        "Utrecht",
        ["nl", "en"],
        "24/7",
        {"virtual"},
        "Free, anonymous line for people thinking about suicide and those worried about them.",
        "Anyone in the Netherlands.",
        "Call or chat; no referral needed.",
    ),
    (
        "luisterlijn",
        "De Luisterlijn Randstad (fictional)",
        "Stichting Luisterlijn Nederland",
        ["crisis_lines"],
        "Den Haag",
        ["nl"],
        "24/7",
        {"virtual"},
        "Someone to talk to, anonymous, day and night.",
        "Anyone.",
        "Call or chat.",
    ),
    (
        "ggz-ams",
        "GGZ Wijkteam Oost (fictional)",
        "GGZ Amstel Zorg",
        ["mental_health"],
        "Amsterdam",
        ["nl", "en", "ar"],
        "office",
        set(),
        "Outpatient mental health care close to home: anxiety, depression, trauma.",
        "Adults living in Amsterdam-Oost; GP referral needed.",
        "Referral letter from the GP.",
    ),
    (
        "ggz-rtm",
        "Psychiatrische Crisisdienst Rijnmond (fictional)",
        "GGZ Rijnmond Zorg",
        ["mental_health", "crisis_lines"],
        "Rotterdam",
        ["nl"],
        "24/7",
        set(),
        "Acute psychiatric assessment in a crisis.",
        "People in acute psychiatric crisis in the Rijnmond region.",
        "Via the GP or GP out-of-hours service; professionals may call directly.",
    ),
    (
        "jellinek",
        "Verslavingszorg Centrum (fictional)",
        "Stichting Verslavingszorg Amstel",
        ["substance_use", "health_care"],
        "Amsterdam",
        ["nl", "en"],
        "office",
        set(),
        "Treatment and advice for alcohol, drugs, gambling and gaming addiction; also for family.",
        "Adults and young people from 16, and their relatives.",
        "Self-referral by phone, or GP referral.",
    ),
    (
        "drugs-rtm",
        "Drugsinfo Maasstad (fictional)",
        "Stichting Verslavingszorg Maasstad",
        ["substance_use"],
        "Rotterdam",
        ["nl", "pl"],
        "late",
        {"stale"},
        "Walk-in advice on drugs and harm reduction, needle exchange.",
        "Everyone; no appointment.",
        "Walk in during opening hours.",
    ),
    (
        "schuld-ams",
        "Schuldhulp Amsterdam Noord (fictional)",
        "Gemeente Amsterdam (fictional)",
        ["debt_money"],
        "Amsterdam",
        ["nl", "en", "tr"],
        "office",
        set(),
        "Free municipal debt counselling: overview, payment plans, debt restructuring.",
        "Residents of Amsterdam with debts.",
        "Register by phone or at the service point.",
    ),
    (
        "schuld-rtm",
        "Geldfit Maas (fictional)",
        "Stichting Geldzorg Rotterdam",
        ["debt_money"],
        "Rotterdam",
        ["nl", "ar", "tr"],
        "mornings",
        set(),
        "Volunteers help with letters, bills and budgeting; referral to municipal debt help.",
        "Rotterdam residents.",
        "Walk-in on opening mornings.",
    ),
    (
        "schuld-utr",
        "Budgetmaatjes Utrecht (fictional)",
        "Stichting Budgetmaatjes Utrecht",
        ["debt_money"],
        "Utrecht",
        ["nl"],
        "office",
        {"stale", "do_not_refer"},
        "Buddy programme for households with money worries.",
        "Utrecht households.",
        "Application form on the website.",
    ),
    (
        "dak-ams",
        "Nachtopvang De Haven (fictional)",
        "Stichting Daklozenzorg Amsterdam",
        ["housing"],
        "Amsterdam",
        ["nl", "en", "pl"],
        "late",
        set(),
        "Night shelter and day centre for homeless adults.",
        "Homeless adults with a regional tie to Amsterdam.",
        "Intake at the central desk (Centrale Toegang).",
    ),
    (
        "dak-utr",
        "Housing First Domstad (fictional)",
        "Stichting Domstad Wonen",
        ["housing", "mental_health"],
        "Utrecht",
        ["nl", "en"],
        "office",
        set(),
        "Own home with support for people who were long-term homeless.",
        "Adults homeless for more than a year.",
        "Referral by a social worker.",
    ),
    (
        "juridisch-ams",
        "Juridisch Loket Amstel (fictional)",
        "Stichting Rechtshulp Nederland (fictional)",
        ["legal_aid"],
        "Amsterdam",
        ["nl", "en"],
        "office",
        set(),
        "Free legal advice on work, housing, debts, family and benefits.",
        "People on a low income.",
        "Call or walk in; bring your papers.",
    ),
    (
        "vluchtelingenwerk",
        "Vluchtelingenhulp Randstad (fictional)",
        "Stichting Vluchtelingenhulp Randstad",
        ["migration_asylum", "legal_aid"],
        "Den Haag",
        ["nl", "en", "ar", "ti"],
        "office",
        set(),
        "Support for refugees and asylum seekers: procedure, family reunification, integration.",
        "Refugees and asylum seekers.",
        "Make an appointment by phone.",
    ),
    (
        "werk-rtm",
        "Werkpunt Zuid (fictional)",
        "Gemeente Rotterdam (fictional)",
        ["employment"],
        "Rotterdam",
        ["nl"],
        "office",
        {"stale"},
        "Job coaching and re-integration into work after illness, prison or long unemployment.",
        "Rotterdam residents on benefits.",
        "Via your municipal client manager.",
    ),
    (
        "jeugd-ams",
        "Ouder- en Kindteam West (fictional)",
        "Gemeente Amsterdam (fictional)",
        ["youth_family"],
        "Amsterdam",
        ["nl", "en", "ar"],
        "office",
        set(),
        "Questions about parenting, growing up and youth care; free.",
        "Parents, children and young people up to 23.",
        "Walk in, call or e-mail.",
    ),
    (
        "jeugd-utr",
        "Kindertelefoon Midden (fictional)",
        "Stichting Kinderlijn (fictional)",
        ["youth_family", "crisis_lines"],
        "Utrecht",
        ["nl"],
        "late",
        {"virtual"},
        "Children can call or chat about anything, anonymously.",
        "Children aged 8 to 18.",
        "Call or chat.",
    ),
    (
        "beperking",
        "MEE Wegwijzer (fictional)",
        "Stichting Wegwijzer Beperking",
        ["disability"],
        "Utrecht",
        ["nl", "en"],
        "office",
        set(),
        "Free client support for people with a disability or chronic illness.",
        "People with a disability and their carers.",
        "Call for an intake.",
    ),
    (
        "ouderen",
        "Ouderenadvies Noord (fictional)",
        "Stichting Zilver Amsterdam",
        ["elderly_care"],
        "Amsterdam",
        ["nl", "tr"],
        "mornings",
        set(),
        "Advice on care, housing and loneliness for older people.",
        "People aged 65 and over.",
        "Call for a home visit.",
    ),
    (
        "huisarts-nacht",
        "Huisartsenpost Centrum (fictional)",
        "Huisartsenposten Amsterdam",
        ["health_care"],
        "Amsterdam",
        ["nl", "en"],
        "24/7",
        set(),
        "Out-of-hours GP care for urgent problems that cannot wait.",
        "Everyone in the region; call first.",
        "Call first, no walk-in.",
    ),
]

LINDENHOF = [
    (
        "frauenhaus-berlin",
        "Frauenhaus Spreebogen (fiktiv)",
        "Verein Frauen helfen Frauen Berlin",
        ["domestic_violence", "housing"],
        "Berlin",
        ["de", "en", "tr", "ar"],
        "24/7",
        {"confidential"},
        "Schutzunterkunft für Frauen und Kinder bei häuslicher Gewalt. Adresse geheim.",
        "Frauen mit und ohne Kinder in Gefahr.",
        "Telefonisch rund um die Uhr; Treffpunkt wird vereinbart.",
    ),
    (
        "frauenhaus-koeln",
        "Frauenhaus Rheinufer (fiktiv)",
        "Verein Frauenhaus Köln",
        ["domestic_violence", "housing"],
        "Köln",
        ["de", "en"],
        "24/7",
        {"confidential"},
        "Schutz und Beratung bei häuslicher Gewalt.",
        "Frauen ab 18 und ihre Kinder.",
        "Aufnahme über die Notrufnummer.",
    ),
    (
        "foyer-strasbourg",
        "Foyer Refuge Ill (fictif)",
        "Association Solidarité Femmes Alsace",
        ["domestic_violence", "housing"],
        "Strasbourg",
        ["fr", "de", "ar"],
        "24/7",
        {"confidential", "stale"},
        "Hébergement d'urgence pour femmes victimes de violences conjugales. Adresse confidentielle.",
        "Femmes victimes de violences et leurs enfants.",
        "Appeler la ligne d'accueil, jour et nuit.",
    ),
    (
        "hilfetelefon",
        "Hilfetelefon Gewalt (fiktiv)",
        "Bundesverein Hilfetelefon (fiktiv)",
        ["domestic_violence", "sexual_violence", "crisis_lines"],
        "Berlin",
        ["de", "en", "fr", "tr", "ar"],
        "24/7",
        {"virtual"},
        "Bundesweites, kostenloses Beratungstelefon bei Gewalt gegen Frauen, in vielen Sprachen.",
        "Betroffene, Angehörige und Fachkräfte.",
        "Anrufen oder chatten, anonym.",
    ),
    (
        "violences-femmes",
        "Ligne Écoute Violences (fictif)",
        "Fédération Écoute Femmes (fictif)",
        ["domestic_violence", "crisis_lines"],
        "Strasbourg",
        ["fr"],
        "24/7",
        {"virtual"},
        "Écoute anonyme et gratuite pour les victimes de violences.",
        "Victimes, témoins et professionnels.",
        "Appel gratuit.",
    ),
    (
        "notruf-sexual",
        "Frauennotruf Köln (fiktiv)",
        "Verein Frauennotruf Köln",
        ["sexual_violence"],
        "Köln",
        ["de", "en"],
        "office",
        set(),
        "Beratung nach sexualisierter Gewalt, Begleitung zu Polizei und Gericht.",
        "Frauen und Mädchen ab 14.",
        "Telefonischer Erstkontakt.",
    ),
    (
        "telefonseelsorge",
        "Telefonseelsorge Spree (fiktiv)",
        "Telefonseelsorge Berlin (fiktiv)",
        ["crisis_lines", "mental_health"],
        "Berlin",
        ["de"],
        "24/7",
        {"virtual"},
        "Anonyme Krisenbegleitung am Telefon, Tag und Nacht.",
        "Alle Menschen in Krisen.",
        "Anrufen, chatten oder mailen.",
    ),
    (
        "sos-amitie",
        "SOS Écoute Alsace (fictif)",
        "Association Écoute Alsace",
        ["crisis_lines", "mental_health"],
        "Strasbourg",
        ["fr", "de"],
        "24/7",
        {"virtual"},
        "Écoute pour personnes en détresse, 24h/24.",
        "Toute personne.",
        "Appeler.",
    ),
    (
        "krisendienst",
        "Berliner Krisendienst Mitte (fiktiv)",
        "Krisendienst Berlin (fiktiv)",
        ["mental_health", "crisis_lines"],
        "Berlin",
        ["de", "en"],
        "late",
        set(),
        "Psychosoziale Krisenhilfe vor Ort und am Telefon.",
        "Erwachsene in seelischen Krisen.",
        "Ohne Termin; telefonisch oder persönlich.",
    ),
    (
        "cmp-strasbourg",
        "Centre Médico-Psychologique Krutenau (fictif)",
        "Hôpitaux Rhin (fictif)",
        ["mental_health", "health_care"],
        "Strasbourg",
        ["fr"],
        "office",
        {"stale"},
        "Consultations de santé mentale gratuites, sur rendez-vous.",
        "Adultes du secteur.",
        "Prendre rendez-vous par téléphone.",
    ),
    (
        "sucht-koeln",
        "Suchtberatung Domplatte (fiktiv)",
        "Caritasverband Köln (fiktiv)",
        ["substance_use"],
        "Köln",
        ["de", "tr"],
        "office",
        set(),
        "Beratung bei Alkohol, Drogen, Medikamenten und Glücksspiel.",
        "Betroffene und Angehörige.",
        "Offene Sprechstunde oder Termin.",
    ),
    (
        "csapa",
        "CSAPA Les Ponts (fictif)",
        "Association Addictions Alsace",
        ["substance_use", "health_care"],
        "Strasbourg",
        ["fr", "en"],
        "mornings",
        set(),
        "Soins et accompagnement en addictologie, anonymes et gratuits.",
        "Toute personne concernée par une addiction.",
        "Accueil sans rendez-vous le matin.",
    ),
    (
        "schuldner-berlin",
        "Schuldnerberatung Kiez (fiktiv)",
        "Verbraucherhilfe Berlin (fiktiv)",
        ["debt_money"],
        "Berlin",
        ["de", "ar", "tr"],
        "office",
        set(),
        "Kostenlose Schuldner- und Insolvenzberatung.",
        "Berliner Haushalte mit Schulden.",
        "Termin telefonisch vereinbaren; Wartezeit ca. 6 Wochen.",
    ),
    (
        "schuldner-koeln",
        "Schuldenhilfe Rhein (fiktiv)",
        "Diakonie Köln (fiktiv)",
        ["debt_money"],
        "Köln",
        ["de"],
        "office",
        {"stale"},
        "Beratung bei Überschuldung, P-Konto, Insolvenz.",
        "Kölner Bürgerinnen und Bürger.",
        "Offene Sprechstunde dienstags.",
    ),
    (
        "cresus",
        "Crésus Alsace (fictif)",
        "Association Crésus Est (fictif)",
        ["debt_money"],
        "Strasbourg",
        ["fr"],
        "office",
        {"do_not_refer"},
        "Accompagnement des personnes surendettées.",
        "Ménages en difficulté financière.",
        "Formulaire en ligne.",
    ),
    (
        "wohnungslos-berlin",
        "Kältehilfe Mitte (fiktiv)",
        "Stadtmission Berlin (fiktiv)",
        ["housing"],
        "Berlin",
        ["de", "en", "pl"],
        "late",
        set(),
        "Notübernachtung und Beratung für wohnungslose Menschen.",
        "Wohnungslose Erwachsene.",
        "Ohne Anmeldung ab 19 Uhr.",
    ),
    (
        "samu-social",
        "Accueil de Nuit Esplanade (fictif)",
        "Association Toit Alsace",
        ["housing"],
        "Strasbourg",
        ["fr", "en"],
        "24/7",
        set(),
        "Hébergement d'urgence et maraudes.",
        "Personnes sans abri.",
        "Appeler le 115 (fictif) ou se présenter.",
    ),
    (
        "rechtsberatung",
        "Öffentliche Rechtsberatung Köln (fiktiv)",
        "Stadt Köln (fiktiv)",
        ["legal_aid"],
        "Köln",
        ["de", "en"],
        "mornings",
        set(),
        "Kostenlose Rechtsberatung für Menschen mit geringem Einkommen.",
        "Kölner mit Beratungshilfeschein.",
        "Beratungshilfeschein beim Amtsgericht beantragen.",
    ),
    (
        "cimade",
        "Permanence Droit des Étrangers (fictif)",
        "Association Accueil Migrants Alsace",
        ["migration_asylum", "legal_aid"],
        "Strasbourg",
        ["fr", "en", "ar"],
        "mornings",
        set(),
        "Conseil juridique gratuit pour personnes étrangères et demandeurs d'asile.",
        "Personnes étrangères.",
        "Permanence sans rendez-vous.",
    ),
    (
        "migration-berlin",
        "Migrationsberatung Wedding (fiktiv)",
        "Verein Ankommen Berlin",
        ["migration_asylum"],
        "Berlin",
        ["de", "ar", "fr", "en"],
        "office",
        set(),
        "Beratung zu Aufenthalt, Sprache, Arbeit und Familie.",
        "Zugewanderte ab 27 Jahren.",
        "Termin per Telefon.",
    ),
    (
        "jobcenter",
        "Jobcoaching Neustart (fiktiv)",
        "Neustart Arbeit gGmbH (fiktiv)",
        ["employment"],
        "Köln",
        ["de", "tr"],
        "office",
        set(),
        "Begleitung zurück in Arbeit, auch nach Haft oder Krankheit.",
        "Langzeitarbeitslose im Raum Köln.",
        "Über das Jobcenter.",
    ),
    (
        "jugend",
        "Jugendnotdienst Spree (fiktiv)",
        "Jugendhilfe Berlin (fiktiv)",
        ["youth_family", "crisis_lines"],
        "Berlin",
        ["de", "en"],
        "24/7",
        set(),
        "Schutz und Beratung für Kinder und Jugendliche in Not.",
        "Kinder und Jugendliche bis 18.",
        "Rund um die Uhr erreichbar.",
    ),
    (
        "handicap",
        "Maison de l'Autonomie (fictif)",
        "Département Rhin (fictif)",
        ["disability", "elderly_care"],
        "Strasbourg",
        ["fr", "de"],
        "office",
        set(),
        "Information et droits des personnes handicapées et âgées.",
        "Personnes handicapées, âgées et leurs aidants.",
        "Accueil du lundi au vendredi.",
    ),
    (
        "pflege",
        "Pflegestützpunkt Ehrenfeld (fiktiv)",
        "Stadt Köln (fiktiv)",
        ["elderly_care"],
        "Köln",
        ["de", "tr"],
        "office",
        set(),
        "Neutrale Beratung zu Pflege und Unterstützung im Alter.",
        "Pflegebedürftige und Angehörige.",
        "Termin oder Hausbesuch.",
    ),
]

PLACES = {
    "Amsterdam": ("NL", "+31 20 555 0", "10"),
    "Rotterdam": ("NL", "+31 10 555 0", "30"),
    "Utrecht": ("NL", "+31 30 555 0", "35"),
    "Den Haag": ("NL", "+31 70 555 0", "25"),
    "Berlin": ("DE", "+49 30 5550 ", "10"),
    "Köln": ("DE", "+49 221 5550 ", "50"),
    "Strasbourg": ("FR", "+33 3 88 55 5", "67"),
}
LANGUAGE_NAMES = {
    "nl": "Dutch",
    "en": "English",
    "ar": "Arabic",
    "tr": "Turkish",
    "pl": "Polish",
    "ti": "Tigrinya",
    "de": "German",
    "fr": "French",
}


def _id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(parts)))


def directory_tables(slug: str, entries: list, today) -> dict[str, list[dict[str, str]]]:
    """The demo directory of one agency as HSDS rows (text values, like a CSV)."""
    t: dict[str, list[dict[str, str]]] = {
        name: []
        for name in (
            "organization",
            "service",
            "location",
            "service_at_location",
            "phone",
            "address",
            "schedule",
            "language",
            "service_area",
            "attribute",
        )
    }
    providers: dict[str, str] = {}
    for n, (
        key,
        name,
        provider,
        cats,
        city,
        langs,
        hours,
        flags,
        description,
        eligibility,
        apply,
    ) in enumerate(entries):
        if provider not in providers:
            providers[provider] = _id(slug, "org", provider)
            t["organization"].append(
                {
                    "id": providers[provider],
                    "name": provider,
                    "description": provider,
                    "website": f"https://{key}.example.org",
                    "email": f"info@{key}.example.org",
                }
            )
        sid = _id(slug, "service", key)
        country, prefix, postcode = PLACES[city]
        age = 200 + n * 7 if "stale" in flags else 5 + (n * 11) % 150
        t["service"].append(
            {
                "id": sid,
                "organization_id": providers[provider],
                "name": name,
                "description": description,
                "status": "active",
                "email": f"contact@{key}.example.org",
                "url": f"https://{key}.example.org",
                "eligibility_description": eligibility,
                "application_process": apply,
                "fees_description": "Free of charge."
                if slug == "harbour"
                else "Kostenlos / gratuit.",
                "interpretation_services": "Interpreters by phone on request.",
                "assured_date": (today - timedelta(days=age)).isoformat(),
                "assurer_email": f"admin@{slug}.example",
            }
        )
        t["phone"].append(
            {
                "id": _id(slug, "phone", key),
                "service_id": sid,
                "number": f"{prefix}{100 + n:03d}",
                "type": "voice",
                "description": "Intake" if "confidential" in flags else "Main line",
            }
        )
        for code in langs:
            t["language"].append(
                {
                    "id": _id(slug, "lang", key, code),
                    "service_id": sid,
                    "code": code,
                    "name": LANGUAGE_NAMES[code],
                }
            )
        area = (
            {"NL": "Nederland", "DE": "Deutschland", "FR": "France"}[country]
            if "virtual" in flags
            else city
        )
        t["service_area"].append({"id": _id(slug, "area", key), "service_id": sid, "name": area})
        for code in cats:
            t["attribute"].append(
                {
                    "id": _id(slug, "attr", key, code),
                    "link_id": sid,
                    "link_entity": "service",
                    "link_type": "category",
                    "taxonomy_term_id": categories.category_id(code),
                }
            )
        for i, (days, opens, closes) in enumerate(HOURS[hours]):
            t["schedule"].append(
                {
                    "id": _id(slug, "sched", key, str(i)),
                    "service_id": sid,
                    "freq": "WEEKLY",
                    "byday": days,
                    "opens_at": opens,
                    "closes_at": closes,
                }
            )
        if "virtual" not in flags:
            lid = _id(slug, "loc", key)
            t["location"].append(
                {
                    "id": lid,
                    "location_type": "physical",
                    "organization_id": providers[provider],
                    "name": f"{name.split(' (')[0]} – {city}",
                }
            )
            t["service_at_location"].append(
                {"id": _id(slug, "sal", key), "service_id": sid, "location_id": lid}
            )
            t["address"].append(
                {
                    "id": _id(slug, "addr", key),
                    "location_id": lid,
                    "address_1": f"Voorbeeldstraat {n + 1}",
                    "city": city,
                    "postal_code": f"{postcode}{n:02d}",
                    "country": country,
                    "address_type": "physical",
                }
            )
            if "confidential" in flags:
                t["attribute"].append(
                    {
                        "id": _id(slug, "flag", key),
                        "link_id": lid,
                        "link_entity": "location",
                        "taxonomy_term_id": categories.flag_id(categories.FLAG_CONFIDENTIAL),
                    }
                )
        if "do_not_refer" in flags:
            t["attribute"].append(
                {
                    "id": _id(slug, "dnr", key),
                    "link_id": sid,
                    "link_entity": "service",
                    "taxonomy_term_id": categories.flag_id(categories.FLAG_DO_NOT_REFER),
                    "value": "Long waiting list and unanswered calls reported by colleagues; check with the team first.",
                }
            )
    return t


def _package(tables: dict[str, list[dict[str, str]]]) -> RawPackage:
    from referrals.hsds import spec

    package = RawPackage()
    for name, rows in tables.items():
        package.tables[name] = RawTable(
            spec.BY_NAME[name].filename, None, list(enumerate(rows, start=1))
        )
    return package


# practitioner, client code, service key, reason, days ago, follow up after (days), outcome
DEMO_REFERRALS = [
    (
        "ana@harbour.example",
        "K-17",
        "schuld-ams",
        "Debts and letters from the housing corporation; needs a debt counsellor.",
        60,
        14,
        ("accepted", "Intake done; repayment plan in preparation."),
    ),
    (
        "ana@harbour.example",
        "M-04",
        "jeugd-ams",
        "Family tension at home; the youth team can support the parents too.",
        4,
        10,
        None,
    ),
    (
        "ben@harbour.example",
        "B-21",
        "jellinek",
        "Relapse last month; wants specialised addiction care.",
        30,
        14,
        ("waiting", "On the waiting list, about six weeks."),
    ),
    (
        "daan@lindenhof.example",
        "D-02",
        "schuldner-berlin",
        "Schulden aus der Zeit der Arbeitslosigkeit; Schuldnerberatung gewünscht.",
        20,
        14,
        None,
    ),
    (
        "chloe@lindenhof.example",
        "C-03",
        "cresus",
        "Dettes de consommation ; souhaite un accompagnement budgétaire.",
        45,
        14,
        ("contacted", "Premier rendez-vous pris."),
    ),
]


def seed_referrals(stdout) -> None:
    """A few referrals by the demo practitioners, some with an outcome, one follow-up due."""
    from accounts.models import User
    from journal.models import Client
    from referrals.models import Referral, Service
    from referrals.services import referral_create, referral_record_outcome

    now = timezone.now()
    made = 0
    for email, code, key, reason, days_ago, after, outcome in DEMO_REFERRALS:
        user = User.objects.filter(email=email).first()
        client = Client.objects.filter(owner=user, code=code).first() if user else None
        if client is None:
            continue
        slug = client.organisation.slug
        service = Service.objects.filter(
            owner_id=client.organisation_id, hsds_id=_id(slug, "service", key)
        ).first()
        if service is None or Referral.objects.filter(client=client, service=service).exists():
            continue
        made_at = now - timedelta(days=days_ago)
        referral = referral_create(
            by=user,
            client=client,
            entry=client.entries.order_by("-occurred_at").first(),
            service=service,
            reason=reason,
            client_consented=True,
            follow_up_on=(made_at + timedelta(days=after)).date(),
        )
        if outcome:
            referral_record_outcome(referral=referral, outcome=outcome[0], note=outcome[1], by=user)
        Referral.objects.filter(pk=referral.pk).update(
            created_at=made_at,
            outcome_at=made_at + timedelta(days=after) if outcome else None,
        )
        made += 1
    if made:
        stdout.write(f"Demo referrals: {made}.\n")


def seed(stdout) -> None:
    categories.install_shipped(Taxonomy, TaxonomyTerm)
    today = timezone.localdate()
    for slug, entries in (("harbour", HARBOUR), ("lindenhof", LINDENHOF)):
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            continue
        dataset, report = importer.check(
            organisation, _package(directory_tables(slug, entries, today))
        )
        if not report.ok:
            raise RuntimeError("; ".join(str(e) for e in report.errors))
        with transaction.atomic():
            service_reindex(importer.apply(organisation, dataset))
        stdout.write(f"Directory for {slug}: {len(entries)} demo services.\n")
    seed_referrals(stdout)
