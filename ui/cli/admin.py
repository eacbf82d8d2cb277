"""``mingde user disable/enable/role/reset/add-department`` and ``mingde roster leave`` (attached to
the ``user`` and ``roster`` groups): the admin calls of the browser's 账号管理 and 人员名册 pages, over the same library calls.
The CLI acts as the server's administrator (audit actor ``cli``); messages are Chinese when the
language (``MINGDE_LANG``) is Chinese."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from pathlib import Path

import click

from ui.cli.common import common
from ui.cli.common import open_tracker as tracker
from ui.cli.roster import roster
from ui.cli.users import user

ROLES = ("employee", "organizer", "leader", "admin")  # tracker.ROLES; the library is imported inside commands


def admin():
    """The acting account of the CLI: an admin named ``cli`` (the person with a shell on the server)."""
    from tracker import Account

    return Account("cli", "admin")


def say(key: str, **values: object) -> str:
    from ui.i18n import translate

    ctx = click.get_current_context(silent=True)
    lang = getattr(getattr(ctx, "obj", None), "lang", None) or "zh"
    return translate(lang, key, **values)


def refusals(f):
    """The library's refusals as one line in the CLI's language, exit code 1."""

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        from tracker import NotFound
        from tracker.passwords import WeakPassword
        from tracker.store.accounts import AccountRefused

        try:
            return f(*args, **kwargs)
        except WeakPassword as e:
            raise click.ClickException(say(f"password.rule.{e.rule}")) from None
        except AccountRefused as e:
            raise click.ClickException(say(f"admin.error.{e.code}")) from None
        except NotFound as e:
            raise click.ClickException(say("cli.not_found", detail=str(e))) from None

    return wrapper


@user.command("disable")
@click.argument("username")
@common
@refusals
def user_disable(username):
    """Disable an account: it cannot sign in and its open sessions end."""
    tracker().set_disabled(admin(), username, True)
    click.echo(say("cli.user.disabled", user=username))


@user.command("enable")
@click.argument("username")
@common
@refusals
def user_enable(username):
    """Enable a disabled account again."""
    tracker().set_disabled(admin(), username, False)
    click.echo(say("cli.user.enabled", user=username))


@user.command("role")
@click.argument("username")
@click.argument("role", type=click.Choice(ROLES))
@common
@refusals
def user_role(username, role):
    """Change an account's role (the last admin keeps the role)."""
    tracker().set_role(admin(), username, role)
    click.echo(say("cli.user.role", user=username, role=role))


@user.command("reset")
@click.argument("username")
@common
@refusals
def user_reset(username):
    """A one-time password for an account (printed once; to be changed at the next sign-in)."""
    made = tracker().reset_password(admin(), username)
    click.echo(say("cli.user.reset", user=username))
    click.echo(made.password)


@user.command("add-department")
@click.argument("department")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="write the list to this CSV file")
@common
@refusals
def user_add_department(department, output):
    """Employee accounts (user name = 工号, one-time passwords) for a department's active staff."""
    made = tracker().create_department_accounts(admin(), department)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["用户名", "姓名", "一次性密码"])
    writer.writerows([m.username, m.name or "", m.password] for m in made)
    if output:
        output.write_text(buf.getvalue(), encoding="utf-8-sig")
        output.chmod(0o600)
        click.echo(say("cli.user.department_file", n=len(made), department=department, file=output))
    else:
        click.echo(say("cli.user.department", n=len(made), department=department), err=True)
        click.echo(buf.getvalue(), nl=False)


@roster.command("leave")
@click.argument("employee_id")
@click.option("--on", "day", help="the day they left, YYYY-MM-DD (default: today)")
@common
@refusals
def roster_leave(employee_id, day):
    """Mark an employee as left (离职): their accounts are disabled and their sessions end."""
    try:
        when = dt.date.fromisoformat(day) if day else None
    except ValueError:
        raise click.BadParameter(say("cli.bad_date", value=day), param_hint="--on") from None
    names = tracker().mark_left(admin(), employee_id, when)
    click.echo(say("cli.roster.left", id=employee_id, accounts=", ".join(names) or "-"))
