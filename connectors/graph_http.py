"""Microsoft Graph over plain ``requests``: one session, timeouts, throttling, ``$batch``.

The base URL comes from the account's config (``graph_base``), so tests point it at the
emulator in ``tests/emulators/graph.py``. Errors are translated here, once:

* 401 -> the token is refreshed once and the request repeated; still 401 -> ``AuthError``.
* 410, or an error code ``syncStateNotFound``/``resyncRequired`` -> ``CursorExpired``
  (https://learn.microsoft.com/graph/delta-query-overview#synchronization-reset).
* 429, 503, 504 -> wait ``Retry-After`` seconds (or the next of ``RETRY_DELAYS``) and
  retry, up to ``len(RETRY_DELAYS)`` times; then ``TransientError``
  (https://learn.microsoft.com/graph/throttling).
* A dropped connection or a timeout -> the same backoff, then ``TransientError``.
* 404 -> ``NotFound``; anything else -> ``AccountError`` with Graph's message.

At most ``MAX_IN_FLIGHT`` requests are open per mailbox at any moment, across every
connector object of that mailbox in the process (Outlook's limit is 4 concurrent
requests per app per mailbox). ``batch`` sends up to 20 requests as one JSON
``$batch`` (https://learn.microsoft.com/graph/json-batching) and retries the inner
requests that were throttled. Tokens never reach a log.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import requests

from syncd.errors import AccountError, AuthError, CursorExpired, TransientError

log = logging.getLogger(__name__)

DEFAULT_BASE = "https://graph.microsoft.com/v1.0"
RETRY_DELAYS: tuple[float, ...] = (2.0, 8.0, 30.0, 60.0)
MAX_RETRY_AFTER = 300.0
MAX_IN_FLIGHT = 4
BATCH_LIMIT = 20
TIMEOUT = (10.0, 90.0)  # connect, read
_EXPIRED_CODES = {"syncstatenotfound", "resyncrequired", "syncstateinvalid"}
_RETRY_STATUS = {429, 503, 504}
_slots: dict[str, threading.BoundedSemaphore] = {}
_slots_lock = threading.Lock()


class NotFound(AccountError):
    """The item is not there (404)."""


def mailbox_slots(key: str) -> threading.BoundedSemaphore:
    """The in-flight limit shared by every client of one mailbox in this process."""
    with _slots_lock:
        return _slots.setdefault(key, threading.BoundedSemaphore(MAX_IN_FLIGHT))


def _error_of(response: requests.Response) -> tuple[str, str]:
    try:
        error = response.json().get("error") or {}
        return str(error.get("code") or ""), str(error.get("message") or "")
    except (ValueError, AttributeError):
        return "", response.text[:200]


def _retry_after(headers: Any, fallback: float) -> float:
    value = (headers or {}).get("Retry-After") or (headers or {}).get("retry-after")
    if value is None:
        return fallback
    try:
        return min(max(float(value), 0.0), MAX_RETRY_AFTER)
    except (TypeError, ValueError):
        return fallback


class GraphClient:
    """Graph calls for one mailbox. ``token(force)`` returns a bearer token (refreshed when forced)."""

    def __init__(
        self, base: str, token: Callable[[bool], str], *, key: str = "", session: requests.Session | None = None,
        timeout: tuple[float, float] = TIMEOUT, sleep: Callable[[float], None] | None = None,
        retry_delays: Sequence[float] | None = None,
    ) -> None:
        self.base = base.rstrip("/")
        self._token = token
        self.session = session or requests.Session()
        self.timeout = timeout
        self.sleep = sleep or time.sleep
        self.retry_delays = tuple(RETRY_DELAYS if retry_delays is None else retry_delays)
        self.slots = mailbox_slots(key or self.base)
        self.round_trips = 0  # HTTP requests sent
        self.graph_requests = 0  # what Graph counts against its limits (each request inside a $batch too)

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else f"{self.base}{path}"

    def relative(self, url: str) -> str | None:
        """``url`` relative to the base (for ``$batch``), or None when it points elsewhere."""
        return url[len(self.base):] if url.startswith(self.base + "/") else None

    def request(
        self, method: str, path: str, *, params: dict[str, str] | None = None, json: Any = None,
        headers: dict[str, str] | None = None, data: bytes | None = None,
    ) -> Any:
        """The response's JSON (None for an empty body), errors translated as the module says."""
        delays = iter(self.retry_delays)
        refreshed = False
        while True:
            try:
                response = self._send(method, path, params, json, data, headers, force=refreshed)
            except (requests.ConnectionError, requests.Timeout) as err:
                delay = next(delays, None)
                if delay is None:
                    raise TransientError(f"Graph did not answer {method} {self._where(path)}: {type(err).__name__}") from err
                log.warning("Graph %s %s: %s; retrying in %.1fs", method, self._where(path), type(err).__name__, delay)
                self.sleep(delay)
                continue
            status = response.status_code
            if status == 401 and not refreshed:
                refreshed = True
                continue
            if status in _RETRY_STATUS:
                delay = next(delays, None)
                if delay is None:
                    raise TransientError(f"Graph is throttling or unavailable ({status}) for {self._where(path)}")
                wait = _retry_after(response.headers, delay)
                log.info("Graph answered %s to %s %s; waiting %.1fs", status, method, self._where(path), wait)
                self.sleep(wait)
                continue
            return self._result(status, response, method, path)

    def _send(
        self, method: str, path: str, params: dict[str, str] | None, body: Any, data: bytes | None,
        headers: dict[str, str] | None, *, force: bool,
    ) -> requests.Response:
        token = self._token(force)
        with self.slots:
            self.round_trips += 1
            self.graph_requests += 1
            return self.session.request(
                method, self.url(path), params=params, json=body, data=data, timeout=self.timeout,
                headers={"Authorization": f"Bearer {token}", "Accept": "application/json", **(headers or {})},
            )

    def _where(self, path: str) -> str:
        return path.split("?", 1)[0] if not path.startswith("http") else path.split("?", 1)[0].replace(self.base, "")

    def _result(self, status: int, response: requests.Response, method: str, path: str) -> Any:
        if 200 <= status < 300:
            if not response.content:
                return None
            try:
                return response.json()
            except ValueError as err:
                raise TransientError(f"Graph sent something that is not JSON for {self._where(path)}") from err
        code, message = _error_of(response)
        raise self._error(status, code, message, f"{method} {self._where(path)}")

    @staticmethod
    def _error(status: int, code: str, message: str, what: str) -> Exception:
        if status == 410 or code.lower() in _EXPIRED_CODES:
            return CursorExpired(f"Graph forgot the delta state ({status} {code or 'Gone'})")
        if status == 401:
            return AuthError(f"Graph refused the token ({code or 401}: {message})")
        if status == 404:
            return NotFound(f"{what}: not found")
        if status == 403:
            return AccountError(f"{what}: access denied ({code}: {message}); was a scope refused at sign-in?")
        return AccountError(f"{what}: Graph answered {status} {code}: {message}")

    # -- $batch ----------------------------------------------------------------

    def batch(self, calls: Sequence[dict[str, Any]]) -> list[Any]:
        """Send ``calls`` (each ``{"method", "url", "headers"?, "body"?}``, URLs relative to the base)
        in ``$batch`` requests of at most 20; return each one's JSON body, in order.
        Throttled inner requests are retried after their Retry-After; other errors raise."""
        results: list[Any] = [None] * len(calls)
        for start in range(0, len(calls), BATCH_LIMIT):
            todo = list(range(start, min(start + BATCH_LIMIT, len(calls))))
            delays = iter(self.retry_delays)
            while todo:
                payload = {"requests": [{"id": str(i), **calls[i]} for i in todo]}
                answer = self.request("POST", "/$batch", json=payload)
                self.graph_requests += len(todo) - 1
                by_id = {str(r.get("id")): r for r in (answer or {}).get("responses", [])}
                again, wait = [], 0.0
                for i in todo:
                    inner = by_id.get(str(i)) or {"status": 503}
                    status = int(inner.get("status", 500))
                    if status in _RETRY_STATUS:
                        again.append(i)
                        wait = max(wait, _retry_after(inner.get("headers"), 0.0))
                        continue
                    body = inner.get("body")
                    if not 200 <= status < 300:
                        error = (body or {}).get("error", {}) if isinstance(body, dict) else {}
                        raise self._error(status, str(error.get("code", "")), str(error.get("message", "")),
                                          f"{calls[i]['method']} {calls[i]['url'].split('?', 1)[0]}")
                    results[i] = body
                if again:
                    delay = next(delays, None)
                    if delay is None:
                        raise TransientError(f"Graph kept throttling {len(again)} requests of a $batch")
                    self.sleep(wait or delay)
                todo = again
        return results
