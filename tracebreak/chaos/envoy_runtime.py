"""Envoy-side toggles: read and set through the admin API's runtime (`runtime_modify`)."""

import json
from urllib.parse import quote

import httpx

DENOMINATORS = {"HUNDRED": 100, "TEN_THOUSAND": 10_000, "MILLION": 1_000_000}  # Envoy's FractionalPercent
DENOMINATOR = "TEN_THOUSAND"  # rates are set to a hundredth of a percent


class EnvoyAdminError(RuntimeError):
    pass


def _call(method: str, admin_url: str, path: str) -> httpx.Response:
    url = f"{admin_url.rstrip('/')}{path}"
    try:
        response = httpx.request(method, url, timeout=3)
    except httpx.HTTPError as error:
        raise EnvoyAdminError(f"cannot reach Envoy's admin API at {admin_url}: {error}") from error
    if response.status_code != 200:
        raise EnvoyAdminError(f"{url} answered {response.status_code}: {response.text.strip()}")
    return response


def set_rate(admin_url: str, key: str, rate: float | None) -> None:
    """Route `rate` (0-1) of requests through the toggle's route; None drops the override (off)."""
    value = (
        ""
        if rate is None
        else json.dumps({"numerator": round(rate * DENOMINATORS[DENOMINATOR]), "denominator": DENOMINATOR})
    )
    _call("POST", admin_url, f"/runtime_modify?{key}={quote(value, safe='')}")


def get_rate(admin_url: str, key: str) -> float:
    entries = _call("GET", admin_url, "/runtime?format=json").json().get("entries", {})
    return rate_of(entries.get(key, {}).get("final_value", "0"))


def rate_of(value: str) -> float:
    """A runtime value as Envoy reads a fractional percent: a JSON fraction, or a plain percentage."""
    try:
        fraction = json.loads(value)
    except json.JSONDecodeError:
        return 0.0
    if isinstance(fraction, dict):
        return int(fraction.get("numerator", 0)) / DENOMINATORS.get(
            fraction.get("denominator", "HUNDRED"), 100
        )
    return max(0.0, min(float(fraction), 100.0)) / 100  # a plain number is a percentage
