"""``byraa`` commands, and the workers of race tests, in real processes that start warm.

A test that runs a command in a process of its own (to SIGKILL it half-way, or to race
several against one store) paid for a fresh interpreter each time: about 0.8 s of CPU
importing SQLAlchemy, the models and the command before its first line of work, which was
most of what those processes did. Here they are forked from one server process per test
worker that imported all that once (multiprocessing's forkserver). Each is still a process
of its own: its own pid, connections and exit status, killed by SIGKILL like any other, with
the environment, working directory and arguments the test gives it.

``Command`` answers what the tests asked of ``subprocess.Popen`` (``pid``, ``poll``,
``wait``, ``kill``, ``communicate``, ``returncode``) and ``run`` what they asked of
``subprocess.run``. A command's start from nothing (``python -m byraa``) stays covered by
the tests that run it that way (the posting race, the import-hygiene checks).
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import subprocess
import sys
import tempfile
from multiprocessing.context import BaseContext
from pathlib import Path

PRELOAD = [
    "byraa.cli.main",
    "byraa.cli.context",
    "byraa.cli.intake",
    "byraa.cli.reconcile",
    "byraa.cli.taxcards",
    "byraa.core.importers.intake",
    "byraa.core.reconcile.job",
    "byraa.core.taxcards.fetch",
    "byraa.core.altinn.client",
    "httpx",
    "polars",
]
"""What the server imports once: the commands the tests run and what they import."""

_context: BaseContext | None = None


def context() -> BaseContext:
    """The forkserver context, its server importing ``PRELOAD`` when it first starts."""
    global _context
    if _context is None:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        _context = ctx
    return _context


def _byraa(argv: list[str], env: dict[str, str], cwd: str, out: str, err: str) -> None:
    """The child: ``byraa argv`` as its console script runs it, its output in two files."""
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    for fd, path in ((1, out), (2, err)):
        target = os.open(path, os.O_WRONLY | os.O_TRUNC)
        os.dup2(target, fd)
        os.close(target)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.argv = ["byraa", *argv]
    code: int = 0
    try:
        from byraa.cli.main import run

        run()
    except SystemExit as end:
        if isinstance(end.code, int):
            code = end.code
        elif end.code is not None:
            print(end.code, file=sys.stderr)
            code = 1
    finally:
        atexit._run_exitfuncs()  # what an interpreter's own exit would run
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)


def byraa_argv(cmd: list[str]) -> list[str]:
    """The arguments after ``python -m byraa`` in a command line built for ``subprocess``."""
    if cmd[1:3] != ["-m", "byraa"]:
        raise ValueError(f"not a byraa command line: {cmd[:3]}")
    return cmd[3:]


class Command:
    """``byraa argv`` running in a warm forked process (see the module's docstring)."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="byraa-command-")
        self._out = Path(self._dir.name) / "stdout"
        self._err = Path(self._dir.name) / "stderr"
        self._out.touch(0o600)
        self._err.touch(0o600)
        self._process = context().Process(
            target=_byraa, args=(argv, env, os.getcwd(), str(self._out), str(self._err)), daemon=False)
        self._process.start()
        self.pid = self._process.pid

    @classmethod
    def from_cmd(cls, cmd: list[str], env: dict[str, str]) -> Command:
        return cls(byraa_argv(cmd), env)

    @property
    def returncode(self) -> int | None:
        return self._process.exitcode

    def poll(self) -> int | None:
        return self._process.exitcode

    def wait(self, timeout: float | None = None) -> int:
        self._process.join(timeout)
        if self._process.exitcode is None:
            raise subprocess.TimeoutExpired(["byraa"], timeout or 0)
        return self._process.exitcode

    def kill(self) -> None:
        if self._process.exitcode is None:
            self._process.kill()

    def communicate(self, timeout: float | None = None) -> tuple[str, str]:
        """Wait for the end and return what it wrote (no input: the tests give none)."""
        try:
            self.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            self._process.join()
            raise
        out = self._out.read_text(encoding="utf-8")
        err = self._err.read_text(encoding="utf-8")
        self._dir.cleanup()
        return out, err


def run(cmd: list[str], env: dict[str, str], timeout: float | None = None) -> subprocess.CompletedProcess[str]:
    """``subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)`` for
    a ``python -m byraa`` command line, in a warm forked process."""
    command = Command.from_cmd(cmd, env)
    out, err = command.communicate(timeout)
    assert command.returncode is not None
    return subprocess.CompletedProcess(cmd, command.returncode, out, err)
