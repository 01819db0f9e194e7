"""The skeleton every list screen shares: a ``MarkableTable`` under a ``/`` filter bar,
marks, an empty-state text, and a subtitle "Title · counts · N marked · filter “…”".

A list screen mixes ``ListScreen`` in before ``Screen`` and says only what is its own:
``subtitle_parts()`` (title and counts), and which rows match the filter words, either
through ``filter_haystack(key)`` (one lower-cased text per row; by default the row's
cells) or, for a core-side search, by overriding ``matching_keys(text)``.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding

from byraa.core.words import formatting as fmt
from byraa.core.words.i18n import _
from byraa.tui.widgets.bindings import N_
from byraa.tui.widgets.filter_bar import FilteredScreen
from byraa.tui.widgets.markable_table import MarkableTable


def filter_binding(screen_id: str, **extra: object) -> Binding:
    """The ``/`` key of a list screen (priority: "/berg" typed fast must all reach the bar)."""
    return Binding("slash", "filter", N_("Filter"), id=f"{screen_id}.filter", key_display="/", priority=True,
                   **extra)  # type: ignore[arg-type]


class ListScreen(FilteredScreen):
    """Mixin for a screen whose main part is one ``MarkableTable`` with a ``FilterBar``."""

    @property
    def list_table(self) -> MarkableTable:
        return self.query_one(MarkableTable)  # type: ignore[attr-defined]

    # --- Filter ------------------------------------------------------------------------

    def filter_haystack(self, key: str) -> str:
        row = self.list_table.row(key)
        return " ".join(c if isinstance(c, str) else c.plain for c in row.cells).casefold()

    def matching_keys(self, text: str) -> Iterable[str] | None:
        """The rows to show for the filter ``text`` (``None``: all of them)."""
        words = text.casefold().split()
        if not words:
            return None
        return [key for key in self.list_table.keys if all(w in self.filter_haystack(key) for w in words)]

    def _apply_filter(self) -> None:
        self.list_table.show_only(self.matching_keys(self.filter_text))
        self._update_subtitle()

    # --- Subtitle ----------------------------------------------------------------------

    def subtitle_parts(self) -> list[str]:
        raise NotImplementedError

    def shown_of_total(self) -> str:
        """``12`` or, while filtered, ``3 of 12``."""
        table = self.list_table
        if table.row_count != table.total_count:
            return _("{shown} of {total}").format(shown=fmt.count(table.row_count),
                                                  total=fmt.count(table.total_count))
        return fmt.count(table.total_count)

    def _update_subtitle(self) -> None:
        parts = self.subtitle_parts()
        marked = self.list_table.marked
        if marked:
            parts.append(_("{count} marked").format(count=fmt.count(len(marked))))
        if self.filter_text.strip():
            parts.append(_("filter “{text}”").format(text=self.filter_text.strip()))
        self.sub_title = " · ".join(parts)  # type: ignore[attr-defined]

    def on_markable_table_marks_changed(self, event: MarkableTable.MarksChanged) -> None:
        self._update_subtitle()
