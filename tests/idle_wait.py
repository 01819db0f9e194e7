"""The pilot's wait for an idle app, from the app's own queues instead of the clock alone.

Textual's pilot waits after every key and in every ``pause()`` with
``textual._wait.wait_for_idle``: sleep one step, and go on when the process used (almost)
no CPU in it. Every wait therefore ended at least one whole step after the app's last
message, usually two: in two UI files half of their 31 s was spent inside those waits,
mostly asleep with the app already done.

This check asks the app instead. It is idle when nothing is ready to run in the event
loop, no message pump (the app, its screens, their widgets) has a message queued or in
hand (its task waits on its queue and on nothing else) or a callback waiting for the
next turn, no repaint is held back in a batch (a mode switch holds them on a timer),
and no worker is pending or running. While a worker runs (a thread working on
the store, a job fetching) the clock is asked as well, as Textual does: a step with
(almost) no CPU used counts as idle, so a test can still press keys while a long job
runs. An app that is ending (told to exit, or ended by a bug) is idle: nothing a test
waits for comes any more. Outside an app (no active app) it is Textual's check. The
pilot's wait for the screen before it is skipped when that check finds nothing queued at
all.

Textual is pinned; ``test_the_idle_check_is_the_one_the_pilot_uses`` fails if a new
Textual moves the names used here.
"""

from __future__ import annotations

import asyncio
from time import monotonic, process_time
from typing import Any

STEP = 1 / 500
"""Seconds of one step while a worker runs (Textual's default is 1/50)."""

IDLE_CPU = STEP / 20
"""CPU seconds used in a step under which the process counts as idle (Textual's ratio)."""

POLL = 1 / 4000
"""Seconds between looks at the queues while the app still has messages."""


def _pump_busy(pump: Any) -> bool:
    """True unless the pump waits for its next message with none queued or in hand."""
    if pump._closed:
        return False
    if pump._next_callbacks or pump._pending_message is not None:
        return True
    queue = pump.__dict__.get("_message_queue")  # made on first use: none made here
    if queue is None:
        return False
    if queue.values:
        return True
    task = pump._task
    if task is None or task.done():
        return False
    # Between messages the pump's task waits on its queue's ready event, and on nothing
    # else: a handler that awaits (a thread, a timer, a reply) is a message still in hand.
    return task._fut_waiter not in queue.ready_event._waiters


def _pumps_busy(app: Any) -> bool:
    """True while anything is ready to run, repaints are held back, or a pump of the app has
    a message to handle."""
    if app._exit or app._exception is not None or app._closing or app._closed:
        # The app is ending (it was told to exit, or a bug ends it): a batch of repaints it
        # held stays held and its shutdown keeps the loop busy, so this said busy until the
        # pause's limit (a second), and nothing a test waits for comes any more. The pilot's
        # context waits for the shutdown as it exits.
        return False
    if asyncio.get_running_loop()._ready:  # type: ignore[attr-defined]
        return True
    if app._batch_count:
        # Repaints and layouts held back in a batch: the screen is not drawn yet. A mode
        # switch holds them on a timer (``delay_update``), with no message queued.
        return True
    return any(_pump_busy(pump) for pump in (app, *app._registry))


def _workers_busy(app: Any) -> bool:
    return any(not worker.is_finished for worker in app.workers)


async def wait_for_idle(min_sleep: float = 0.0, max_sleep: float = 1.0) -> None:
    """Wait until the active app has nothing left to do (or ``max_sleep`` seconds)."""
    from textual._context import active_app

    app = active_app.get(None)
    start = monotonic()
    first = True
    while True:
        workers = app is None or _workers_busy(app)
        cpu = process_time()
        # A first look right away: after a message that did little the app is already idle.
        await asyncio.sleep(STEP if workers else 0 if first else POLL)
        used = process_time() - cpu  # before the looks below, which take CPU of their own
        first = False
        elapsed = monotonic() - start
        if elapsed >= max_sleep:
            return
        if elapsed < min_sleep:
            continue
        if app is not None and _pumps_busy(app):
            continue
        if not workers or used < IDLE_CPU:
            return


def install() -> None:
    """Make the pilot (keys, pauses, clicks) wait with ``wait_for_idle`` above."""
    from textual import _wait, app, pilot

    _wait.wait_for_idle = wait_for_idle
    app.wait_for_idle = wait_for_idle  # type: ignore[attr-defined]
    pilot.wait_for_idle = wait_for_idle  # type: ignore[attr-defined]
    unless_idle = _wait_for_screen_unless_idle(pilot.Pilot._wait_for_screen)
    pilot.Pilot._wait_for_screen = unless_idle  # type: ignore[method-assign]


def _wait_for_screen_unless_idle(wait_for_screen: Any) -> Any:
    """The pilot's wait for the screen, skipped when nothing is queued anywhere.

    Before every idle check the pilot hands each widget of the screen a callback and
    waits until all have run: the messages queued at that moment are then handled. With
    nothing queued, in hand or ready to run, that wait has nothing to wait for, yet it sent
    a message through every widget: an idle pause on the dashboard took 1.6-2.3 ms of CPU,
    0.06 ms without it, and a run waits for the screen about 7,700 times. A widget that
    needs a repaint or a layout has a message queued for it (Textual's ``check_idle``), and
    repaints held back in a batch count as busy, so it still waits then.
    """

    async def unless_idle(self: Any, timeout: float = 30.0) -> bool:
        if not _pumps_busy(self.app):
            return True
        return bool(await wait_for_screen(self, timeout))

    return unless_idle
