"""The results view of the tax-card screen: the last fetch's rows, filters and card history.

A mixin of ``TaxCardsScreen`` (its messages and widgets are the screen's).
"""

from __future__ import annotations

from textual.widgets import Static

from byraa.core.taxcards import fetch
from byraa.core.taxcards.fetch import FetchSummary, ResultRow
from byraa.core.taxcards.reasons import change_words, reason_words
from byraa.core.words import formatting as fmt
from byraa.core.words.collation import sort_key
from byraa.core.words.i18n import _
from byraa.tui.screens.taxcards.cells import SHOWS, amount_cell, outcome_cell, outcome_word, pct_cell
from byraa.tui.screens.taxcards.history import CardHistoryScreen
from byraa.tui.widgets.markable_table import Column, MarkableTable, Row


class ResultsView:
    """The last fetch's results: rows, the 1-5 filters, the word filter, card history (mixed into the screen)."""

    def _result_row(self, index: int, r: ResultRow) -> Row:
        details = change_words(r.changes) if r.changed else reason_words(r.result, r.reason)
        return Row(
            key=str(index),
            cells=(r.national_id, r.name, outcome_cell(r), r.kind if r.kind and r.kind != "none" else "",
                   r.table_number or "",
                   pct_cell(r.percentage), amount_cell(r.free_card_amount),
                   fmt.day(r.changed_since) if r.changed and r.changed_since else "",
                   r.client_name, details or ""),
            sort_keys=(r.national_id, sort_key(r.name), r.outcome, r.kind or "", r.table_number or "",
                       r.percentage or -1.0, r.free_card_amount or -1,
                       r.changed_since.isoformat() if r.changed_since else "", sort_key(r.client_name),
                       (details or "").casefold()),
        )

    def _replace_table(self, columns: list[Column], rows: list[Row]) -> MarkableTable:
        """Other columns and rows (the per-client progress, the results)."""
        table = self.query_one(MarkableTable)
        table.show_only(None)
        table.set_rows([])
        table.set_columns(columns)
        table.set_rows(rows)
        return table

    def action_show(self, show: str) -> None:
        self.show = show
        self._apply_filter()

    def _apply_filter(self) -> None:
        if self.running:
            return
        words = self.filter_text.casefold().split()
        keys = []
        for index, r in enumerate(self.results):
            if not fetch.shows(r, self.show):
                continue
            if words:
                text = " ".join((r.national_id, r.name, r.client_name, r.org_number, outcome_word(r.outcome),
                                 r.kind or "", reason_words(r.result, r.reason), change_words(r.changes))).casefold()
                if not all(w in text for w in words):
                    continue
            keys.append(str(index))
        table = self.query_one(MarkableTable)
        table.show_only(None if self.show == "all" and not words else keys)
        self._update_shows()
        self._update_subtitle()

    def counts(self) -> dict[str, int]:
        """Rows per filter (what the filter line shows)."""
        return {key: sum(1 for r in self.results if fetch.shows(r, key)) for key, _label in SHOWS}

    def _update_shows(self) -> None:
        widget = self.query_one("#tc-shows", Static)
        if self.running or not self.results:
            widget.display = False
            return
        widget.display = True
        counts = self.counts()
        parts = []
        for n, (key, label) in enumerate(SHOWS, start=1):
            text = f"{n} {_(label)} {fmt.count(counts[key])}"
            parts.append(f"[{text}]" if key == self.show else f" {text} ")
        widget.update(" ".join(parts))

    def _summary_words(self, s: FetchSummary) -> str:
        mode = _("all listed") if s.mode == "all" else _("changes only")
        status = {"done": _("done"), "failed": _("failed"), "cancelled": _("cancelled")}.get(s.status, s.status)
        return _("{year} · {mode} · {status} · {asked} asked · {cards} cards · {orders} order(s)").format(
            year=s.year, mode=mode, status=status, asked=fmt.count(s.persons_asked), cards=fmt.count(s.cards),
            orders=fmt.count(s.orders_sent))

    def _set_status(self, text: str) -> None:
        status = self.query_one("#tc-status", Static)
        status.update(text)
        status.display = bool(text)

    def _update_subtitle(self) -> None:
        parts = [_("Tax cards")]
        if self.running and self.job_id is not None:
            parts.append(_("fetch {job} running").format(job=self.job_id))
        elif self.summary is not None:
            parts.append(_("fetch {job}").format(job=self.summary.job_id))
            table = self.query_one(MarkableTable)
            if table.row_count != table.total_count:
                parts.append(_("{shown} of {total}").format(shown=fmt.count(table.row_count),
                                                              total=fmt.count(table.total_count)))
        if self.filter_text.strip():
            parts.append(_("filter “{text}”").format(text=self.filter_text.strip()))
        self.sub_title = " · ".join(parts)

    # --- History ---------------------------------------------------------------------------

    def on_markable_table_row_selected(self, event: MarkableTable.RowSelected) -> None:
        row = self._result_at(event.key)
        if row is None:
            return
        if row.outcome in ("error", "skipped"):
            self.open_error(row)
        else:
            self.open_history(row)

    def _result_at(self, key: str | None) -> ResultRow | None:
        """The result row behind a table key (None while the table shows per-client progress,
        whose keys are org numbers)."""
        if self.running or not key or not key.isdigit() or int(key) >= len(self.results):
            return None
        return self.results[int(key)]

    def on_markable_table_row_highlighted(self, event: MarkableTable.RowHighlighted) -> None:
        """Under the table, the highlighted error's reason whole (the column cuts it)."""
        pane = self.query_one("#tc-detail", Static)
        row = self._result_at(event.key)
        if row is None or row.outcome not in ("error", "skipped"):
            pane.display = False
            return
        pane.update(_("{name} {nid}: {reason} · enter shows it").format(
            name=row.name or "", nid=row.national_id, reason=reason_words(row.result, row.reason)))
        pane.display = True

    def open_error(self, row: ResultRow) -> None:
        """An error or skipped person: what went wrong, whole, in the user's words."""
        from byraa.core.base import ids
        from byraa.tui.widgets.dialogs import TextViewer

        lines = [
            _("Person: {name} {nid}").format(name=row.name or "–", nid=row.national_id),
            _("Client: {org} {name}").format(org=ids.format_org_number(row.org_number), name=row.client_name),
            _("Result: {outcome}").format(outcome=outcome_word(row.outcome)),
            "",
            reason_words(row.result, row.reason),
        ]
        if row.result:
            lines += ["", _("Skatteetaten's code: {code}").format(code=row.result)]
        if row.archive_id is not None:
            lines += [_("Skatteetaten's answer is in the archive (file {id}).").format(id=row.archive_id)]
        title = _("Error: {name}") if row.outcome == "error" else _("Skipped: {name}")
        self.app.push_screen(TextViewer(title.format(name=row.name or row.national_id), "\n".join(lines)))

    def open_history(self, row: ResultRow) -> None:
        if row.employee_id is None:
            self.notify(_("This person is not among the client's employees: no card history."),
                        title=_("No history"), severity="warning")
            return
        self.app.push_screen(CardHistoryScreen(row))

    def action_history(self) -> None:
        key = self.query_one(MarkableTable).cursor_key
        if key is not None and key.isdigit() and not self.running:
            self.open_history(self.results[int(key)])
