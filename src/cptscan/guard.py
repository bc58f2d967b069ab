"""Failures of the world around a command (a closed pipe, a full disk, a folder it may not read) end it
with one line saying what happened, never a traceback: the user can act on the line, not on the stack.

``guarded`` wraps every command of the CLI. Messages name files and system errors, never note text.
"""

from __future__ import annotations

import functools
import os
import sys
from typing import Callable

import typer

from cptscan.exits import FAILED


def describe(exc: OSError) -> str:
    """'No space left on device: results.jsonl' from an OSError, without Python's errno prefix."""
    what = exc.strerror or type(exc).__name__
    return f"{what}: {exc.filename}" if exc.filename else what


def stdout_closed() -> None:
    """The reader of our stdout (``head``, ``less``) has gone: point stdout at /dev/null so that nothing,
    not even the interpreter's last flush, writes to the closed pipe again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def guarded(command: Callable) -> Callable:
    """``command`` with a closed stdout ending it quietly (exit 0, as ``head`` wanted) and any other
    OSError ending it with a one-line message (exit 1)."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except BrokenPipeError:
            stdout_closed()
            raise typer.Exit(0) from None
        except OSError as exc:
            typer.echo(f"error: {describe(exc)}", err=True)
            raise typer.Exit(FAILED) from None

    return run
