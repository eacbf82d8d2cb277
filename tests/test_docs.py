"""Every CLI command is documented in the README (as sqlite-utils does)."""

from __future__ import annotations

import click
import pytest

from tests.conftest import ROOT
from ui.cli import cli

README = (ROOT / "README.md").read_text(encoding="utf-8")


def commands(group: click.Group, prefix: str = "mingde") -> list[str]:
    out = []
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        out.extend(commands(command, path) if isinstance(command, click.Group) else [path])
    return out


@pytest.mark.parametrize("command", commands(cli))
def test_command_is_in_the_readme(command):
    assert f"`{command}" in README


def test_every_command_has_help():
    for command in commands(cli):
        parts = command.split()[1:]
        node = cli
        for part in parts:
            node = node.commands[part]
        assert (node.help or "").strip(), command
