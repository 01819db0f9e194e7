"""Every command that takes a client asks for it the same way: ``--client ORGNR`` with a
line of help, so ``--help`` tells a clerk what to type."""

from __future__ import annotations

import click

from byraa.cli.main import main


def _commands(group: click.Group, prefix: str = "byraa") -> list[tuple[str, click.Command]]:
    ctx = click.Context(group)
    out: list[tuple[str, click.Command]] = []
    for name in group.list_commands(ctx):  # the top group loads its commands lazily
        cmd = group.get_command(ctx, name)
        assert cmd is not None
        path = f"{prefix} {name}"
        out.append((path, cmd))
        if isinstance(cmd, click.Group):
            out.extend(_commands(cmd, path))
    return out


def test_every_client_option_is_named_orgnr_and_explained() -> None:
    found, wrong = 0, []
    for path, cmd in _commands(main):
        for param in cmd.params:
            if isinstance(param, click.Option) and "--client" in param.opts:
                found += 1
                if param.metavar != "ORGNR" or not (param.help or "").strip():
                    wrong.append(f"{path}: metavar={param.metavar!r} help={param.help!r}")
    assert found > 20
    assert wrong == []
