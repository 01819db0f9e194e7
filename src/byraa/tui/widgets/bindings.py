"""Binding descriptions in the user's language.

``BINDINGS`` are evaluated when a class is created, which is before ``byraa.core.words.i18n``
knows the language (the workspace sets it at start). So bindings are written with
English msgids, and every byraa node translates its own copy when it is created; the
footer, the help screen and the keymap all read that copy.
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from byraa.core.words.i18n import _


def N_(message: str) -> str:  # noqa: N802
    """Mark ``message`` for the catalog without translating it yet (class bodies)."""
    return message


def translated(bindings: BindingsMap) -> BindingsMap:
    """A copy of ``bindings`` with descriptions, tooltips and groups translated."""
    out = BindingsMap()
    for key, key_bindings in bindings.key_to_bindings.items():
        out.key_to_bindings[key] = [_translate(b) for b in key_bindings]
    return out


def _translate(binding: Binding) -> Binding:
    group = binding.group
    if group is not None and group.description:
        group = replace(group, description=_(group.description))
    return replace(
        binding,
        description=_(binding.description) if binding.description else "",
        tooltip=_(binding.tooltip) if binding.tooltip else "",
        group=group,
    )


def action_name(action: str) -> str:
    """``"tab('staff')"`` -> ``"tab"``; ``"app.help"`` -> ``"help"``."""
    return action.split("(", 1)[0].rsplit(".", 1)[-1]


def dimmed_reason(node: object, action: str) -> str | None:
    """Why the key for ``action`` is dimmed on ``node`` (its ``check_action`` said ``None``), if it says.

    A screen that dims keys for a reason the user can act on (a role, an unsigned run)
    defines ``dimmed_reason(action_name) -> str | None``; the help screen shows the reason
    beside the dimmed key, and the app answers a press of that key with it (one line)
    instead of doing nothing.
    """
    explain = getattr(node, "dimmed_reason", None)
    return explain(action_name(action)) if callable(explain) else None


class LocalizedBindings(DOMNode):
    """Mixin: translate this node's bindings when it is created."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        # Textual copies the class bindings into ``_bindings`` per instance; replacing
        # that copy is the one place to put translated descriptions (textual is pinned).
        self._bindings = translated(self._bindings)


def key_shown(node: DOMNode, binding_id: str) -> str:
    """The key that runs ``binding_id`` on ``node``, as the footer writes it, after the
    user's keymap (``[keymap]`` in the settings): for a sentence that names the key
    ("Ingen grupper ennå. n oppretter en."), which a remapped key would make wrong."""
    for bindings in node._bindings.key_to_bindings.values():
        for binding in bindings:
            if binding.id == binding_id:
                remapped = node.app._keymap.get(binding_id)
                if remapped:
                    binding = replace(binding, key=remapped.split(",")[0].strip(), key_display=None)
                return node.app.get_key_display(binding)
    raise LookupError(binding_id)
