"""The suite's knobs on Textual (``tests/conftest.py``: the pilot's idle check from the app's
queues, CSS parsed once per process, text cursors that do not blink, transitions drawn at
once) act where Textual looks. If a new Textual moved or renamed what they change, the UI
tests would silently go back to the slow path (or break in stranger ways), so these fail
instead."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections import deque

from textual import _wait, pilot
from textual import app as app_module
from textual.app import App
from textual.css.stylesheet import Stylesheet
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Label, TextArea
from textual.worker import Worker, WorkerState

from tests import conftest, idle_wait
from tests.tui_support import screen_text


def test_the_idle_check_is_the_one_the_pilot_uses() -> None:
    assert pilot.wait_for_idle is app_module.wait_for_idle is _wait.wait_for_idle is idle_wait.wait_for_idle
    # Where Textual's pilot waits: after each key (twice) and in every pause.
    assert "wait_for_idle" in inspect.getsource(App._press_keys)
    assert "wait_for_idle" in inspect.getsource(pilot.Pilot.pause)
    assert pilot.Pilot._wait_for_screen.__qualname__.endswith("unless_idle")
    assert "self._wait_for_screen()" in inspect.getsource(pilot.Pilot.pause)
    # What the check reads of a message pump and a worker is still there.
    pump = Label()
    assert pump._closed is False and pump._next_callbacks == [] and pump._pending_message is None
    assert isinstance(pump._message_queue.values, deque)
    assert isinstance(pump._message_queue.ready_event, asyncio.Event)
    assert "_registry" in vars(App("x")) and App("x")._batch_count == 0
    assert (App("x")._exit, App("x")._exception, App("x")._closing, App("x")._closed) == (False, None, False, False)
    assert WorkerState.RUNNING and hasattr(Worker, "is_finished")


async def test_the_idle_check_waits_for_a_chain_of_handlers_that_await_and_for_a_worker() -> None:
    """A message posted by a handler and handled by one that awaits a thread (no CPU
    used: Textual's own check saw an idle process and the pilot's wait for the screen had
    already passed) is waited for; so is a worker still working."""
    done: list[str] = []

    class Step(Message):
        pass

    def work() -> None:
        end = time.perf_counter() + 0.05
        while time.perf_counter() < end:
            pass
        done.append("worker")

    class Chain(App):
        def compose(self):  # noqa: ANN202
            yield Label("x")

        async def on_key(self, event) -> None:  # noqa: ANN001
            if event.key == "h":
                await asyncio.to_thread(time.sleep, 0.1)
                self.post_message(Step())
            elif event.key == "w":
                self.run_worker(work, thread=True)

        async def on_step(self, message: Step) -> None:
            await asyncio.to_thread(time.sleep, 0.2)
            done.append("chain")

    async with Chain().run_test() as pilot:
        await pilot.press("h")
        assert done == ["chain"]
        await pilot.press("w")
        await pilot.pause()
        assert done == ["chain", "worker"]


async def test_the_idle_check_waits_for_repaints_held_back_on_a_timer() -> None:
    """A mode switch holds the screen's repaints back for 50 ms on a timer (Textual's
    ``delay_update``) with no message queued: a picture taken before it ends shows the
    screen of the moment before (the footer without its keys)."""

    class Held(App):
        def compose(self):  # noqa: ANN202
            yield Label("before")

        def on_key(self, event) -> None:  # noqa: ANN001
            if event.key == "d":
                self.delay_update(0.2)
                self.query_one(Label).update("after")

    async with Held().run_test() as pilot:
        await pilot.press("d")
        assert pilot.app._batch_count == 0
        assert "after" in screen_text(pilot.app)


async def test_a_transition_is_drawn_at_once() -> None:
    """A mode switch does not hold the screen back for 50 ms in tests (its ``delay_update``)."""
    assert App.delay_update.__qualname__.endswith("at_once")
    assert "self.delay_update()" in inspect.getsource(App.switch_mode)

    class Two(App):
        MODES = {"one": lambda: _Screen("one"), "two": lambda: _Screen("two")}  # noqa: RUF012
        DEFAULT_MODE = "one"

    async with Two().run_test() as pilot:
        pilot.app.switch_mode("two")
        assert pilot.app._batch_count == 1
        started = time.perf_counter()
        await pilot.pause()
        assert pilot.app._batch_count == 0 and time.perf_counter() - started < 0.05
        assert "two" in screen_text(pilot.app)


class _Screen(Screen):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self):  # noqa: ANN202
        yield Label(self.text)


async def test_the_wait_for_the_screen_is_skipped_only_with_nothing_queued() -> None:
    handled: list[str] = []

    class Note(Message):
        pass

    class One(App):
        def compose(self):  # noqa: ANN202
            yield Label("x")

        def on_note(self, message: Note) -> None:
            handled.append("note")

    async with One().run_test() as pilot:
        await pilot.pause()
        asked: list[object] = []
        label = pilot.app.query_one(Label)
        call_later = label.call_later

        def counted(callback, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
            asked.append(callback)
            return call_later(callback, *args, **kwargs)

        label.call_later = counted  # type: ignore[method-assign]
        assert await pilot._wait_for_screen() is True and asked == []
        pilot.app.post_message(Note())
        assert await pilot._wait_for_screen() is True
        assert len(asked) == 1 and handled == ["note"]


def test_css_is_parsed_once_per_process_and_per_theme() -> None:
    assert Stylesheet._parse_rules.__qualname__.endswith("shared")
    parse = inspect.signature(Stylesheet.parse)
    assert list(parse.parameters) == ["self"]
    css = "Label { color: $primary; }"
    first = Stylesheet(variables={"primary": "red"})
    first.add_source(css, read_from=("knob", "test"))
    first.parse()
    again = Stylesheet(variables={"primary": "red"})
    again.add_source(css, read_from=("knob", "test"))
    again.parse()
    other = Stylesheet(variables={"primary": "blue"})
    other.add_source(css, read_from=("knob", "test"))
    other.parse()
    assert again.rules == first.rules and again.rules[0] is first.rules[0]  # parsed once
    assert other.rules[0] is not first.rules[0]  # another theme is parsed on its own
    assert first.rules[0].styles.color != other.rules[0].styles.color
    assert len([k for k in conftest._PARSED_CSS if k[0] == css]) == 2


async def test_an_app_still_applies_its_css_after_another_app_parsed_it() -> None:
    class Styled(App[None]):
        CSS = "Screen { background: rgb(1, 2, 3); }"

    for _ in range(2):
        async with Styled().run_test() as driver:
            assert driver.app.screen.styles.background.rgb == (1, 2, 3)


async def test_a_focused_input_keeps_its_cursor_shown() -> None:
    # The blink timers call these names; the knob replaces them with "shown".
    assert "_toggle_cursor" in Input._on_mount.__code__.co_names
    assert "_toggle_cursor_blink_visible" in inspect.getsource(TextArea._on_mount)

    class Typing(App):
        def compose(self):  # noqa: ANN202
            yield Input()

    async with Typing().run_test() as driver:
        field = driver.app.query_one(Input)
        field.focus()
        await driver.pause()
        for _ in range(3):
            field._toggle_cursor()  # what the blink timer does every half second
            assert field._cursor_visible


async def test_a_pause_after_the_app_quit_does_not_wait_for_its_limit(sqlite_store) -> None:  # noqa: ANN001
    """After ``q`` byraa holds a batch of repaints it never ends and its shutdown keeps the
    loop busy: each pause then waited its whole second, seven seconds in one test."""
    from byraa.tui.app import ByraaApp
    from tests.tui_support import settle, workspace

    async with ByraaApp(workspace(sqlite_store)).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        started = time.perf_counter()
        await pilot.press("q")
        await settle(pilot)
        assert pilot.app._exit and time.perf_counter() - started < 0.5
