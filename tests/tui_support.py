"""Shared by the ``test_tui_*`` modules: a workspace as a login, screen text, waiting for the app."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import func, select

from byraa.core.agency import identity
from byraa.core.settings.config import Settings
from byraa.core.settings.workspace import Workspace
from byraa.core.store import Store
from byraa.core.store.models import Client, ClientAccess, StaffUser
from byraa.core.words import i18n

# The copied demo agency lives with the other demo helpers; the UI tests take it from here.
from tests.demo_copies import build_agency  # noqa: F401

S = TypeVar("S")


def workspace(store: Store, login: str | None = None, *, language: str = "nb") -> Workspace:
    """The workspace the TUI would open for ``login`` (default: ``tester``); ``who`` is
    ``None`` on a database without an agency, as ``open_workspace`` does."""
    from byraa.core.agency import setup as agency

    who = identity.resolve(store, login) if agency.info(store) is not None else None
    return Workspace(Settings(database_url="sqlite://", language=language), store, who)


@contextmanager
def language_restored() -> Iterator[None]:
    """The app sets the process language; put it back for the tests that follow."""
    before = i18n.language()
    try:
        yield
    finally:
        i18n.set_language(before)


def clerk_with_partial_access(store: Store) -> tuple[str, set[int], set[int]]:
    """A clerk login with access to some clients but not all: (login, granted, refused)."""
    with store.session() as session:
        all_ids = set(session.scalars(select(Client.id)))
        counts = session.execute(
            select(StaffUser.login, func.count(ClientAccess.id))
            .join(ClientAccess, ClientAccess.user_id == StaffUser.id)
            .where(StaffUser.role == "clerk", StaffUser.active.is_(True))
            .group_by(StaffUser.login)
            .order_by(StaffUser.login)
        ).all()
        for login, count in counts:
            if 0 < count < len(all_ids):
                granted = set(session.scalars(
                    select(ClientAccess.client_id).join(StaffUser, StaffUser.id == ClientAccess.user_id)
                    .where(StaffUser.login == login)))
                return login, granted, all_ids - granted
    raise AssertionError("the demo has no clerk with partial access")


def screen_text(app) -> str:  # noqa: ANN001
    """What the terminal shows now, as plain text (one line per row)."""
    update = app.screen._compositor.render_update(full=True)
    return "\n".join("".join(segment.text for segment in strip) for strip in update.strips)


async def settle(pilot) -> None:  # noqa: ANN001
    """Wait for every worker, then for the messages they posted and a repaint, then for
    the footer to show the screen's keys."""
    app = pilot.app
    for _ in range(3):
        await workers_done(app)
        await pilot.pause()
    await footer_shown(pilot)


async def open_by_key(pilot, key: str, kind: type[S]) -> S:  # noqa: ANN001
    """Settle, press a screen's key, settle: the screen it opened (asserted to be a ``kind``)."""
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, kind), f"{key} opened {type(screen).__name__}, not {kind.__name__}"
    return screen


async def search_palette(pilot, words: str, *, typed: bool = False) -> str:  # noqa: ANN001
    """Open the palette, type ``words`` (unless already ``typed`` in the open palette) and
    wait until the screen shows them and what the search found (the palette's list, or its
    "no matches"): what a user reads before pressing enter. The screen's text then."""
    if not typed:
        await pilot.press("colon", *words)
    await settle(pilot)
    for _ in range(200):
        text = screen_text(pilot.app)
        if _palette_drawn(pilot.app.screen, words, text):
            break
        await pilot.pause()
    return screen_text(pilot.app)


