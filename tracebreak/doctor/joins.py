"""How each fragment of a request was joined to it, and how sure the join is: by the request id its
spans carry, by the Kafka record both sides name (records.py), or by its caller and time (callers.py)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Join:
    """How a fragment was joined to its request."""

    by: str
    confidence: str  # exact: an identity both sides record; probable: time and the call's shape
    candidates: int = 1  # the requests that fitted (probable joins)

    def said(self) -> str:
        crowd = f", {self.candidates} requests fitted" if self.candidates > 1 else ""
        return f"by {self.by} ({self.confidence}{crowd})"


BY_REQUEST_ID = Join("request id", "exact")
BY_RECORD = Join("Kafka record", "exact")
