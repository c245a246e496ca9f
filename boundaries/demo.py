"""Demo data for the self-inventory: two finished takes and a few register entries per demo
practitioner (``manage.py seed_demo``).

Idempotent and deterministic: takes have fixed UUIDs and are only created when missing, answers
follow a fixed pattern, and register entries are matched by topic.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from boundaries import services
from boundaries.models import Answer, HotButtonTopic, Item, Take
from boundaries.reminders import retake_schedule

_NAMESPACE = uuid.UUID("6c1f0a52-2f4e-4a55-9b7e-1d3c8e0b5a10")

# Normalised score per section (higher is healthier): (about 100 days ago, about 10 days ago).
PROFILES = {
    "ana@harbour.example": {
        "values": (3, 4),
        "assumptions": (2, 3),
        "inner_bars": (2, 2),
        "principles": (4, 4),
        "empathy": (3, 4),
    },
    "ben@harbour.example": {
        "values": (4, 4),
        "assumptions": (3, 3),
        "inner_bars": (3, 4),
        "principles": (2, 3),
        "empathy": (3, 3),
    },
    "chloe@lindenhof.example": {
        "values": (2, 3),
        "assumptions": (3, 4),
        "inner_bars": (2, 3),
        "principles": (3, 3),
        "empathy": (4, 4),
    },
    "daan@lindenhof.example": {
        "values": (3, 3),
        "assumptions": (2, 3),
        "inner_bars": (3, 3),
        "principles": (3, 4),
        "empathy": (2, 3),
    },
}
# (days ago started, days ago finished) of each demo take.
TAKES = [(101, 100), (10, 10)]
# A fixed wobble so that items of one section do not all get the same answer.
_WOBBLE = (0, 1, -1, 0, 0, -1, 1)

TOPICS = {
    "ana@harbour.example": [
        {
            "topic": "Religion and abortion",
            "how_it_shows": "I get quiet and steer the conversation elsewhere when a client "
            "considers an abortion.",
            "keywords": ["abortion", "abortus", "Abtreibung", "avortement"],
            "strategy": "Name it to myself, ask what the client wants by her own values, and "
            "refer to a colleague when I cannot stay neutral.",
            "status": HotButtonTopic.Status.WORKING_ON_IT,
            "refer_when_at_stake": True,
        },
        {
            "topic": "Alcohol",
            "how_it_shows": "My father drank; I push clients towards stopping too early.",
            "keywords": ["alcohol", "drinking", "Alkohol", "alcool", "drank"],
            "strategy": "Follow the client's goal (cutting down may be theirs) and bring it to "
            "supervision.",
            "status": HotButtonTopic.Status.NOTICED,
            "refer_when_at_stake": False,
        },
    ],
    "ben@harbour.example": [
        {
            "topic": "Schulden en gokken",
            "how_it_shows": "Ik word ongeduldig en ga zelf budgetten opstellen.",
            "keywords": ["schulden", "gokken", "debt", "gambling", "Glücksspiel", "dettes"],
            "strategy": "Niet redden: samen met de cliënt een schuldhulpverlener zoeken.",
            "status": HotButtonTopic.Status.WORKING_ON_IT,
            "refer_when_at_stake": True,
        },
        {
            "topic": "Vaccination",
            "how_it_shows": "I lecture parents who doubt vaccines.",
            "keywords": ["vaccination", "vaccinatie", "Impfung", "vaccin"],
            "strategy": "Listen first; share information only when asked.",
            "status": HotButtonTopic.Status.UNDER_CONTROL,
            "refer_when_at_stake": False,
        },
    ],
    "chloe@lindenhof.example": [
        {
            "topic": "Divorce",
            "how_it_shows": "Je crois au mariage ; je suggère trop vite une médiation de couple.",
            "keywords": ["divorce", "scheiding", "Scheidung", "séparation"],
            "strategy": "Demander ce que la personne veut, selon ses valeurs, et l'aider à "
            "l'obtenir. Ce n'est pas de moi qu'il s'agit.",
            "status": HotButtonTopic.Status.WORKING_ON_IT,
            "refer_when_at_stake": True,
        },
        {
            "topic": "Religion et voile",
            "how_it_shows": "Je projette mes idées sur la liberté des femmes.",
            "keywords": ["voile", "foulard", "hijab", "Kopftuch", "hoofddoek", "headscarf"],
            "strategy": "Écouter sans donner mon avis ; en parler en supervision.",
            "status": HotButtonTopic.Status.NOTICED,
            "refer_when_at_stake": False,
        },
    ],
    "daan@lindenhof.example": [
        {
            "topic": "Drogengebrauch",
            "how_it_shows": "Ich moralisiere, wenn Klient:innen vom Kiffen erzählen.",
            "keywords": ["Drogen", "drugs", "drogues", "cannabis", "Kiffen"],
            "strategy": "Bei den Zielen der Person bleiben; bei Abhängigkeit an die "
            "Suchtberatung verweisen.",
            "status": HotButtonTopic.Status.WORKING_ON_IT,
            "refer_when_at_stake": True,
        },
        {
            "topic": "Asiel en migratie",
            "how_it_shows": "Ik neem verhalen mee naar huis en werk over.",
            "keywords": ["asiel", "Asyl", "asylum", "asile", "vluchteling", "Flüchtling"],
            "strategy": "Werktijden bewaken en debriefen met een collega.",
            "status": HotButtonTopic.Status.NOTICED,
            "refer_when_at_stake": False,
        },
    ],
}


def seed(stdout) -> None:
    """Create what is missing of the demo takes and register entries; change nothing else."""
    services.catalogue_sync()
    version = services.current_version()
    items = list(Item.objects.filter(version=version).select_related("section"))
    now = timezone.now()
    for index, (email, profile) in enumerate(PROFILES.items()):
        user = User.objects.filter(email=email).first()
        if user is None:
            continue
        latest = None
        for number, (started, finished) in enumerate(TAKES):
            take_uuid = uuid.uuid5(_NAMESPACE, f"{email}:take:{number}")
            if Take.objects.filter(uuid=take_uuid).exists():
                continue
            latest = Take.objects.create(
                uuid=take_uuid,
                user=user,
                version=version,
                started_at=now - timedelta(days=started, hours=1),
                completed_at=now - timedelta(days=finished),
            )
            Answer.objects.bulk_create(
                Answer(
                    take=latest,
                    item=item,
                    value=_answer(item, profile[item.section.code][number], index),
                    answered_at=latest.started_at,
                )
                for item in items
            )
        if latest is not None:
            retake_schedule(take=latest)
        for entry in TOPICS.get(email, []):
            if not HotButtonTopic.objects.filter(user=user, topic=entry["topic"]).exists():
                services.topic_create(user=user, **entry)
    stdout.write("Self-inventory: demo takes and register entries are in place.")


def _answer(item: Item, target: int, person: int) -> int:
    score = min(max(target + _WOBBLE[(item.position + person) % len(_WOBBLE)], 1), 5)
    # The answer whose normalised score is ``score``.
    return item.scale_min + item.scale_max - score if item.reverse else score
