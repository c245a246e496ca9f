"""Scores of a take and the change between two takes. Plain functions over loaded rows.

Every score is normalised so that higher means healthier practice (reverse items flipped, see
``catalogue/README.md``). A section's score is the mean of its answered items' scores; sections
and items of two takes are compared through their codes, so takes on different catalogue versions
still compare on what they share.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from boundaries.models import Answer, Section, Take

WEAKEST_SECTIONS = 2
NEEDS_ATTENTION = 5
# A change smaller than this is shown as "no change" (answers are whole steps on a 1-5 scale).
MEANINGFUL_CHANGE = 0.05


@dataclass(frozen=True)
class ItemScore:
    answer: Answer
    score: int

    @property
    def item(self):
        return self.answer.item


@dataclass
class SectionScore:
    section: Section
    items: list[ItemScore] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.section.code

    @property
    def score(self) -> float | None:
        if not self.items:
            return None
        return sum(i.score for i in self.items) / len(self.items)


@dataclass
class Profile:
    take: Take
    sections: list[SectionScore]

    @property
    def items(self) -> list[ItemScore]:
        return [item for section in self.sections for item in section.items]

    @property
    def overall(self) -> float | None:
        items = self.items
        return sum(i.score for i in items) / len(items) if items else None

    def weakest_sections(self, count: int = WEAKEST_SECTIONS) -> list[SectionScore]:
        scored = [s for s in self.sections if s.score is not None]
        return sorted(scored, key=lambda s: (s.score, s.section.position))[:count]

    def needs_attention(self, count: int = NEEDS_ATTENTION) -> list[ItemScore]:
        """The lowest-scoring items below the top of their scale; catalogue order among equals."""
        below_top = [i for i in self.items if i.score < i.item.scale_max]
        return sorted(below_top, key=lambda i: (i.score, i.item.position))[:count]


@dataclass(frozen=True)
class Change:
    code: str
    label: str
    previous: float
    current: float

    @property
    def delta(self) -> float:
        return self.current - self.previous

    @property
    def direction(self) -> str:
        if self.delta >= MEANINGFUL_CHANGE:
            return "up"
        if self.delta <= -MEANINGFUL_CHANGE:
            return "down"
        return "same"


def profile(take: Take, sections: Iterable[Section], answers: Iterable[Answer]) -> Profile:
    """The profile of ``take`` from its version's sections and its answers (items loaded)."""
    by_section = {s.pk: SectionScore(section=s) for s in sorted(sections, key=lambda s: s.position)}
    for answer in sorted(answers, key=lambda a: a.item.position):
        section_score = by_section.get(answer.item.section_id)
        if section_score is not None:
            section_score.items.append(ItemScore(answer=answer, score=answer.score))
    return Profile(take=take, sections=list(by_section.values()))


def section_changes(previous: Profile, current: Profile) -> list[Change]:
    """Per section of the current take that the previous take also scored, in current order."""
    before = {s.code: s.score for s in previous.sections if s.score is not None}
    return [
        Change(s.code, s.section.title_text, before[s.code], s.score)
        for s in current.sections
        if s.score is not None and s.code in before
    ]


def item_changes(previous: Profile, current: Profile) -> list[Change]:
    """Per item answered in both takes, the biggest movements first (then catalogue order)."""
    before = {i.item.code: i.score for i in previous.items}
    changes = [
        Change(i.item.code, i.item.statement_text, before[i.item.code], i.score)
        for i in current.items
        if i.item.code in before
    ]
    order = {c.code: n for n, c in enumerate(changes)}
    return sorted(changes, key=lambda c: (-abs(c.delta), order[c.code]))


# --- The chart ------------------------------------------------------------------------------

CHART_WIDTH = 480
CHART_LABEL_HEIGHT = 24
CHART_BAR_HEIGHT = 16
CHART_BAR_GAP = 5
CHART_ROW_GAP = 16
CHART_PLOT_WIDTH = 420  # the rest holds the value labels
CHART_TOP = 28  # room for the axis labels


@dataclass(frozen=True)
class ChartBar:
    kind: str  # "previous" or "current"
    y: float
    width: float
    score: float

    @property
    def height(self) -> int:
        return CHART_BAR_HEIGHT

    @property
    def text_x(self) -> float:
        return self.width + 6

    @property
    def text_y(self) -> float:
        return self.y + CHART_BAR_HEIGHT - 4


@dataclass(frozen=True)
class ChartRow:
    label: str
    label_y: float
    bars: list[ChartBar]


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    rows: list[ChartRow]
    ticks: list[tuple[int, float]]  # (score, x)
    plot_bottom: float


def _bar_width(score: float, low: int = 1, high: int = 5) -> float:
    # The axis runs from the lowest to the highest possible score; a 2px stub keeps the lowest
    # score visible.
    return round(max(2.0, (score - low) / (high - low) * CHART_PLOT_WIDTH), 1)


def section_chart(current: Profile, previous: Profile | None = None) -> Chart:
    """Geometry of paired horizontal bars per section (previous above current), 1 to 5."""
    before = {s.code: s.score for s in previous.sections if s.score is not None} if previous else {}
    rows = []
    y = float(CHART_TOP)
    for section in current.sections:
        if section.score is None:
            continue
        label_y = y + CHART_LABEL_HEIGHT - 7
        y += CHART_LABEL_HEIGHT
        bars = []
        if section.code in before:
            bars.append(
                ChartBar("previous", y, _bar_width(before[section.code]), before[section.code])
            )
            y += CHART_BAR_HEIGHT + CHART_BAR_GAP
        bars.append(ChartBar("current", y, _bar_width(section.score), section.score))
        y += CHART_BAR_HEIGHT + CHART_ROW_GAP
        rows.append(ChartRow(section.section.title_text, label_y, bars))
    ticks = [(score, round((score - 1) / 4 * CHART_PLOT_WIDTH, 1)) for score in range(1, 6)]
    return Chart(
        width=CHART_WIDTH, height=int(y), rows=rows, ticks=ticks, plot_bottom=y - CHART_ROW_GAP
    )
