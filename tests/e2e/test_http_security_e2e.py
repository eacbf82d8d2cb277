"""Over HTTP against a real ``streamlit run`` server (issue 15): anti-framing headers on every
response, ``/_stcore/metrics`` closed, the sign-in throttle per account and address through the real
route from two loopback addresses (127.0.0.1 and 127.0.0.2), ``X-Forwarded-For`` believed only from
a configured proxy (127.0.0.3 here), the account-wide lockout of untrusted browsers that spares a
browser with the account's device cookie, and the session cookie ending with the browser unless 记住我."""

from __future__ import annotations

import http.client
import os
import urllib.parse

import pytest

from tracker import Tracker
from tracker.auth import MAX_FAILURES, TRUSTED_DAYS, UNTRUSTED_MAX_FAILURES
from ui.serve import free_port, start_server, stop, wait_healthy

PASSWORD = "tq7-mountain-ink"
WRONG = "not-the-password"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("http")
    db = root / "mingde.db"
    t = Tracker(db)
    t.add_employee("E001", "张三", "办公室")
    for name in ("alice", "bob", "carol", "dave", "erin"):
        t.add_user(name, PASSWORD, "organizer")
    t.close()
    port = free_port()
    env = {
        **os.environ,
        "MINGDE_DB": str(db),
        "MINGDE_CONTENT": str(root / "content"),
        "MINGDE_LANG": "zh",
        "MINGDE_TRUSTED_PROXIES": "127.0.0.3",
    }
    log = open(root / "streamlit.log", "w")  # noqa: SIM115
    proc = start_server(port, env, log=log)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", proc)
        yield port, db
    finally:
        stop(proc)
        log.close()


def request(port, method, path, *, source="127.0.0.1", body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        response.read()
        return response
    finally:
        conn.close()


def login(port, username, password, *, source="127.0.0.1", remember=False, forwarded=None, cookie=None):
    form = {"username": username, "password": password, **({"remember": "1"} if remember else {})}
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if forwarded:
        headers["X-Forwarded-For"] = forwarded
    if cookie:
        headers["Cookie"] = cookie
    response = request(port, "POST", "/auth/login", source=source, body=urllib.parse.urlencode(form), headers=headers)
    assert response.status == 303
    location = response.getheader("location")
    return {"/": "ok", "/?login=failed": "failed"}.get(location, "throttled" if "login=wait" in location else location), response


@pytest.mark.parametrize("path", ["/", "/learn", "/_stcore/health", "/favicon.png"])
def test_every_response_refuses_foreign_framing(server, path):
    port, _ = server
    response = request(port, "GET", path)
    assert response.getheader("X-Frame-Options") == "SAMEORIGIN"
    assert response.getheader("Content-Security-Policy") == "frame-ancestors 'self'"
    assert response.getheader("X-Content-Type-Options") == "nosniff"


def test_the_html_page_carries_the_headers(server):
    port, _ = server
    response = request(port, "GET", "/")
    assert response.status == 200 and "text/html" in response.getheader("Content-Type")
    assert response.getheader("X-Frame-Options") == "SAMEORIGIN"


@pytest.mark.parametrize("path", ["/_stcore/metrics", "/_stcore/metrics/"])
def test_metrics_are_closed(server, path):
    port, _ = server
    response = request(port, "GET", path)
    assert response.status == 404
    assert response.getheader("X-Frame-Options") == "SAMEORIGIN"


def test_an_outsider_at_another_address_cannot_lock_a_user_out(server):
    port, _ = server
    for _ in range(MAX_FAILURES):
        assert login(port, "alice", WRONG, source="127.0.0.2")[0] == "failed"
    assert login(port, "alice", PASSWORD, source="127.0.0.2")[0] == "throttled"
    assert login(port, "alice", PASSWORD, source="127.0.0.1")[0] == "ok"  # the real alice, elsewhere


def test_x_forwarded_for_is_ignored_from_an_untrusted_peer(server):
    port, _ = server
    for i in range(MAX_FAILURES):
        assert login(port, "bob", WRONG, source="127.0.0.2", forwarded=f"10.0.0.{i}")[0] == "failed"
    # a forged header does not move bob's attacker to a fresh address
    assert login(port, "bob", PASSWORD, source="127.0.0.2", forwarded="10.9.9.9")[0] == "throttled"


def test_x_forwarded_for_is_believed_from_the_configured_proxy(server):
    port, db = server
    for _ in range(MAX_FAILURES):
        assert login(port, "carol", WRONG, source="127.0.0.3", forwarded="10.0.0.66")[0] == "failed"
    assert login(port, "carol", PASSWORD, source="127.0.0.3", forwarded="10.0.0.66")[0] == "throttled"
    assert login(port, "carol", PASSWORD, source="127.0.0.3", forwarded="10.0.0.77")[0] == "ok"
    t = Tracker(db)
    try:
        keys = {r["key"] for r in t.db.query("SELECT key FROM sign_in_throttle")}
        addresses = [r["address"] for r in t.db.query("SELECT address FROM audit_log WHERE subject = 'carol'")]
    finally:
        t.close()
    assert "account:10.0.0.66:carol" in keys
    assert set(addresses) == {"10.0.0.66", "10.0.0.77"}


@pytest.mark.parametrize("remember", [False, True])
def test_the_cookie_ends_with_the_browser_unless_remembered(server, remember):
    port, _ = server
    outcome, response = login(port, "dave", PASSWORD, remember=remember)
    assert outcome == "ok"
    [cookie] = [c for c in response.headers.get_all("set-cookie") if c.startswith("mingde_session=")]
    assert cookie.startswith("mingde_session=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert ("Max-Age=" in cookie) is remember
    if not remember:
        assert "expires=" not in cookie.lower()  # a browser-session cookie


def test_a_spread_attack_locks_untrusted_browsers_but_not_the_users_own(server):
    port, _ = server
    outcome, response = login(port, "erin", PASSWORD, source="127.0.0.1")
    assert outcome == "ok"
    [trusted] = [c for c in response.headers.get_all("set-cookie") if c.startswith("mingde_trusted=")]
    assert "HttpOnly" in trusted and "SameSite=lax" in trusted and f"Max-Age={TRUSTED_DAYS * 24 * 3600}" in trusted
    device = trusted.split(";")[0]
    for i in range(UNTRUSTED_MAX_FAILURES):  # one try from each of many addresses, through the proxy
        assert login(port, "erin", WRONG, source="127.0.0.3", forwarded=f"10.1.0.{i}")[0] == "failed"
    assert login(port, "erin", PASSWORD, source="127.0.0.3", forwarded="10.1.1.1")[0] == "throttled"
    assert login(port, "erin", PASSWORD, source="127.0.0.2")[0] == "throttled"  # a browser she never used
    assert login(port, "erin", PASSWORD, source="127.0.0.2", cookie=device)[0] == "ok"  # her own browser
    assert login(port, "erin", PASSWORD, source="127.0.0.2", cookie=device.replace("=", "=x"))[0] == "throttled"
