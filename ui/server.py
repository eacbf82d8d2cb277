"""HTTP routes beside the Streamlit app: sign-in and sign-out with an HttpOnly session cookie, and
a middleware for every HTTP response (anti-framing headers; ``/_stcore/metrics`` closed).

Streamlit cannot set cookies from a script, so the sign-in form posts here (``st.App`` routes).
The cookie holds a random token; the database keeps only its hash (``tracker.auth``). The cookie
ends with the browser unless 记住我 is ticked. A second cookie (``mingde_trusted``) keeps the signed
device tokens of the accounts this browser has signed in to, which exempt it from an account-wide
lockout (``tracker.auth``). The client's address (for throttling) is the peer's,
or, when the peer is a configured proxy (``MINGDE_TRUSTED_PROXIES``), the last address in
``X-Forwarded-For`` that is not one of the proxies.
"""

from __future__ import annotations

import ipaddress
import secrets
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from tracker import Tracker
from tracker.auth import TRUSTED_DAYS, session_hours, sign_in, sign_out
from tracker.config import settings
from tracker.errors import SignInFailed, StorageUnavailable, Throttled

COOKIE = "mingde_session"
USERNAME_COOKIE = "mingde_username"  # the user name of the last failed sign-in, to fill the form again
DEVICE_COOKIE = "mingde_device"  # a random id per browser, to flag several check-ins from one phone
TRUSTED_COOKIE = "mingde_trusted"  # signed tokens of the accounts this browser signed in to (tracker.auth)


def safe_next(value: object) -> str | None:
    """A path on this site to return to after signing in (``/checkin?ticket=…``), or None: never
    another host, a scheme or a protocol-relative ``//host``."""
    text = str(value or "")
    if not text.startswith("/") or text.startswith("//") or "\\" in text or len(text) > 512:
        return None
    parts = urlsplit(text)
    return text if not parts.scheme and not parts.netloc else None


def _with(path: str, query: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}{query}"


@lru_cache(maxsize=4)
def _tracker(path: str) -> Tracker:
    return Tracker(path)


def tracker() -> Tracker:
    return _tracker(str(settings().db))


def _same_origin(request: Request) -> bool:
    """Refuse cross-site form posts (login CSRF): Origin, or else Referer, must be this host."""
    source = request.headers.get("origin") or request.headers.get("referer")
    if not source:
        return True  # non-browser clients send neither; the cookie is SameSite anyway
    return urlsplit(source).netloc == request.headers.get("host")


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_address(peer: str | None, forwarded_for: str | None, proxies: tuple | None = None) -> str:
    """The address a request comes from: the peer's, unless the peer is a trusted proxy; then the
    right-most ``X-Forwarded-For`` entry that is not a trusted proxy (entries left of it can be forged
    by the client)."""
    proxies = settings().trusted_proxies if proxies is None else proxies
    trusted = lambda ip: ip is not None and any(ip in net for net in proxies)  # noqa: E731
    peer_ip = _ip(peer or "")
    if not trusted(peer_ip) or not forwarded_for:
        return str(peer_ip) if peer_ip else ""
    for entry in reversed(forwarded_for.split(",")):
        ip = _ip(entry)
        if ip is None:
            return str(peer_ip)  # a malformed chain: do not guess, count it against the proxy
        if not trusted(ip):
            return str(ip)
    return str(peer_ip)


def _address(request: Request) -> str:
    return client_address(request.client.host if request.client else None, request.headers.get("x-forwarded-for"))


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"


def _keep_username(response: Response, username: str, request: Request) -> Response:
    """After a failed sign-in the form shows the user name again (a short-lived cookie, not the address)."""
    response.set_cookie(USERNAME_COOKIE, username, max_age=300, httponly=True, samesite="lax", secure=_secure(request), path="/")
    return response


