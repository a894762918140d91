"""Who may change the stack from a page (the chaos panel's switches, lab mode's asks for a verdict):
a browser on this machine, on this page's own origin.

A page of another site could otherwise flip toggles from a tab the trainee left open (a cross-site
request forgery). Three checks, each enough alone for today's browsers: the client is on loopback
(unless the store was started to allow others); the request says JSON (a cross-origin JSON POST needs
a CORS preflight this server never grants); and Origin / Sec-Fetch-Site, when sent, name this origin.
"""

import ipaddress

from starlette.requests import Request

SAME_SITE = ("same-origin", "none")


def refusal(request: Request, allow_remote: bool) -> str | None:
    """Why the request may not change the stack, or None."""
    host = request.client.host if request.client else ""
    if not allow_remote and not _loopback(host):
        return f"the web view takes changes only on loopback, not from {host or 'an unknown client'}"
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return "send JSON (Content-Type: application/json)"
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in SAME_SITE:
        return f"a {site} request may not change the stack"
    origin = request.headers.get("origin")
    own = f"{request.url.scheme}://{request.headers.get('host', '')}"
    if origin is not None and origin != own:
        return f"a request from {origin} may not change the stack (this page is {own})"
    return None


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
