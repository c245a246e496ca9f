"""Demo journal: clients and session entries in several languages for each demo practitioner,
some with crossings confirmed, dismissed or already reviewed, and a supervision meeting
about the reviewed ones.

Idempotent: a demo client the practitioner already has is left as it is; a missing one is
created with its sessions.
"""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from accounts.selectors import supervisors_of
from journal import services
from journal.forms import PRINCIPLES
from journal.models import Client, Flag, FlagEvent, SessionEntry, SupervisionMeeting

# code, tags, [(days ago, setting, minutes, notes, felt, went well, differently, next steps,
#              what to do with the detector's suggestions: "confirm", "dismiss:<reason>", "")]
DEMO_JOURNALS: dict[str, list[tuple[str, str, list[tuple]]]] = {
    "ana@harbour.example": [
        (
            "K-17",
            "debt, housing",
            [
                (
                    96,
                    "office",
                    60,
                    "First session. K-17 explained the debt situation and the letters from the "
                    "housing corporation. We made an overview of income and fixed costs together.",
                    "Calm, a bit rushed at the end.",
                    "K-17 brought every letter we had asked for.",
                    "Plan ten minutes more for the first overview.",
                    "K-17 calls the debt counselling service this week.",
                    "",
                ),
                (
                    61,
                    "office",
                    75,
                    "K-17 had no money for the bus home, so I gave him ten euros from my own "
                    "wallet. We also looked at the budget plan.",
                    "I felt sorry for him and a bit uneasy afterwards.",
                    "The budget plan is almost complete.",
                    "Ask the office about the emergency travel fund next time.",
                    "Finish the budget plan.",
                    "confirm",
                ),
                (
                    33,
                    "phone",
                    20,
                    "K-17 asked to borrow money for groceries. I said no and told him about the "
                    "food bank, which is open on Thursdays.",
                    "Firm, and fine with it.",
                    "I kept my limit without a long discussion.",
                    "",
                    "Check next week whether the food bank worked out.",
                    "",
                ),
                (
                    8,
                    "office",
                    60,
                    "The session ran over by forty minutes again because K-17 kept adding new "
                    "problems and I could not say no.",
                    "Tired, and annoyed with myself.",
                    "We did solve the landlord question.",
                    "Say at the start how much time we have and stick to it.",
                    "Agenda first next time.",
                    "confirm",
                ),
            ],
        ),
        (
            "M-04",
            "employment, youth",
            [
                (
                    80,
                    "video",
                    45,
                    "Mijn cliënt vertelde uitgebreid over haar scheiding en de ruzies thuis. Ik heb "
                    "het gesprek na een tijdje teruggebracht naar haar sollicitaties.",
                    "Ik voelde me betrokken maar hield de focus.",
                    "Het terugbrengen naar het doel lukte goed.",
                    "",
                    "Twee vacatures bekijken.",
                    "",
                ),
                (
                    45,
                    "office",
                    60,
                    "Ik heb haar cv helemaal zelf herschreven en de motivatiebrief voor haar "
                    "verstuurd, omdat de deadline vandaag was.",
                    "Opgelucht dat het verstuurd was.",
                    "De brief is op tijd binnen.",
                    "Volgende keer samen schrijven, zodat zij het zelf leert.",
                    "Samen de volgende brief opstellen.",
                    "confirm",
                ),
                (
                    27,
                    "office",
                    60,
                    "We hebben een sollicitatiegesprek geoefend als rollenspel. M-04 schreef de "
                    "nieuwe motivatiebrief zelf; ik gaf alleen feedback op de opbouw.",
                    "Trots op haar, en rustig.",
                    "Ze stelde zelf vragen over het bedrijf en kwam zekerder over dan vorige keer.",
                    "Het rollenspel opnemen, zodat ze zichzelf terug kan zien.",
                    "Ze belt de werkgever zelf voor een afspraak.",
                    "",
                ),
                (
                    12,
                    "phone",
                    15,
                    "M-04 appte me zaterdagavond op mijn privénummer en ik heb meteen geantwoord.",
                    "Schuldig naar mijn gezin toe.",
                    "",
                    "Mijn werknummer geven en zeggen wanneer ik bereikbaar ben.",
                    "Bereikbaarheid bespreken.",
                    "confirm",
                ),
            ],
        ),
        (
            "A-22",
            "grief, return to work",
            [
                (
                    74,
                    "office",
                    60,
                    "Intake. A-22 has been on sick leave since her father died in the spring and "
                    "wants to go back to work part-time. We agreed to meet every two weeks and "
                    "that these sessions are about work, not about the grief itself.",
                    "Some sadness, mostly respect for how clearly she put it.",
                    "We set the focus and the limits of my role together.",
                    "",
                    "A-22 talks to her company doctor about a plan for part-time return.",
                    "",
                ),
                (
                    39,
                    "office",
                    90,
                    "A-22 spent most of the hour telling me about her sister's affair in great "
                    "detail, and I let her go on although we had agreed to work on her return plan.",
                    "Uncomfortable, and unsure whether stopping her would seem cold.",
                    "She felt heard, and she did mention that she sleeps badly.",
                    "Acknowledge what she says, then bring it back to the goal we agreed on.",
                    "Give her the details of the grief counselling service.",
                    "confirm",
                ),
                (
                    5,
                    "video",
                    45,
                    "A-22 started with the grief counsellor last week. In our session we stuck to "
                    "the return plan: three mornings a week from next month.",
                    "Light. The split between the two kinds of help works.",
                    "The referral took the pressure off our sessions.",
                    "",
                    "Check in after her first week back.",
                    "",
                ),
            ],
        ),
    ],
    "ben@harbour.example": [
        (
            "B-21",
            "addiction, housing",
            [
                (
                    70,
                    "home_visit",
                    60,
                    "Home visit. B-21 talked about relapsing last month; we went through the "
                    "relapse plan and who he can call.",
                    "Hopeful.",
                    "B-21 was open about the relapse.",
                    "",
                    "Call the addiction service together next week.",
                    "",
                ),
                (
                    40,
                    "outreach",
                    30,
                    "I told B-21 about my own divorce and how hard that year was for me.",
                    "It felt like connection in the moment.",
                    "He opened up afterwards.",
                    "Ask myself whose need that served.",
                    "",
                    "confirm",
                ),
                (
                    15,
                    "office",
                    45,
                    "B-21 asked me to help him move house this weekend and offered to pay me. "
                    "I said I could not and gave him the number of the volunteer moving service.",
                    "Relieved I said no clearly.",
                    "Clear answer, friendly tone.",
                    "",
                    "",
                    "",
                ),
                (
                    9,
                    "phone",
                    15,
                    "I took B-21's call on my work mobile at nine in the evening; he had been "
                    "discharged from detox that day and was craving.",
                    "Alert, calm.",
                    "He called the number we had agreed on instead of going to his old friends.",
                    "",
                    "Office appointment on Monday.",
                    "dismiss:I was on the crisis rota that evening; taking his call was my job.",
                ),
                (
                    3,
                    "office",
                    50,
                    "B-21 came in sober and had called the addiction service himself. He is on the "
                    "waiting list and goes to a peer group on Tuesdays in the meantime.",
                    "Glad, and careful not to celebrate too early.",
                    "He took the step himself; I only asked how it went.",
                    "",
                    "Ask how the peer group is going.",
                    "",
                ),
            ],
        ),
        (
            "L-09",
            "youth",
            [
                (
                    55,
                    "office",
                    60,
                    "L-09 talked about school and her mother's illness. We made a plan for the "
                    "exams.",
                    "Moved by her story.",
                    "She made her own plan.",
                    "",
                    "Check the plan in two weeks.",
                    "",
                ),
                (
                    20,
                    "office",
                    60,
                    "I told her that living together before marriage is wrong and that she should "
                    "think about her faith.",
                    "I noticed afterwards that I was lecturing.",
                    "",
                    "Listen to her values, not mine.",
                    "Bring this to supervision.",
                    "confirm",
                ),
                (
                    6,
                    "office",
                    60,
                    "I apologised to L-09 for last time. She talked about moving in with her "
                    "boyfriend after the exams; I asked what mattered most to her and what worried "
                    "her about it.",
                    "Nervous at the start, then relieved.",
                    "She explained her reasons and I listened.",
                    "",
                    "Look at housing options for students together.",
                    "",
                ),
            ],
        ),
        (
            "B-30",
            "Arbeit, Migration",
            [
                (
                    102,
                    "office",
                    60,
                    "Erstgespräch mit Dolmetscher. B-30 ist seit einem Jahr hier, hat in seinem "
                    "Heimatland als Mechaniker gearbeitet und sucht Arbeit in einer Werkstatt.",
                    "Interessiert, etwas ungeduldig mit dem Dolmetschen.",
                    "Er hat seine Zeugnisse mitgebracht.",
                    "Mehr Zeit einplanen, wenn gedolmetscht wird.",
                    "Anerkennung der Zeugnisse beantragen.",
                    "",
                ),
                (
                    64,
                    "office",
                    45,
                    "Ich habe B-30 gebeten, am Samstag die Bremsen an meinem Auto zu reparieren, "
                    "weil er Mechaniker ist. Er wollte kein Geld dafür.",
                    "Dankbar, danach unwohl.",
                    "Die Anerkennung der Zeugnisse läuft.",
                    "Ihn nicht um Gefallen bitten, auch wenn er sich darüber freut.",
                    "Mit der Supervisorin besprechen.",
                    "confirm",
                ),
                (
                    26,
                    "office",
                    60,
                    "B-30 hat ein Probearbeiten in einer Werkstatt. Die Monatskarte für die Fahrt "
                    "haben wir aus dem Projektfonds bezahlt, nicht aus meiner Tasche.",
                    "Zufrieden.",
                    "Den Fonds rechtzeitig beantragt.",
                    "",
                    "Nach dem Probearbeiten anrufen.",
                    "",
                ),
            ],
        ),
    ],
    "chloe@lindenhof.example": [
        (
            "C-03",
            "emploi",
            [
                (
                    88,
                    "office",
                    60,
                    "Premier entretien. C-03 cherche un emploi dans la logistique. Nous avons fait "
                    "le point sur son parcours.",
                    "Curieuse et détendue.",
                    "Bon contact.",
                    "",
                    "Préparer un CV.",
                    "",
                ),
                (
                    50,
                    "office",
                    60,
                    "J'ai rempli tous les formulaires de la CAF pour lui et j'ai appelé moi-même "
                    "son conseiller.",
                    "Pressée par le temps.",
                    "Le dossier est complet.",
                    "L'accompagner pour qu'il le fasse lui-même.",
                    "",
                    "confirm",
                ),
                (
                    18,
                    "video",
                    45,
                    "C-03 m'a demandé mon numéro personnel. Je lui ai refusé mon numéro et donné "
                    "celui du service.",
                    "Sereine.",
                    "Limite posée calmement.",
                    "",
                    "",
                    "",
                ),
                (
                    4,
                    "office",
                    60,
                    "Simulation d'entretien pour un poste de préparateur de commandes. C-03 a "
                    "préparé ses réponses seul et a posé de bonnes questions sur les horaires.",
                    "Contente de le voir prendre les choses en main.",
                    "Il a mené la simulation lui-même.",
                    "Filmer la prochaine simulation pour qu'il puisse se revoir.",
                    "Il envoie sa candidature cette semaine.",
                    "",
                ),
            ],
        ),
        (
            "C-11",
            "famille, budget",
            [
                (
                    105,
                    "home_visit",
                    60,
                    "Première visite à domicile. C-11 élève seul ses deux enfants et a du mal à "
                    "boucler le mois. Nous avons listé ses dépenses fixes.",
                    "Un peu tendue au début, puis à l'aise.",
                    "Il a sorti lui-même ses relevés de compte.",
                    "",
                    "Demander les aides auxquelles il a droit.",
                    "",
                ),
                (
                    71,
                    "home_visit",
                    120,
                    "La visite a encore débordé de presque une heure parce que je n'osais pas y "
                    "mettre fin.",
                    "Épuisée en rentrant.",
                    "Il a pu dire ce qui le pesait.",
                    "Annoncer la durée au début et m'y tenir.",
                    "",
                    "confirm",
                ),
                (
                    30,
                    "home_visit",
                    60,
                    "Je lui ai acheté des cigarettes et un sandwich avec mon propre argent parce "
                    "qu'il n'avait rien mangé.",
                    "Touchée par sa situation.",
                    "",
                    "Utiliser les bons alimentaires du programme.",
                    "",
                    "confirm",
                ),
                (
                    9,
                    "office",
                    45,
                    "Nous avons demandé ensemble des bons alimentaires sur le fonds d'urgence du "
                    "programme. C-11 a rempli la demande lui-même.",
                    "Soulagée d'avoir une solution prévue pour ça.",
                    "Le fonds du programme a répondu en deux jours.",
                    "",
                    "Faire le point sur le budget dans deux semaines.",
                    "",
                ),
            ],
        ),
        (
            "C-14",
            "jeunesse, logement",
            [
                (
                    63,
                    "outreach",
                    40,
                    "Je lui ai raconté ma propre dépression après mes études et combien ça avait été "
                    "dur pour moi.",
                    "Émue, je voulais qu'il se sente moins seul.",
                    "Il m'a écoutée.",
                    "Me demander à qui ce récit servait.",
                    "En parler en supervision.",
                    "confirm",
                ),
                (
                    37,
                    "phone",
                    15,
                    "Il m'a écrit à 23 heures et je lui ai répondu depuis mon portable personnel "
                    "pendant une demi-heure.",
                    "Inquiète, puis fatiguée le lendemain.",
                    "Il s'est calmé.",
                    "Lui donner le numéro de la ligne d'écoute de nuit.",
                    "Rappeler les horaires du service.",
                    "confirm",
                ),
                (
                    13,
                    "office",
                    50,
                    "C-14 a visité deux foyers de jeunes travailleurs. Il a choisi lui-même celui "
                    "qui est près de son stage et a pris rendez-vous.",
                    "Confiante.",
                    "Il a fait les démarches lui-même.",
                    "",
                    "Préparer le dossier d'admission ensemble.",
                    "",
                ),
            ],
        ),
    ],
    "daan@lindenhof.example": [
        (
            "D-02",
            "Arbeit, Schulden",
            [
                (
                    75,
                    "office",
                    60,
                    "Erstes Gespräch. D-02 erzählte von den Schulden und der Jobsuche; wir haben "
                    "einen Plan mit drei Schritten gemacht.",
                    "Zuversichtlich.",
                    "Er hat den Plan selbst formuliert.",
                    "",
                    "Bewerbungen vorbereiten.",
                    "",
                ),
                (
                    35,
                    "phone",
                    20,
                    "Ich habe D-02 am Sonntagabend von meinem privaten Handy aus angerufen, weil "
                    "ich mir Sorgen machte.",
                    "Unruhig.",
                    "",
                    "Montag früh anrufen, vom Diensttelefon.",
                    "",
                    "confirm",
                ),
                (
                    10,
                    "office",
                    60,
                    "Ich habe ihm kein Geld geliehen, als er danach fragte, sondern die "
                    "Schuldnerberatung empfohlen.",
                    "Klar.",
                    "Grenze gut gehalten.",
                    "",
                    "",
                    "",
                ),
            ],
        ),
        (
            "D-07",
            "jeugd",
            [
                (
                    92,
                    "outreach",
                    40,
                    "Eerste contact bij het skatepark. D-07 is zestien, zit thuis sinds hij van "
                    "school is gestuurd en wil wel praten over een opleiding.",
                    "Nieuwsgierig.",
                    "Hij kwam zelf op me af.",
                    "",
                    "Volgende week op dezelfde plek.",
                    "",
                ),
                (
                    57,
                    "outreach",
                    40,
                    "Ik heb D-07 gezegd dat hij moet stoppen met blowen omdat het zondig is en dat "
                    "zijn vrienden slecht voor hem zijn.",
                    "Ik merkte dat ik boos werd.",
                    "",
                    "Vragen wat hij zelf wil, in plaats van te preken.",
                    "Bespreken in supervisie.",
                    "confirm",
                ),
                (
                    22,
                    "outreach",
                    40,
                    "Ik heb zijn vriendschapsverzoek op Instagram geaccepteerd, omdat hij anders "
                    "dacht dat ik hem niet vertrouwde.",
                    "Onzeker.",
                    "",
                    "Vriendelijk weigeren en uitleggen waarom.",
                    "",
                    "confirm",
                ),
                (
                    4,
                    "office",
                    45,
                    "D-07 is zelf naar de open dag van het mbo gegaan en heeft zich ingeschreven "
                    "voor de opleiding fietstechniek.",
                    "Blij en trots op hem.",
                    "Hij nam de stap zonder dat ik hem hoefde te duwen.",
                    "",
                    "Kennismaking met zijn mentor samen voorbereiden.",
                    "",
                ),
            ],
        ),
        (
            "D-12",
            "re-integratie, gezondheid",
            [
                (
                    112,
                    "office",
                    60,
                    "Intake re-integratietraject. D-12 heeft na een hernia twee jaar niet gewerkt "
                    "en wil terug naar de logistiek, maar niet meer tillen.",
                    "Rustig, goed contact.",
                    "Hij wist precies wat hij niet meer wil.",
                    "",
                    "Een lijst maken van functies zonder tilwerk.",
                    "",
                ),
                (
                    48,
                    "office",
                    60,
                    "De fiets voor het woon-werkverkeer hebben we uit het re-integratiebudget "
                    "betaald. D-12 deed de aanvraag zelf.",
                    "Tevreden.",
                    "Het budget was er precies voor bedoeld.",
                    "",
                    "Proefplaatsing bij het distributiecentrum regelen.",
                    "",
                ),
                (
                    30,
                    "phone",
                    20,
                    "Ik heb D-12 om acht uur 's avonds gebeld, tijdens mijn vaste avonddienst op "
                    "donderdag, om de eerste dag van de proefplaatsing door te nemen.",
                    "Rustig.",
                    "Hij vertelde zelf wat goed ging en waar hij tegenaan liep.",
                    "",
                    "Na twee weken evalueren met de werkgever.",
                    # The detector reads an evening duty the agency scheduled as no crossing.
                    "",
                ),
                (
                    16,
                    "phone",
                    50,
                    "D-12 vertelde het hele gesprek over zijn huwelijksproblemen en zijn seksleven, "
                    "en ik liet hem maar doorpraten.",
                    "Ongemakkelijk en machteloos.",
                    "Ik bleef vriendelijk.",
                    "Een grens trekken en verwijzen naar relatietherapie.",
                    "Afspraak in de tweede week van de proefplaatsing.",
                    "confirm",
                ),
            ],
        ),
    ],
}


