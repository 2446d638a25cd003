"""Decision 766 scoring: pure functions from counts to points, one per formula kind.

The index definition (groups, components, maxima, formula kinds, thresholds, grade bands) is
data (see definitions/); a newer portal version is a new file or an administrator's upload,
never a code change. Counts come from recorded facts; a component without facts is "no data"
and scores nothing rather than an invented number.
"""

import json
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

DEFINITIONS_DIR = Path(__file__).parent / "definitions"
TWO_PLACES = Decimal("0.01")
ZERO = Decimal(0)


class Ratio:
    """numerator / denominator, and its rate (None when the denominator is 0).

    Treated as immutable. A plain class with slots, its rate computed once: a ranking makes
    some twenty per agency for hundreds of agencies, and a frozen dataclass's construction and
    attribute lookups were a third of scoring them."""

    __slots__ = ("denominator", "numerator", "rate")

    def __init__(self, numerator: int, denominator: int):
        self.numerator, self.denominator = numerator, denominator
        self.rate = None if denominator == 0 else Decimal(numerator) / Decimal(denominator)

    def __eq__(self, other) -> bool:
        return (isinstance(other, Ratio) and self.numerator == other.numerator
                and self.denominator == other.denominator)

    def __hash__(self) -> int:
        return hash((self.numerator, self.denominator))

    def __repr__(self) -> str:
        return f"Ratio({self.numerator}, {self.denominator})"


def _cap(value: Decimal, maximum: Decimal) -> Decimal:
    return max(ZERO, min(maximum, value))


def score_rate(maximum: Decimal, r: Ratio, **_) -> Decimal:
    return ZERO if r.rate is None else _cap(maximum * r.rate, maximum)


def score_rate_threshold(maximum: Decimal, r: Ratio, *, threshold, **_) -> Decimal:
    """Full marks once the rate reaches the threshold: min(max, max × rate / threshold)."""
    if r.rate is None:
        return ZERO
    return _cap(maximum * r.rate / Decimal(str(threshold)), maximum)


def score_rate_full_if_none(maximum: Decimal, r: Ratio, **_) -> Decimal:
    """Petition components: nothing to handle means nothing was mishandled."""
    return maximum if r.denominator == 0 else score_rate(maximum, r)


def score_online_payment(maximum: Decimal, a: Ratio, b: Ratio, c: Ratio, **_) -> Decimal:
    """6·A + min(2, 2.5·B) + 2.5·C, capped at the maximum."""
    rate = [x.rate or ZERO for x in (a, b, c)]
    total = 6 * rate[0] + min(Decimal(2), Decimal("2.5") * rate[1]) + Decimal("2.5") * rate[2]
    return _cap(total, maximum)


KINDS = {
    "rate": score_rate,
    "rate_threshold": score_rate_threshold,
    "rate_full_if_none": score_rate_full_if_none,
    "online_payment": score_online_payment,
}


@dataclass
class ComponentScore:
    code: str
    name: str
    maximum: Decimal
    points: Decimal | None  # None: tinhso holds no facts for this component
    ratios: tuple[Ratio, ...] = ()

    @property
    def has_data(self) -> bool:
        return self.points is not None


@dataclass
class GroupScore:
    code: str
    name: str
    maximum: Decimal
    components: list[ComponentScore] = field(default_factory=list)

    @property
    def points(self) -> Decimal:
        return sum((c.points for c in self.components if c.has_data), ZERO)


@dataclass
class IndexScore:
    definition_version: str
    groups: list[GroupScore]
    grade_code: str
    grade_label: str

    @property
    def total(self) -> Decimal:
        return sum((g.points for g in self.groups), ZERO)


def round2(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def load_definition(version: str = "portal-2026") -> dict:
    return json.loads((DEFINITIONS_DIR / f"{version}.json").read_text(encoding="utf-8"))


def grade(definition: dict, total: Decimal) -> tuple[str, str]:
    return _grade(_prepared(definition).grades, total)


def _grade(bands, total: Decimal) -> tuple[str, str]:
    for minimum, code, label in bands:
        if total >= minimum:
            return code, label
    raise ValueError("grade bands must start at 0")


@dataclass(frozen=True)
class _Component:
    code: str
    name: str
    maximum: Decimal
    formula: object
    options: dict


@dataclass(frozen=True)
class _Prepared:
    version: str
    groups: tuple  # (code, name, maximum, (components...))
    grades: tuple  # (min, code, label), highest first


_PREPARED: dict[int, tuple[dict, _Prepared]] = {}


def _prepared(definition: dict) -> _Prepared:
    """The definition with numbers parsed, kept while the same dict is in use (a ranking
    scores hundreds of agencies with it). Definitions are treated as immutable."""
    hit = _PREPARED.get(id(definition))
    if hit is not None and hit[0] is definition:
        return hit[1]
    groups = tuple(
        (g["code"], g["name"], Decimal(str(g["max"])), tuple(
            _Component(c["code"], c["name"], Decimal(str(c["max"])), KINDS[c["kind"]],
                       {k: v for k, v in c.items() if k not in {"code", "name", "max", "kind"}})
            for c in g["components"]))
        for g in definition["groups"])
    grades = tuple((Decimal(str(b["min"])), b["code"], b["label"])
                   for b in sorted(definition["grades"], key=lambda b: b["min"], reverse=True))
    prepared = _Prepared(definition["version"], groups, grades)
    if len(_PREPARED) > 16:
        _PREPARED.clear()
    _PREPARED[id(definition)] = (definition, prepared)
    return prepared


def score(definition: dict, counts: dict[str, tuple[Ratio, ...] | None]) -> IndexScore:
    """Score every component from its ratios; a missing or None entry means "no data"."""
    prepared = _prepared(definition)
    groups = []
    for code, name, maximum, components in prepared.groups:
        group = GroupScore(code, name, maximum)
        for c in components:
            ratios = counts.get(c.code)
            group.components.append(ComponentScore(c.code, c.name, c.maximum,
                                                   _points(c, ratios), tuple(ratios or ())))
        groups.append(group)
    result = IndexScore(prepared.version, groups, "", "")
    result.grade_code, result.grade_label = _grade(prepared.grades, result.total)
    return result


def total(definition: dict, counts: dict[str, tuple[Ratio, ...] | None]
          ) -> tuple[Decimal, str, str]:
    """`score`'s total, grade code and label without the breakdown: what a ranking shows of
    each of its hundreds of agencies."""
    prepared = _prepared(definition)
    points = [_points(c, counts.get(c.code)) for *_, components in prepared.groups
              for c in components]
    result = sum((p for p in points if p is not None), ZERO)
    return (result, *_grade(prepared.grades, result))


def _points(c: _Component, ratios: tuple[Ratio, ...] | None) -> Decimal | None:
    return None if ratios is None else round2(c.formula(c.maximum, *ratios, **c.options))
