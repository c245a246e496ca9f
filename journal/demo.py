"""Demo journal: clients and session entries in several languages for each demo practitioner,
some with crossings confirmed, dismissed or already reviewed, and a supervision meeting
about the reviewed ones.

Idempotent: a practitioner who already has the demo clients is left as they are.
"""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from accounts.selectors import supervisors_of
from journal import services
from journal.models import Client, Flag, FlagEvent

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
                    "First session. K-17 explained the debt situation and the letters from the housing "
                    "corporation. We made an overview of income and fixed costs together.",
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
                    "K-17 had no money for the bus home, so I gave him ten euros from my own wallet. "
                    "We also looked at the budget plan.",
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
                    "K-17 asked to borrow money for groceries. I said no and told him about the food "
                    "bank, which is open on Thursdays.",
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
                    "Home visit. B-21 talked about relapsing last month; we went through the relapse "
                    "plan and who he can call.",
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
                    "dismiss:I refused and referred him; nothing crossed.",
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
                    "J'ai rempli tous les formulaires de la CAF à sa place et j'ai appelé moi-même "
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
            ],
        ),
        (
            "C-11",
            "famille",
            [
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
                    "Ich habe D-02 am Sonntagabend von meinem privaten Handy aus angerufen, weil ich "
                    "mir Sorgen machte.",
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
            "Jugend",
            [
                (
                    22,
                    "outreach",
                    40,
                    "D-07 hat mich gebeten, bei Instagram befreundet zu sein, und ich habe die "
                    "Anfrage angenommen.",
                    "Unsicher.",
                    "",
                    "Freundlich ablehnen und erklären warum.",
                    "",
                    "confirm",
                ),
            ],
        ),
    ],
}


def seed(stdout) -> None:
    now = timezone.now()
    for email, clients in DEMO_JOURNALS.items():
        user = User.objects.filter(email=email).first()
        if user is None or Client.objects.filter(owner=user, code=clients[0][0]).exists():
            continue
        supervisor = supervisors_of(user).first()
        entries = 0
        for code, tags, sessions in clients:
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
                        "self_check": {"wallet": "no"} if "money" in notes else {},
                    },
                )
                entries += 1
                # What happened is decided on; plans in the reflection stay suggestions.
                for flag in entry.flags.filter(status=Flag.Status.SUGGESTED, field="notes"):
                    if action == "confirm":
                        services.flag_confirm(flag=flag, by=user)
                    elif action.startswith("dismiss:"):
                        services.flag_dismiss(flag=flag, by=user, reason=action[8:])
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
        # The pair met after the older crossings were reviewed and talked them through.
        discussed = list(
            Flag.objects.filter(entry__owner=user, reviewed_at__isnull=False).order_by("id")
        )
        if supervisor and discussed:
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