async def login(request: Request) -> Response:
    if not _same_origin(request):
        return PlainTextResponse("cross-site sign-in refused", status_code=403)
    form = await request.form()
    username = str(form.get("username", ""))[:64]
    password = str(form.get("password", ""))[:256]
    remember = form.get("remember") == "1"
    back = safe_next(form.get("next"))  # the page that asked for the sign-in (a check-in), if any
    try:
        result = await run_in_threadpool(
            lambda: sign_in(
                tracker(),
                username,
                password,
                address=_address(request),
                remember=remember,
                device=request.cookies.get(TRUSTED_COOKIE),
            )
        )
    except Throttled as e:
        return _keep_username(
            RedirectResponse(_with(back or "/", f"login=wait&s={e.seconds}"), status_code=303), username, request
        )
    except SignInFailed:
        return _keep_username(RedirectResponse(_with(back or "/", "login=failed"), status_code=303), username, request)
    except StorageUnavailable:  # a session cannot be recorded (disk full, read-only): say so, for any password
        return RedirectResponse(_with(back or "/", "login=storage"), status_code=303)
    response = RedirectResponse(back or "/", status_code=303)
    response.delete_cookie(USERNAME_COOKIE, path="/")
    response.set_cookie(
        COOKIE,
        result.token,
        max_age=int(session_hours() * 3600) if result.remember else None,  # else it ends with the browser
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",
    )
    if not request.cookies.get(DEVICE_COOKIE):  # the phone's id for the proxy flags of a typed 签到码 too
        _set_device_cookie(response, request, secrets.token_urlsafe(12))
    response.set_cookie(  # this browser is trusted for this account: exempt from the account-wide lockout
        TRUSTED_COOKIE,
        result.device,
        max_age=TRUSTED_DAYS * 24 * 3600,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",
    )
    return response


async def logout(request: Request) -> Response:
    if not _same_origin(request):
        return PlainTextResponse("cross-site sign-out refused", status_code=403)
    await run_in_threadpool(sign_out, tracker(), request.cookies.get(COOKIE))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax")
    return response


SECURITY_HEADERS = [
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"content-security-policy", b"frame-ancestors 'self'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]
CLOSED_PATHS = ("/_stcore/metrics",)  # Streamlit's internal statistics: not for the intranet


class SecurityHeaders:
    """ASGI middleware: every HTTP response may be framed only by this site (``X-Frame-Options``
    and CSP ``frame-ancestors``), and ``/_stcore/metrics`` answers 404."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if scope["path"].rstrip("/") in CLOSED_PATHS:
            return await PlainTextResponse("not found", status_code=404, headers=dict(_decoded()))(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in dict(SECURITY_HEADERS)]
                message = {**message, "headers": headers + SECURITY_HEADERS}
            await send(message)

        return await self.app(scope, receive, send_with_headers)


def _decoded() -> list[tuple[str, str]]:
    return [(k.decode(), v.decode()) for k, v in SECURITY_HEADERS]


def middleware() -> list[Middleware]:
    return [Middleware(SecurityHeaders)]


@lru_cache(maxsize=2)
def _catalog(root: str, fingerprint: tuple):
    from quizzes import load_catalog

    return load_catalog(root)


def catalog():
    root = Path(settings().content)
    files = sorted(root.rglob("*.y*ml")) if root.is_dir() else []
    return _catalog(str(root), tuple((str(p), p.stat().st_mtime_ns) for p in files))


async def scan(request: Request) -> Response:
    """``/c/<code>``: the address in the projector's QR code. A valid code of an open session becomes
    a one-use ticket, so that someone who must sign in first is still checked in afterwards; the
    browser then opens the check-in page with it (or with the reason it was refused)."""
    from tracker.errors import EventRefused

    code = request.path_params["code"][:200]
    device = request.cookies.get(DEVICE_COOKIE) or secrets.token_urlsafe(12)
    event = catalog().events.get(code.split(".", 1)[0])
    try:
        if event is None:
            raise EventRefused("unknown event", "forged")
        token = await run_in_threadpool(tracker().issue_ticket, event, code, device)
        target = f"/checkin?ticket={quote(token)}"
    except EventRefused as e:
        target = f"/checkin?refused={e.reason}"
    except StorageUnavailable:
        target = "/checkin?refused=storage"
    response = RedirectResponse(target, status_code=303)
    _set_device_cookie(response, request, device)
    return response


def _set_device_cookie(response, request: Request, value: str) -> None:
    """The phone's id (for the proxy flags of check-ins): kept 400 days, script-proof, this site only."""
    response.set_cookie(
        DEVICE_COOKIE, value, max_age=400 * 86400, httponly=True, samesite="lax", secure=_secure(request), path="/"
    )


def routes() -> list[Route]:
    return [
        Route("/auth/login", login, methods=["POST"]),
        Route("/auth/logout", logout, methods=["POST"]),
        Route("/c/{code}", scan, methods=["GET"]),
    ]
