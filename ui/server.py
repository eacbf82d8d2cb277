"""HTTP routes beside the Streamlit app: sign-in and sign-out with an HttpOnly session cookie.

Streamlit cannot set cookies from a script, so the sign-in form posts here (``st.App`` routes).
The cookie holds a random token; the database keeps only its hash (``tracker.auth``).
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from tracker import Tracker
from tracker.auth import session_hours, sign_in, sign_out
from tracker.config import settings
from tracker.errors import SignInFailed, StorageUnavailable, Throttled

COOKIE = "mingde_session"
USERNAME_COOKIE = "mingde_username"  # the user name of the last failed sign-in, to fill the form again


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
    try:
        result = await run_in_threadpool(sign_in, tracker(), username, password)
    except Throttled as e:
        return _keep_username(RedirectResponse(f"/?login=wait&s={e.seconds}", status_code=303), username, request)
    except SignInFailed:
        return _keep_username(RedirectResponse("/?login=failed", status_code=303), username, request)
    except StorageUnavailable:  # a session cannot be recorded (disk full, read-only): say so, for any password
        return RedirectResponse("/?login=storage", status_code=303)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(USERNAME_COOKIE, path="/")
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


def routes() -> list[Route]:
    return [Route("/auth/login", login, methods=["POST"]), Route("/auth/logout", logout, methods=["POST"])]
