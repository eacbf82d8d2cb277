"""HTTP routes beside the Streamlit app: sign-in and sign-out with an HttpOnly session cookie.

Streamlit cannot set cookies from a script, so the sign-in form posts here (``st.App`` routes).
The cookie holds a random token; the database keeps only its hash (``tracker.auth``).
"""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from tracker import Tracker
from tracker.auth import session_hours, sign_in, sign_out
from tracker.config import settings
from tracker.errors import SignInFailed, StorageUnavailable, Throttled

COOKIE = "mingde_session"
DEVICE_COOKIE = "mingde_device"  # a random id per browser, to flag several check-ins from one phone


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


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"


async def login(request: Request) -> Response:
    if not _same_origin(request):
        return PlainTextResponse("cross-site sign-in refused", status_code=403)
    form = await request.form()
    username = str(form.get("username", ""))[:64]
    password = str(form.get("password", ""))[:256]
    back = safe_next(form.get("next"))  # the page that asked for the sign-in (a check-in), if any
    try:
        result = await run_in_threadpool(sign_in, tracker(), username, password)
    except Throttled as e:
        return RedirectResponse(_with(back or "/", f"login=wait&s={e.seconds}"), status_code=303)
    except SignInFailed:
        return RedirectResponse(_with(back or "/", "login=failed"), status_code=303)
    except StorageUnavailable:  # a session cannot be recorded (disk full, read-only): say so, for any password
        return RedirectResponse(_with(back or "/", "login=storage"), status_code=303)
    response = RedirectResponse(back or "/", status_code=303)
    response.set_cookie(
        COOKIE,
        result.token,
        max_age=int(session_hours() * 3600),
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
    response.set_cookie(
        DEVICE_COOKIE, device, max_age=400 * 86400, httponly=True, samesite="lax", secure=_secure(request), path="/"
    )
    return response


def routes() -> list[Route]:
    return [
        Route("/auth/login", login, methods=["POST"]),
        Route("/auth/logout", logout, methods=["POST"]),
        Route("/c/{code}", scan, methods=["GET"]),
    ]
