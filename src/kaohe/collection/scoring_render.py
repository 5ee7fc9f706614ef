"""The HTML of one grid cell, written in Python: a grid of a few hundred cells rendered
through a template include (three URL reversals and a dozen translations per cell) took
over a second; this renders the same markup in a few milliseconds. Every value is escaped
by ``format_html``; the URLs and labels are computed once per grid."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kaohe.collection.models import Period
from kaohe.collection.scoring import Cell, _fmt
from kaohe.orgs.models import Unit

# Stand-ins for the target and indicator ids in a reversed URL, replaced per cell.
_T, _I = 987654321, 987654322


class CellRenderer:
    def __init__(self, period: Period, unit: Unit) -> None:
        self.save_url = reverse("collection:scoring_cell", args=[period.pk, unit.pk, _T, _I])
        self.detail_url = reverse("collection:scoring_detail", args=[period.pk, unit.pk, _T, _I])
        self.reason_label = _("扣分理由")
        self.system = _("系统")
        self.evidence = _("佐证")
        self.saved = _("已保存")
        self.more = _("详情")
        self.more_title = _("详情、佐证材料与修改记录")

    def _url(self, template: str, cell: Cell) -> str:
        return template.replace(str(_T), str(cell.target.pk)).replace(
            str(_I), str(cell.indicator.pk)
        )

    def __call__(self, cell: Cell) -> SafeString:
        indicator, target, entry = cell.indicator, cell.target, cell.entry
        classes = ["cell"]
        if cell.error or cell.reason_error:
            classes.append("has-error")
        elif cell.saved:
            classes.append("saved")
        if entry is None:
            classes.append("blank")
        title = ""
        if entry is not None:
            when = timezone.localtime(entry.updated_at).strftime("%Y-%m-%d %H:%M")
            who = str(entry.updated_by) if entry.updated_by else self.system
            title = _("%(who)s 于 %(when)s 修改") % {"who": who, "when": when}
        label = f"{target.name} · {indicator.code} {indicator.name}"
        if cell.editable:
            url = self._url(self.save_url, cell)
            reason = ""
            if cell.column.deduction:
                reason = format_html(
                    '<input name="reason" value="{}" maxlength="1000" autocomplete="off" '
                    'class="cell-reason" placeholder="{}" data-grid-input aria-label="{}"{}>',
                    cell.shown_reason, self.reason_label,
                    f"{target.name} · {indicator.code} {self.reason_label}",
                    mark_safe(' aria-invalid="true"') if cell.reason_error else "",
                )  # fmt: skip
            body = format_html(
                '<form class="cell-form" method="post" action="{}" hx-post="{}" '
                'hx-trigger="cellsave" hx-target="closest td" hx-swap="outerHTML" '
                'hx-sync="closest table:queue all" data-cell>'
                '<input name="value" value="{}" inputmode="decimal" autocomplete="off" '
                'class="cell-value" data-grid-input aria-label="{}"{}>{}</form>',
                url, url, cell.shown_value, label,
                mark_safe(' aria-invalid="true"') if cell.error else "", reason,
            )  # fmt: skip
        else:
            body = format_html(
                '<span class="cell-static">{}</span>', cell.shown_value if entry else "—"
            )
            if entry is not None and entry.reason:
                body += format_html(
                    '<span class="cell-note">{}</span>', Truncator(entry.reason).chars(24)
                )
        errors = format_html_join(
            "",
            '<span class="cell-error" role="alert">{}</span>',
            ((message,) for message in (cell.error, cell.reason_error) if message),
        )
        meta = format_html_join(
            "",
            '<span class="badge blue" title="{}">{} {}{}</span>',
            (
                (o.scorer_unit.name, Truncator(o.scorer_unit.name).chars(6), _fmt(o.value),
                 " ✓" if o.consolidated else "")
                for o in cell.others
            ),
        )  # fmt: skip
        if cell.pending:
            text = ngettext("实地扣分待确认 %(n)s", "实地扣分待确认 %(n)s", cell.pending) % {
                "n": cell.pending
            }
            meta += format_html('<span class="badge amber">{}</span>', text)
        if cell.evidence:
            meta += format_html(
                '<span class="badge grey">{} {}</span>', self.evidence, cell.evidence
            )
        if cell.saved:
            meta += format_html('<span class="cell-ok">{}</span>', self.saved)
        meta += format_html(
            '<a class="cell-more" href="{}" tabindex="-1" title="{}">{}</a>',
            self._url(self.detail_url, cell), self.more_title, self.more,
        )  # fmt: skip
        return format_html(
            '<td id="cell-{}-{}" class="{}"{}>{}{}<span class="cell-meta">{}</span></td>',
            target.pk, indicator.pk, " ".join(classes),
            format_html(' title="{}"', title) if title else "",
            body, errors, meta,
        )  # fmt: skip
