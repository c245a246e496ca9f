"""The value-conflict prompt: an entry that touches one of the practitioner's declared
hot-button topics (the self-inventory's register) invites reflection, and referral if needed."""

from accounts.models import User


def hot_button_prompts(user: User, text: str) -> list[dict]:
    """[{"topic": ..., "quotes": [...], "refer": bool}] for each registered topic the text touches.

    Article 000: acknowledge the bias, focus on the client's goals by their values, and refer to
    someone better equipped when the clash is too strong.
    """
    if not text.strip():
        return []
    from boundaries.selectors import topics_touched_by

    return [
        {
            "topic": topic,
            "quotes": sorted({m.quote for m in matches}),
            "refer": getattr(topic, "refer_when_at_stake", False),
        }
        for topic, matches in topics_touched_by(user, text)
    ]
