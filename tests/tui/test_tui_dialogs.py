"""The one ConfirmDialog: y/j confirm, n/Esc cancel, Enter presses the focused button,
and the focus starts on cancel when the action deletes or sends."""

from __future__ import annotations

import pytest
from textual.app import App
from textual.widgets import Button

from byraa.tui.widgets.dialogs import ConfirmDialog
from tests.tui_support import screen_text


class _Host(App[None]):
    def __init__(self, dangerous: bool) -> None:
        super().__init__()
        self.dangerous = dangerous
        self.answers: list[bool | None] = []

    def on_mount(self) -> None:
        self.push_screen(ConfirmDialog("Delete?", "It goes for good.", yes="Delete", dangerous=self.dangerous),
                         self.answers.append)


async def _answer(keys: tuple[str, ...], dangerous: bool) -> list[bool | None]:
    app = _Host(dangerous)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press(*keys)
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
    return app.answers


@pytest.mark.parametrize("dangerous", [True, False])
@pytest.mark.parametrize(("key", "expected"), [("y", True), ("j", True), ("n", False), ("escape", False)])
async def test_keys_answer_whatever_has_the_focus(key: str, expected: bool, dangerous: bool) -> None:
    assert await _answer((key,), dangerous) == [expected]


async def test_enter_on_a_dangerous_question_cancels() -> None:
    app = _Host(dangerous=True)
    async with app.run_test() as pilot:
        await pilot.pause()
        focused = app.screen.focused
        assert isinstance(focused, Button) and focused.id == "no"
        # The keys are on the dialog itself (a modal has no footer).
        assert "y bekrefter · n/Esc avbryter" in screen_text(app)
    assert await _answer(("enter",), dangerous=True) == [False]


async def test_enter_on_a_harmless_question_confirms() -> None:
    app = _Host(dangerous=False)
    async with app.run_test() as pilot:
        await pilot.pause()
        focused = app.screen.focused
        assert isinstance(focused, Button) and focused.id == "yes"
    assert await _answer(("enter",), dangerous=False) == [True]


async def test_tab_then_enter_reaches_the_other_button() -> None:
    assert await _answer(("tab", "enter"), dangerous=True) == [True]
