"""No secret in the logs or the database: after sign-ins in Chromium (a wrong password, then the right
one), neither password nor the session cookie appears in the server's log, and the database holds
only the cookie's hash."""

from __future__ import annotations

import hashlib
import sqlite3

from playwright.sync_api import expect

from tests.e2e.conftest import SERVER_FILES, sign_in

WRONG = "wrong-password-5e1b"


def test_passwords_and_session_tokens_stay_out_of_logs_and_the_database(server, page):
    if page.viewport_name != "desktop":
        return  # one size is enough
    page.goto(server)
    page.get_by_label("用户名").fill("e070")
    page.get_by_label("密码").fill(WRONG)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("用户名或密码不正确")).to_be_visible(timeout=30_000)
    sign_in(page, server, "e070")
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "mingde_session")
    assert len(token) >= 32

    log = SERVER_FILES["log"].read_bytes()
    assert b"Streamlit" in log  # the server's own output: the right file
    database = b"".join(p.read_bytes() for p in SERVER_FILES["db"].parent.glob(SERVER_FILES["db"].name + "*"))
    for secret in (WRONG, "mingde-demo", token):
        assert secret.encode() not in log, f"{secret[:6]}… is in the server log"
        assert secret.encode() not in database, f"{secret[:6]}… is in the database files"
    digest = hashlib.sha256(token.encode()).hexdigest()
    with sqlite3.connect(f"file:{SERVER_FILES['db']}?mode=ro", uri=True) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        found = any(
            db.execute(f"SELECT 1 FROM {t} WHERE CAST(({col}) AS TEXT) = ?", (digest,)).fetchone()
            for t in tables
            for col in [c[1] for c in db.execute(f"PRAGMA table_info({t})")]
        )
    assert found, "the session's SHA-256 is stored"
