"""A fast keyboard table: cursor, marks, sort, filter and fixed left columns.

Why not ``DataTable``: refilling a ``DataTable`` with 1,000 rows after a filter keystroke
measured 60 ms before the first paint (every cell measured, then rendered through
Rich's console), over the 50 ms budget. This is a Line API widget (toolong's pattern):
rows are plain data, column widths are computed once from *all* rows (so columns do not
jump while filtering), a filter only swaps the list of visible keys, and each row is
rendered to a ``Strip`` once and cached, whatever its position.

Marks follow k9s: ``space`` marks the cursor row, ``a`` marks all visible rows, ``u``
clears every mark. ``s`` cycles the sort column, ``S`` reverses it, and clicking a header
sorts by that column (again: reverse).

Why one file over 400 lines: it is one widget whose parts (the visible-key list, the
sort cache, the strip cache keyed by mark and cursor state, the fixed-column window)
share private state that every keystroke touches; split into mixins, each part would
reach into the others' attributes and the 50 ms budget would be harder to see.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, Literal

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from byraa.tui.widgets.bindings import N_, LocalizedBindings

MARK = "●"
SEPARATOR = 1
"""Cells between two columns."""


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    justify: Literal["left", "right"] = "left"
    max_width: int = 40
    """Content wider than this is cut with an ellipsis."""
    min_width: int = 1
    sortable: bool = True


@dataclass(frozen=True)
class Toned:
    """A cell in one of the theme's tones: ``error``, ``warning``, ``success`` or ``muted``."""

    text: str
    tone: str

    @property
    def plain(self) -> str:
        return self.text


Cell = str | Text | Toned


@dataclass(frozen=True)
class Row:
    key: str
    cells: tuple[Cell, ...]
    """One per column, in column order."""
    sort_keys: tuple[Any, ...] | None = None
    """Per column, what sorting compares; default: the cell's plain text, case-folded."""
    muted: bool = False
    """Shown dimmed (e.g. a client the user has no access to)."""
    flag: str = " "
    """One cell shown after the mark (e.g. a lock for no access)."""


@dataclass
class _Layout:
    widths: list[int] = field(default_factory=list)
    flags_width: int = 0
    fixed_width: int = 0
    total_width: int = 0


