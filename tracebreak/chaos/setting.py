"""How a toggle is set: a share of requests, a number of milliseconds, on/off for a whole process, or
the service it applies to. Each kind parses `tracebreak chaos on`'s option, checks a flag file's
value, describes the value in force, and reads it through OpenFeature.
"""

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any

from tracebreak.demo import SERVICES

if TYPE_CHECKING:
    from openfeature.client import OpenFeatureClient


class Setting(ABC):
    off: Any  # the value in force while the toggle is off
    expected: str  # what the flag file's variants must be, in words
    option: str | None  # the `chaos on` option that sets it; None: on is on
    how: str  # how it is set, for a user who gave another option

    def parse(self, **given: Any) -> Any:
        """The "on" value from `chaos on`'s options (rate, ms, service), checked."""
        for name, value in given.items():
            if value is not None and name != self.option:
                raise ValueError(f"takes no --{name}: {self.how}")
        return self.check(given.get(self.option) if self.option else None)

    @abstractmethod
    def check(self, value: Any) -> Any:
        """The option's value (None: not given) as the "on" value, or ValueError saying what is expected."""

    @abstractmethod
    def fits(self, value: Any) -> bool:
        """Whether a flag file's variant is a value of this kind."""

    @abstractmethod
    def describe_on(self, value: Any) -> str: ...

    def describe(self, value: Any) -> str:
        if value is None:
            return "unknown (Envoy not reachable)"
        return "off" if value == self.off else self.describe_on(value)

    @abstractmethod
    def read(self, client: "OpenFeatureClient", key: str) -> Any: ...


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class Rate(Setting):
    off, expected, option, how = 0.0, "numbers from 0 to 1", "rate", "set it with --rate"

    def check(self, value: float | None) -> float:
        value = 1.0 if value is None else value
        if not 0 < value <= 1:
            raise ValueError(f"--rate must be above 0 and at most 1, got {value}")
        return value

    def fits(self, value: Any) -> bool:
        return _number(value) and 0 <= value <= 1

    def describe_on(self, value: float) -> str:
        return f"on, rate {value:g}"

    def read(self, client: "OpenFeatureClient", key: str) -> float:
        return client.get_float_value(key, self.off)


class Milliseconds(Setting):
    off, expected, option, how = 0, "whole numbers of milliseconds", "ms", "set it with --ms"
    default = 500

    def check(self, value: int | None) -> int:
        value = self.default if value is None else value
        if value <= 0:
            raise ValueError(f"--ms must be a positive number of milliseconds, got {value}")
        return value

    def fits(self, value: Any) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0

    def describe_on(self, value: int) -> str:
        return f"on, {value} ms"

    def read(self, client: "OpenFeatureClient", key: str) -> int:
        return client.get_integer_value(key, self.off)


class Switch(Setting):
    off, expected, option, how = False, "true or false", None, "it acts on the whole process, on or off"

    def check(self, value: None) -> bool:
        return True

    def fits(self, value: Any) -> bool:
        return isinstance(value, bool)

    def describe_on(self, value: bool) -> str:
        return "on"

    def read(self, client: "OpenFeatureClient", key: str) -> bool:
        return client.get_boolean_value(key, self.off)


class ServiceChoice(Setting):
    off, option, how = "none", "service", "choose with --service"
    expected = f"one of {', '.join(SERVICES)}, all or none"

    def check(self, value: str | None) -> str:
        chosen = value or "all"
        if chosen not in (*SERVICES, "all"):
            raise ValueError(f"--service must be one of {', '.join(SERVICES)} or all, got {chosen!r}")
        return chosen

    def fits(self, value: Any) -> bool:
        return value in (*SERVICES, "all", "none")

    def describe_on(self, value: str) -> str:
        return f"on, {value}"

    def read(self, client: "OpenFeatureClient", key: str) -> str:
        return client.get_string_value(key, self.off)

    @staticmethod
    def chooses(value: str, service: str) -> bool:
        return value in (service, "all")


RATE, MILLISECONDS, SWITCH, SERVICE = Rate(), Milliseconds(), Switch(), ServiceChoice()
