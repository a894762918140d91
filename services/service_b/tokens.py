"""Service B's simulated dependency: the token store, which knows the demo's one valid token."""

from tracebreak.chaos.catalogue import AUTH_ERROR_RATE
from tracebreak.chaos.reader import chaos
from tracebreak.demo import DEMO_TENANT, DEMO_TOKEN, DEMO_USER

USERS = {DEMO_TOKEN: DEMO_USER}
TENANTS = {DEMO_USER: DEMO_TENANT}


class TokenStoreFailed(Exception):
    """The token store could not answer."""


def user_for(token: str) -> str | None:
    """The user the token stands for; None for a token the store does not know."""
    if chaos.hits(AUTH_ERROR_RATE):  # fault: auth-error-rate. The store fails on its own.
        raise TokenStoreFailed("the token store failed")
    return USERS.get(token)


def tenant_for(user: str) -> str:
    return TENANTS[user]