class MarkableTable(ScrollView, LocalizedBindings, can_focus=True):
    """Rows with a cursor, marks and sorting; keys are the caller's primary keys."""

    HELP_TITLE = N_("Table")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", N_("Open"), id="table.open"),
        Binding("space", "toggle_mark", N_("Mark"), id="table.mark",
                group=Binding.Group(N_("Mark"))),
        Binding("a", "mark_all", N_("Mark all"), id="table.mark_all",
                group=Binding.Group(N_("Mark"))),
        Binding("u", "unmark_all", N_("Clear marks"), id="table.unmark_all",
                group=Binding.Group(N_("Mark"))),
        Binding("s", "sort_next", N_("Sort by next column"), id="table.sort",
                group=Binding.Group(N_("Sort"))),
        Binding("S", "sort_reverse", N_("Reverse the sort"), id="table.sort_reverse",
                group=Binding.Group(N_("Sort"))),
        Binding("up,k", "cursor_up", N_("Row up"), show=False, id="table.up"),
        Binding("down,j", "cursor_down", N_("Row down"), show=False, id="table.down"),
        Binding("pageup", "page_up", N_("Page up"), show=False, id="table.page_up"),
        Binding("pagedown", "page_down", N_("Page down"), show=False, id="table.page_down"),
        Binding("home,g", "cursor_top", N_("First row"), show=False, id="table.first"),
        Binding("end,G", "cursor_bottom", N_("Last row"), show=False, id="table.last"),
        Binding("left,h", "scroll_columns(-1)", N_("Columns left"), show=False, id="table.left"),
        Binding("right,l", "scroll_columns(1)", N_("Columns right"), show=False, id="table.right"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "markable-table--header",
        "markable-table--header-sorted",
        "markable-table--cursor",
        "markable-table--cursor-blurred",
        "markable-table--marked",
        "markable-table--muted",
        "markable-table--empty",
        "markable-table--error",
        "markable-table--warning",
        "markable-table--success",
    }

    DEFAULT_CSS = """
    MarkableTable {
        background: $surface;
        color: $foreground;
        height: 1fr;
        overflow: auto auto;
        scrollbar-size-horizontal: 1;
        scrollbar-size-vertical: 1;
        & > .markable-table--header { background: $panel; color: $text-primary; text-style: bold; }
        & > .markable-table--header-sorted { background: $panel; color: $text-accent; text-style: bold; }
        & > .markable-table--cursor {
            background: $block-cursor-background; color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .markable-table--cursor-blurred { background: $block-cursor-blurred-background; }
        & > .markable-table--marked { color: $text-accent; text-style: bold; }
        & > .markable-table--muted { color: $text-muted; }
        & > .markable-table--empty { color: $text-muted; text-style: italic; }
        & > .markable-table--error { color: $text-error; }
        & > .markable-table--warning { color: $text-warning; }
        & > .markable-table--success { color: $text-success; }
    }
    """

    class RowSelected(Message):
        """Enter or a double click on a row."""

        def __init__(self, table: MarkableTable, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> MarkableTable:
            return self.table

    class RowHighlighted(Message):
        """The cursor moved onto another row (``key`` is ``None`` when nothing is shown)."""

        def __init__(self, table: MarkableTable, key: str | None) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> MarkableTable:
            return self.table

    class MarksChanged(Message):
        """Rows were marked or unmarked."""

        def __init__(self, table: MarkableTable, count: int) -> None:
            super().__init__()
            self.table = table
            self.count = count

        @property
        def control(self) -> MarkableTable:
            return self.table

    def __init__(
        self,
        columns: Sequence[Column] = (),
        *,
        markable: bool = True,
        openable: bool = True,
        show_sort_keys: bool = True,
        fixed_columns: int = 0,
        empty_text: str = "",
        none_text: str = "",
        name: str | None = None,
        id: str | None = None,  # noqa: A002
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.markable = markable
        self.openable = openable
        """Whether Enter on a row means something (posts ``RowSelected``)."""
        if not show_sort_keys:
            # Sorting still works (and is in the help); the footer just has no room for it.
            for key, bindings in self._bindings.key_to_bindings.items():
                self._bindings.key_to_bindings[key] = [
                    replace(b, show=False) if b.action.startswith("sort_") else b for b in bindings
                ]
        self.fixed_columns = fixed_columns
        self.empty_text = empty_text
        """Shown when the filter lets no row through."""
        self.none_text = none_text
        """Shown when there is no row at all (a new agency's list says where rows come from,
        not that nothing matches); ``empty_text`` when not set."""
        self._columns: list[Column] = list(columns)
        self._rows: dict[str, Row] = {}
        self._order: list[str] = []
        """Every row key in insertion order."""
        self._shown: set[str] | None = None
        """The keys the filter lets through (``None``: all)."""
        self._visible: list[str] = []
        self._index: dict[str, int] = {}
        self._sorted: dict[tuple[int, bool], list[str]] = {}
        self.marked: set[str] = set()
        """Keys of the marked rows (marks survive filtering and sorting)."""
        self.cursor = 0
        """Index of the cursor row in the visible rows."""
        self.sort_column: int | None = None
        self.sort_reverse = False
        self._layout = _Layout()
        self._strips: LRUCache[tuple, Strip] = LRUCache(256)
        self._styles: dict[str, Style] | None = None

    # --- Data --------------------------------------------------------------------

    @property
    def columns(self) -> list[Column]:
        return list(self._columns)

    def set_columns(self, columns: Sequence[Column]) -> None:
        self._columns = list(columns)
        self.sort_column = None
        self._relayout()

    def set_rows(self, rows: Iterable[Row]) -> None:
        """Replace every row; the cursor stays on its row and marks on rows still there."""
        current = self.cursor_key
        self._rows = {row.key: row for row in rows}
        self._order = list(self._rows)
        self.marked &= self._rows.keys()
        self._sorted.clear()
        self._strips.clear()
        self._relayout()
        self._rebuild(keep=current)

    def update_row(self, row: Row) -> None:
        """Change one row's cells in place (its width budget stays as it is)."""
        if row.key not in self._rows:
            raise KeyError(row.key)
        self._rows[row.key] = row
        self._sorted.clear()
        self._strips.clear()
        self._rebuild(keep=self.cursor_key)

    def show_only(self, keys: Iterable[str] | None) -> None:
        """Show just these rows (a filter), in the current sort order; ``None`` shows all."""
        self._shown = None if keys is None else set(keys)
        self._rebuild(keep=self.cursor_key)

    def row(self, key: str) -> Row:
        return self._rows[key]

    @property
    def row_count(self) -> int:
        """Rows shown (after the filter)."""
        return len(self._visible)

    @property
    def total_count(self) -> int:
        return len(self._rows)

    @property
    def keys(self) -> list[str]:
        """Every row's key, shown or filtered away, in the order given."""
        return list(self._order)

    @property
    def visible_keys(self) -> list[str]:
        return list(self._visible)

    @property
    def cursor_key(self) -> str | None:
        if 0 <= self.cursor < len(self._visible):
            return self._visible[self.cursor]
        return None

    def move_cursor_to(self, key: str) -> bool:
        index = self._index.get(key)
        if index is None:
            return False
        self._set_cursor(index)
        return True

    # --- Sorting -----------------------------------------------------------------

    def sort_by(self, column: int | str | None, reverse: bool = False) -> None:
        if isinstance(column, str):
            column = next(i for i, c in enumerate(self._columns) if c.key == column)
        self.sort_column = column
        self.sort_reverse = reverse
        self._rebuild(keep=self.cursor_key)
        self.refresh()

    def _sort_value(self, row: Row, column: int) -> Any:
        if row.sort_keys is not None:
            value = row.sort_keys[column]
        else:
            cell = row.cells[column]
            value = (cell if isinstance(cell, str) else cell.plain).casefold()
        return (value is None, value)

    def _ordered(self) -> list[str]:
        if self.sort_column is None:
            return self._order
        cache_key = (self.sort_column, self.sort_reverse)
        ordered = self._sorted.get(cache_key)
        if ordered is None:
            column = self.sort_column
            rows = self._rows
            ordered = sorted(self._order, key=lambda k: self._sort_value(rows[k], column), reverse=self.sort_reverse)
            self._sorted[cache_key] = ordered
        return ordered

    def _rebuild(self, keep: str | None) -> None:
        ordered = self._ordered()
        shown = self._shown
        self._visible = ordered if shown is None else [k for k in ordered if k in shown]
        self._index = {key: i for i, key in enumerate(self._visible)}
        self.virtual_size = Size(self._layout.total_width, len(self._visible) + 1)
        index = self._index.get(keep, 0) if keep is not None else 0
        self.cursor = -1
        self._set_cursor(min(index, len(self._visible) - 1) if self._visible else 0)
        self.refresh()

    # --- Layout and rendering ----------------------------------------------------

    def _relayout(self) -> None:
        widths = []
        for i, column in enumerate(self._columns):
            widest = 0
            for row in self._rows.values():
                cell = row.cells[i]
                widest = max(widest, cell_len(cell if isinstance(cell, str) else cell.plain))
            # Content is cut at max_width; the label never is (the sort arrow may be).
            widths.append(max(column.min_width, min(widest, column.max_width), cell_len(column.label)))
        flags = (1 if self.markable else 0) + (1 if any(r.flag != " " for r in self._rows.values()) else 0)
        lead = flags + SEPARATOR if flags else 0
        layout = _Layout(widths, flags)
        layout.fixed_width = lead + sum(w + SEPARATOR for w in widths[: self.fixed_columns])
        layout.total_width = lead + sum(widths) + SEPARATOR * max(len(widths) - 1, 0)
        self._layout = layout
        self.virtual_size = Size(layout.total_width, len(self._visible) + 1)
        self._strips.clear()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None
        self._strips.clear()

    def _on_focus(self, event: events.Focus) -> None:
        self.refresh()

    def _on_blur(self, event: events.Blur) -> None:
        self.refresh()

    def _get_styles(self) -> dict[str, Style]:
        if self._styles is None:
            self._styles = {
                name: self.get_component_rich_style(f"markable-table--{name}")
                for name in ("header", "header-sorted", "cursor", "cursor-blurred", "marked", "muted", "empty",
                             "error", "warning", "success")
            }
        return self._styles

    def _cell(self, value: Cell, width: int, justify: str, style: Style | None = None) -> Text:
        if isinstance(value, Toned):
            text = Text(value.text, style=self._get_styles()[value.tone])
        else:
            text = value.copy() if isinstance(value, Text) else Text(value)
        if style is not None:
            text.stylize_before(style)
        if text.cell_len > width:
            text.truncate(width, overflow="ellipsis")
        pad = width - text.cell_len
        if pad > 0:
            if justify == "right":
                text = Text(" " * pad) + text
            else:
                text.append(" " * pad)
        return text

    def _line_text(self, cells: Sequence[Cell], flags: str, styles: Sequence[Style | None] | None = None) -> Text:
        layout = self._layout
        line = Text(no_wrap=True, end="")
        if layout.flags_width:
            line.append(flags[: layout.flags_width].ljust(layout.flags_width))
            line.append(" " * SEPARATOR)
        for i, (column, width) in enumerate(zip(self._columns, layout.widths, strict=True)):
            if i:
                line.append(" " * SEPARATOR)
            line.append_text(self._cell(cells[i], width, column.justify, styles[i] if styles else None))
        return line

    def _render_text(self, text: Text, base: Style) -> Strip:
        segments = list(text.render(self.app.console))
        strip = Strip(segments, text.cell_len)
        return strip.apply_style(base)

    def _header_strip(self) -> Strip:
        styles = self._get_styles()
        labels: list[Cell] = []
        header_styles: list[Style | None] = []
        for i, column in enumerate(self._columns):
            label = column.label
            if i == self.sort_column:
                room = self._layout.widths[i] - 2
                if cell_len(label) > room:
                    shortened = Text(label)
                    shortened.truncate(max(room, 1), overflow="ellipsis")
                    label = shortened.plain
                label = f"{label} {'▼' if self.sort_reverse else '▲'}"
                header_styles.append(styles["header-sorted"])
            else:
                header_styles.append(None)
            labels.append(label)
        flags = ""
        return self._render_text(self._line_text(labels, flags, header_styles), self.rich_style + styles["header"])

    def _row_strip(self, key: str, state: int) -> Strip:
        """The whole row (every column); ``state``: 0 plain, 1 cursor, 2 cursor unfocused."""
        cache_key = (key, key in self.marked, state)
        strip = self._strips.get(cache_key)
        if strip is not None:
            return strip
        styles = self._get_styles()
        row = self._rows[key]
        marked = key in self.marked
        flags = (MARK if marked else " ") if self.markable else ""
        if self._layout.flags_width > len(flags):
            flags += row.flag
        base = self.rich_style
        if row.muted:
            base = base + styles["muted"]
        if marked:
            base = base + styles["marked"]
        strip = self._render_text(self._line_text(row.cells, flags), base)
        if state:
            overlay = styles["cursor"] if state == 1 else styles["cursor-blurred"]
            strip = Strip(
                [Segment(t, (s or Style()) + overlay, c) for t, s, c in strip],
                strip.cell_length,
            )
        self._strips[cache_key] = strip
        return strip

    def _window(self, strip: Strip, width: int, base: Style) -> Strip:
        """Crop a full-width line to the viewport, keeping the fixed columns in place."""
        fixed = self._layout.fixed_width
        scroll_x = int(self.scroll_offset.x)
        if fixed >= width:
            return strip.crop_extend(0, width, base)
        left = strip.crop(0, fixed)
        right = strip.crop(fixed + scroll_x, fixed + scroll_x + width - fixed)
        return Strip.join([left, right]).extend_cell_length(width, base).crop(0, width)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            return self._window(self._header_strip(), width, base + self._get_styles()["header"])
        index = int(self.scroll_offset.y) + y - 1
        if not self._visible:
            empty = self.empty_text if self._rows else (self.none_text or self.empty_text)
            if y == 1 and empty:
                text = Text(f" {empty}", style=self._get_styles()["empty"])
                return self._render_text(text, base).crop_extend(0, width, base)
            return Strip.blank(width, base)
        if index >= len(self._visible):
            return Strip.blank(width, base)
        state = 0
        if index == self.cursor:
            state = 1 if self.has_focus else 2
        return self._window(self._row_strip(self._visible[index], state), width, base)

    # --- Cursor and scrolling ------------------------------------------------------

    @property
    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _set_cursor(self, index: int) -> None:
        index = max(0, min(index, len(self._visible) - 1)) if self._visible else 0
        changed = index != self.cursor
        self.cursor = index
        self._scroll_to_cursor()
        self.refresh()
        if changed:
            self.post_message(self.RowHighlighted(self, self.cursor_key))

    def _scroll_to_cursor(self) -> None:
        rows_shown = self._page
        top = int(self.scroll_offset.y)
        if self.cursor < top:
            top = self.cursor
        elif self.cursor > top + rows_shown - 1:
            top = self.cursor - rows_shown + 1
        if top != int(self.scroll_offset.y):
            self.scroll_to(y=top, animate=False, immediate=True)

    def _on_resize(self, event: events.Resize) -> None:
        self._scroll_to_cursor()

    def action_cursor_up(self) -> None:
        self._set_cursor(self.cursor - 1)

    def action_cursor_down(self) -> None:
        self._set_cursor(self.cursor + 1)

    def action_page_up(self) -> None:
        self._set_cursor(self.cursor - self._page)

    def action_page_down(self) -> None:
        self._set_cursor(self.cursor + self._page)

    def action_cursor_top(self) -> None:
        self._set_cursor(0)

    def action_cursor_bottom(self) -> None:
        self._set_cursor(len(self._visible) - 1)

    def action_scroll_columns(self, direction: int) -> None:
        """Scroll the non-fixed columns by one whole column."""
        layout = self._layout
        starts, position = [], 0
        for width in layout.widths[self.fixed_columns:]:
            starts.append(position)
            position += width + SEPARATOR
        x = int(self.scroll_offset.x)
        if direction > 0:
            target = next((start for start in starts if start > x), x)
        else:
            target = next((start for start in reversed(starts) if start < x), 0)
        self.scroll_to(x=min(target, self.max_scroll_x), animate=False, immediate=True)

    def action_select(self) -> None:
        key = self.cursor_key
        if key is not None:
            self.post_message(self.RowSelected(self, key))

    # --- Marks ---------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("toggle_mark", "mark_all", "unmark_all"):
            return self.markable
        if action == "select":
            return self.openable
        if action in ("sort_next", "sort_reverse"):
            return bool(self._columns)
        return True

    def _marks_changed(self) -> None:
        self.refresh()
        self.post_message(self.MarksChanged(self, len(self.marked)))

    def action_toggle_mark(self, advance: bool = True) -> None:
        key = self.cursor_key
        if key is None:
            return
        self.marked.symmetric_difference_update({key})
        self._marks_changed()
        if advance:
            self._set_cursor(self.cursor + 1)

    def action_mark_all(self) -> None:
        self.marked.update(self._visible)
        self._marks_changed()

    def action_unmark_all(self) -> None:
        self.marked.clear()
        self._marks_changed()

    def action_sort_next(self) -> None:
        sortable = [i for i, c in enumerate(self._columns) if c.sortable]
        if not sortable:
            return
        if self.sort_column is None or self.sort_column not in sortable:
            column = sortable[0]
        else:
            position = sortable.index(self.sort_column) + 1
            column = sortable[position] if position < len(sortable) else None
        self.sort_by(column, False)

    def action_sort_reverse(self) -> None:
        if self.sort_column is None:
            self.action_sort_next()
            return
        self.sort_by(self.sort_column, not self.sort_reverse)

    # --- Mouse -----------------------------------------------------------------------

    def _column_at(self, x: int) -> int | None:
        layout = self._layout
        fixed = layout.fixed_width
        virtual_x = x if x < fixed else x + int(self.scroll_offset.x)
        position = layout.flags_width + (SEPARATOR if layout.flags_width else 0)
        if virtual_x < position:
            return -1
        for i, width in enumerate(layout.widths):
            if position <= virtual_x < position + width + SEPARATOR:
                return i
            position += width + SEPARATOR
        return None

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        column = self._column_at(offset.x)
        if offset.y == 0:
            if column is not None and column >= 0 and self._columns[column].sortable:
                reverse = not self.sort_reverse if column == self.sort_column else False
                self.sort_by(column, reverse)
            return
        index = int(self.scroll_offset.y) + offset.y - 1
        if not 0 <= index < len(self._visible):
            return
        self._set_cursor(index)
        if column == -1 and self.markable:
            self.action_toggle_mark(advance=False)
        elif event.chain >= 2 and self.openable:
            self.action_select()