def _palette_drawn(screen, words: str, text: str) -> bool:  # noqa: ANN001
    """Whether ``text`` shows the palette with ``words`` in its field and its search ended.

    Textual shows the palette's box only once its first search has ended (the class
    ``-ready``), and draws it at the next layout; until then the screen shows the one
    beneath, which can hold the same words (a group or clerk's name on the dashboard).
    Only the field's own line, where the layout put it, tells the box is drawn.
    """
    from textual.command import CommandInput

    from byraa.tui.widgets.palette import Palette

    if not isinstance(screen, Palette) or not screen.has_class("-ready") or screen._searching():
        return False
    field = screen.query_one(CommandInput)
    region = field.region  # empty until laid out; its rows hold the border too
    drawn = text.splitlines()[region.y:region.bottom]
    return field.value == words and any(words in line for line in drawn)


async def workers_done(app) -> None:  # noqa: ANN001
    """Wait for every worker of the app to end; a worker's error is raised here.

    A worker cancelled on purpose (an ``exclusive`` loader replaced by a newer one while
    it ran) is an ending, not a failure: Textual's ``wait_for_complete`` raises
    ``WorkerCancelled`` for it, so a test failed or passed on which came first.
    """
    from textual.worker import WorkerCancelled

    workers = [w for w in app.workers if not w.is_finished]
    outcomes = await asyncio.gather(*(w.wait() for w in workers), return_exceptions=True)
    for outcome in outcomes:
        if isinstance(outcome, BaseException) and not isinstance(outcome, WorkerCancelled):
            raise outcome


def _footer_keys_match(screen) -> bool:  # noqa: ANN001
    from textual.widgets import Footer
    from textual.widgets._footer import FooterKey

    footers = list(screen.query(Footer))
    if not footers:
        return True
    expected: dict[str, bool] = {}
    for _node, binding, enabled, _tooltip in screen.active_bindings.values():
        if binding.show:
            expected.setdefault(binding.action, enabled)
    footer = footers[0]
    keys = list(footer.query(FooterKey))
    # The footer leaves off keys that do not fit its width (they stay in help), after a
    # refresh: wait until no shown key runs past the edge, then compare what it shows. The
    # edge is where the pinned help and palette begin, also while the footer's own width
    # is still the one of the layout before.
    edge = footer.region.right
    parent = footer.parent
    pinned = [w for w in parent.query_children(".pinned") if w.display] if parent is not None else []
    if pinned:
        edge = min(edge, pinned[0].region.x)
    if any(k.display and k.region.right > edge for k in keys):
        return False
    # Keys just built are not laid out yet (an empty region) until the screen's next
    # layout: a picture taken now shows a line without them.
    if any(k.display and not k.region.width for k in keys):
        return False
    every = {key.action: not key.has_class("-disabled") for key in keys}
    # Keys cut for width stay in the footer, hidden: the same actions, or the footer is
    # still the one of the moment before (a focus that landed after the last rebuild left
    # the screen's own keys, a subset of what it offers now).
    return every.keys() == expected.keys() and all(expected[a] == e for a, e in every.items())


async def footer_shown(pilot, attempts: int = 50) -> None:  # noqa: ANN001
    """Wait until the footer has drawn the keys the screen offers now.

    Textual recomposes the footer *after a refresh* once the bindings change (a focus
    move, a mark that enables a key), so a picture taken right after a key could show the
    footer of the moment before (the flaky ``test_clients[120x40]``)."""
    matched = 0
    for attempt in range(attempts):
        # Twice in a row, a pause apart: a layout still settling (the footer narrowed when
        # the pinned part got its width) shows a line that fits now and overflows after.
        matched = matched + 1 if _footer_keys_match(pilot.app.screen) else 0
        if matched == 2:
            break
        if attempt == attempts // 2:
            # A focus that landed while Textual was rebuilding the footer can leave the line of
            # the moment before with no further signal: ask for the bindings' signal again.
            pilot.app.screen.refresh_bindings()
        await pilot.pause()
    await pilot.pause()


def press_then_settle(*keys: str):  # noqa: ANN201
    """A snapshot's ``run_before``: settle, then each key followed by a settle."""
    async def run_before(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before
