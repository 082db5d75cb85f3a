import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect


class HtmxLoginRedirectMiddleware:
    """An htmx request whose session has expired is sent to the login page as a whole page.

    Without this, htmx follows the redirect and swaps the login form into a fragment's place.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "htmx", False) and response.status_code == 302:
            login_url = resolve_url(settings.LOGIN_URL)
            if response["Location"].split("?", 1)[0] == login_url:
                return HttpResponseClientRedirect(response["Location"])
        return response


security_log = logging.getLogger("factcheck.security")
REFUSED = {403: "forbidden", 404: "not found", 405: "method not allowed", 429: "locked out"}


class SecurityLogMiddleware:
    """Every refused request goes to the security log: who, from where, what they asked and the answer.

    Another team's id answers 404 exactly as an id that does not exist does, so the page leaks nothing;
    the log is where such attempts can be told apart and counted.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        refused = REFUSED.get(response.status_code)
        if refused:
            user = getattr(request, "user", None)
            security_log.warning(
                "refused %s: %s %s by %s from %s",
                refused,
                request.method,
                request.get_full_path()[:500],
                user.get_username() if user is not None and user.is_authenticated else "anonymous",
                request.META.get("REMOTE_ADDR", ""),
                extra={"status": response.status_code, "path": request.path},
            )
        return response
