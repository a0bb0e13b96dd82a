"""The R-CMP-7 statistics as chart specifications: one shape for the page (JSON for
complaints/static/complaints/review_charts.js, and the plain table under each chart) and for the workbook
(exports.py draws the same charts with openpyxl). Loaded data in, plain values out; labels translated."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

HOURS, PERCENT, COUNT = "h", "%", ""


@dataclass
class Chart:
    id: str
    kind: str  # "bar", "line" or "doughnut" (Chart.js types)
    title: str
    labels: list[str]
    datasets: list[tuple[str, list]]  # (label, one value a label)
    unit: str = COUNT
    stacked: bool = False
    horizontal: bool = False
    extra_rows: list[tuple[str, list]] = field(default_factory=list)  # table only (e.g. satisfied %)
    extra_unit: str = PERCENT

    def to_json(self) -> dict:
        return {"kind": self.kind, "title": self.title, "labels": self.labels, "unit": self.unit,
                "stacked": self.stacked, "horizontal": self.horizontal,
                "datasets": [{"label": label, "data": data} for label, data in self.datasets]}

    @property
    def table(self) -> dict:
        """The accessible table: one row a label (a category or a period), one column a series."""
        columns = [(name, data, self.unit) for name, data in self.datasets]
        columns += [(name, data, self.extra_unit) for name, data in self.extra_rows]
        return {"head": ["", *(name for name, _data, _unit in columns)],
                "rows": [[label, *(cell(data[i], unit) for _name, data, unit in columns)]
                         for i, label in enumerate(self.labels)]}


def cell(value, unit: str) -> str:
    if value is None:
        return "—"
    if unit == HOURS:
        return f"{value:.2f}"
    if unit == PERCENT:
        return f"{value:.1f}%"
    return str(value)


def month_charts(review) -> list[Chart]:
    """The reviewed month: received by type, by department, and the follow-up calls' satisfaction."""
    received = _("Received")
    return [
        Chart("month-type", "bar", _("Received by type"), [b.label for b in review.by_type],
              [(received, [b.count for b in review.by_type])]),
        Chart("month-department", "bar", _("Received by department"), [b.label for b in review.by_department],
              [(received, [b.count for b in review.by_department])], horizontal=True),
        Chart("month-satisfaction", "doughnut", _("Satisfaction at the follow-up call"),
              [b.label for b in review.by_satisfaction], [(_("Follow-up calls"), [b.count for b in review.by_satisfaction])]),
    ]


def trend_charts(trend, *, prefix: str) -> list[Chart]:
    """A trend (months or weeks): received by type (stacked), mean hours to route and to close, and for
    months also by department and satisfaction."""
    labels = trend.labels
    charts = [
        Chart(f"{prefix}-type", "bar", _("Received by type"), labels,
              [(s.label, s.values) for s in trend.by_type], stacked=True),
        Chart(f"{prefix}-hours", "line", _("Mean hours from intake"), labels,
              [(_("to route"), trend.mean_hours_to_route), (_("to close"), trend.mean_hours_to_close)], unit=HOURS),
    ]
    if trend.unit == "month":
        charts += [
            Chart(f"{prefix}-department", "bar", _("Received by department"), labels,
                  [(s.label, s.values) for s in trend.by_department], stacked=True),
            Chart(f"{prefix}-satisfaction", "bar", _("Satisfaction at the follow-up call"), labels,
                  [(s.label, s.values) for s in trend.by_satisfaction], stacked=True,
                  extra_rows=[(_("Satisfied %"), trend.satisfied_percent)]),
        ]
    return charts
