"""No secret in the logs or the database: after sign-ins in Chromium (a wrong password, then the right
one), neither password nor the session cookie appears in the server's log, and the database holds
only the cookie's hash."""

from __future__ import annotations

import hashlib

from playwright.sync_api import expect

from tests.dbcopy import dump, query, tables_and_columns
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
    database = dump(SERVER_FILES["db"])  # SQLite: the files (free pages too); PostgreSQL: every row
    for secret in (WRONG, "mingde-demo", token):
        assert secret.encode() not in log, f"{secret[:6]}… is in the server log"
        assert secret.encode() not in database, f"{secret[:6]}… is in the database files"
    digest = hashlib.sha256(token.encode()).hexdigest()
    found = any(
        query(
            SERVER_FILES["db"],
            f'SELECT 1 FROM "{t}" WHERE ' + " OR ".join(f'CAST("{c}" AS TEXT) = ?' for c in columns),
            (digest,) * len(columns),
        )
        for t, columns in tables_and_columns(SERVER_FILES["db"]).items()
    )
    assert found, "the session's SHA-256 is stored"