# The principle of the self-check that a crossing of each category goes against.
PRINCIPLE_OF = {
    "rescuing": "empower",
    "out_of_hours": "self_care",
    "self_disclosure": "not_me_time",
    "giving_money": "wallet",
    "dual_relationship": "not_employee",
    "over_accommodating": "consistent",
    "imposing_values": "role_model",
}


def _self_check(entry, action: str, days: int) -> dict[str, str]:
    """The eight-principle self-check as the practitioner would answer it: "no" for the principle
    behind a crossing they confirmed, "yes" elsewhere; left empty on some ordinary sessions."""
    if action != "confirm" and days % 3 == 0:
        return {}
    crossed = {
        PRINCIPLE_OF.get(category)
        for category in entry.flags.filter(status=Flag.Status.CONFIRMED).values_list(
            "category", flat=True
        )
    }
    return {name: "no" if name in crossed else "yes" for name, _label in PRINCIPLES}


def seed(stdout) -> None:
    now = timezone.now()
    for email, clients in DEMO_JOURNALS.items():
        user = User.objects.filter(email=email).first()
        if user is None:
            continue
        existing = set(Client.objects.filter(owner=user).values_list("code", flat=True))
        supervisor = supervisors_of(user).first()
        entries = 0
        for code, tags, sessions in clients:
            if code in existing:
                continue
            client = services.client_create(owner=user, code=code, tags=tags)
            for days, setting, minutes, notes, felt, well, diff, nxt, action in sessions:
                entry = services.entry_create(
                    owner=user, client=client, occurred_at=now - timedelta(days=days, hours=3)
                )
                services.entry_save(
                    entry=entry,
                    by=user,
                    base_version=entry.version,
                    data={
                        "occurred_at": entry.occurred_at,
                        "duration_minutes": minutes,
                        "setting": setting,
                        "notes": notes,
                        "felt": felt,
                        "went_well": well,
                        "differently": diff,
                        "next_steps": nxt,
                    },
                )
                entries += 1
                # What happened is decided on; plans in the reflection stay suggestions.
                for flag in entry.flags.filter(status=Flag.Status.SUGGESTED, field="notes"):
                    if action == "confirm":
                        services.flag_confirm(flag=flag, by=user)
                    elif action.startswith("dismiss:"):
                        services.flag_dismiss(flag=flag, by=user, reason=action[8:])
                SessionEntry.objects.filter(pk=entry.pk).update(
                    self_check=_self_check(entry, action, days)
                )
                # Decisions happened the day after the session, not at seeding time.
                decided = entry.occurred_at + timedelta(days=1)
                Flag.objects.filter(entry=entry, confirmed_at__isnull=False).update(
                    confirmed_at=decided
                )
                FlagEvent.objects.filter(flag__entry=entry).update(at=decided)
                # The supervisor has already read and reviewed the older confirmed crossings.
                if supervisor and action == "confirm" and days > 40:
                    for flag in entry.flags.filter(status=Flag.Status.CONFIRMED):
                        services.flag_review(
                            flag=flag,
                            by=supervisor,
                            outcome=Flag.Outcome.WATCH,
                            comment="Let's talk about what made this feel necessary.",
                            resolve=days > 60,
                        )
        if not entries:
            continue
        # The pair met after the older crossings were reviewed and talked them through.
        discussed = list(
            Flag.objects.filter(entry__owner=user, reviewed_at__isnull=False).order_by("id")
        )
        met = SupervisionMeeting.objects.filter(supervisor=supervisor, supervisee=user).exists()
        if supervisor and discussed and not met:
            services.meeting_record(
                supervisor=supervisor,
                supervisee=user,
                held_on=(now - timedelta(days=30)).date(),
                notes="We went through the crossings of the last two months and what made each "
                "one feel necessary at the time.",
                agreed_actions="Ask the office about the emergency fund before using your own "
                "money. Say at the start of a session how much time there is.",
                flags=discussed,
            )
        stdout.write(f"Journal for {email}: {entries} demo entries.")
