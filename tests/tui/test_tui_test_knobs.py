"""The suite's knobs on Textual (``tests/conftest.py``: the pilot's short idle check, CSS
parsed once per process, text cursors that do not blink) act where Textual looks. If a new Textual moved or
renamed what they change, the UI tests would silently go back to the slow path (or
break in stranger ways), so these fail instead."""

from __future__ import annotations

import inspect

from textual import _wait, pilot
from textual.app import App
from textual.css.stylesheet import Stylesheet
from textual.widgets import Input, TextArea

from tests import conftest


def test_the_idle_check_is_the_one_the_pilot_uses() -> None:
    assert pilot.wait_for_idle is _wait.wait_for_idle
    # The step and the idle threshold are read when the check runs, not when it was defined.
    assert {"SLEEP_GRANULARITY", "SLEEP_IDLE"} <= set(_wait.wait_for_idle.__code__.co_names)
    assert _wait.SLEEP_GRANULARITY == 1 / 500
    assert _wait.SLEEP_IDLE == _wait.SLEEP_GRANULARITY / 20


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
