"""``mingde user``: accounts, roles and passwords."""

from __future__ import annotations

import sys

import click

from ui.cli.common import common, open_tracker


@click.group()
def user():
    """Accounts and roles (employee, organizer, leader, admin)."""


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@user.command("add")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(["employee", "organizer", "leader", "admin"]))
@click.option("--employee", "employee_id", help="the employee's 工号 (required for the employee role)")
@click.option("--password-stdin", is_flag=True, help="read the password from the first line of standard input")
@common
def user_add(username, role, employee_id, password_stdin):
    """Create an account."""
    tracker = open_tracker()
    tracker.add_user(username, _read_password(password_stdin), role, employee_id)
    tracker.audit("cli", "user.add", {"username": username, "role": role}, subject=username)
    click.echo(f"added {role} {username}")


@user.command("list")
@common
def user_list():
    """List the accounts (never their passwords)."""
    for a in open_tracker().users():
        state = "disabled" if a.disabled else ""
        click.echo(f"{a.username}\t{a.role}\t{a.employee_id or ''}\t{state}".rstrip())


@user.command("passwd")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="read the new password from standard input")
@common
def user_passwd(username, password_stdin):
    """Set a user's password."""
    tracker = open_tracker()
    tracker.set_password(username, _read_password(password_stdin))
    tracker.audit("cli", "user.passwd", {"username": username}, subject=username)
    click.echo(f"password changed for {username}")
