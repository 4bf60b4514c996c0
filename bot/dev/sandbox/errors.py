"""The one exception the sandbox raises to answer like LINE does (status + JSON error body)."""
from __future__ import annotations


class ApiError(Exception):
    """An error response: ``{"message": ..., "details": [...]}`` plus optional extra fields/headers."""

    def __init__(self, status: int, message: str, details: list | None = None,
                 headers: dict | None = None, **extra):
        super().__init__(f"{status} {message}")
        self.status = status
        self.message = message
        self.details = details or []
        self.headers = headers or {}
        self.extra = extra

    def body(self) -> dict:
        out = {"message": self.message}
        if self.details:
            out["details"] = self.details
        out.update(self.extra)
        return out


def bad_request(details: list[dict]) -> ApiError:
    return ApiError(400, f"The request body has {len(details)} error(s)", details)


def prop_path(parts) -> str:
    """``["messages", 0, "text"]`` -> ``"messages[0].text"`` (LINE's ``property`` notation)."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
