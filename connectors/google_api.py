"""The Google API client as syncd uses it: paced, retried, errors translated in one place.

The services come from google-api-python-client's bundled discovery documents
(``static_discovery=True``: no network to build them). ``api_base`` (``--api-base``)
replaces the endpoints for an emulator or a proxy: Gmail at ``base``, Calendar at
``base + "calendar/v3/"``, and the batch endpoint (which ``api_endpoint`` does not
move) at ``base + "batch/gmail/v1"``.

Errors (https://developers.google.com/gmail/api/guides/handle-errors): 429 and 403
``rateLimitExceeded``/``userRateLimitExceeded`` slow down (:class:`Backoff` halves the
batch); 5xx and dropped connections are retried with backoff and then become
``TransientError``; a refused refresh token or a 401 that survives a refresh is
``AuthError``; 404 is :class:`NotFound` for the caller to judge (history too old, a
message gone); 410 is ``CursorExpired``; 403 ``insufficientPermissions`` (a scope the
user did not grant at consent) is :class:`ScopeMissing`. Tokens never reach a log line.

Calendar calls (``events.*``) are paced by a :class:`Pacer` of their own
(``calendar_pacer``): the Calendar API's quota is separate from Gmail's.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from connectors.gmail_quota import CALENDAR_BUDGET, CALENDAR_UNITS, Backoff, Pacer
from syncd.errors import AccountError, AuthError, CursorExpired, SyncdError, TransientError

log = logging.getLogger(__name__)

RATE_REASONS = {"rateLimitExceeded", "userRateLimitExceeded"}
GMAIL_BATCH = "https://gmail.googleapis.com/batch/gmail/v1"


class NotFound(SyncdError):
    """The API answered 404."""


class ScopeMissing(AccountError):
    """The token lacks a scope this call needs (403 insufficientPermissions)."""


SCOPE_REASONS = {"insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT"}


def _base(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def reason_of(err: Any) -> str:
    """The first ``errors[].reason`` of a Google error body ("" when there is none)."""
    try:
        body = json.loads(err.content.decode("utf-8", "replace"))
        errors = body.get("error", {}).get("errors") or [{}]
        return str(errors[0].get("reason", ""))
    except (ValueError, AttributeError):
        return ""


def is_rate_limit(status: int, reason: str) -> bool:
    return status == 429 or (status == 403 and reason in RATE_REASONS)


class GoogleClient:
    def __init__(self, credentials: Any, *, api_base: str | None = None, timeout: float = 60.0,
                 pacer: Pacer | None = None, backoff: Backoff | None = None, name: str = "",
                 calendar_pacer: Pacer | None = None) -> None:
        import google_auth_httplib2
        import httplib2

        self.credentials = credentials
        self.http = google_auth_httplib2.AuthorizedHttp(credentials, http=httplib2.Http(timeout=timeout))
        self.api_base = _base(api_base) if api_base else None
        self.pacer = pacer or Pacer()
        self.calendar_pacer = calendar_pacer or Pacer(budget=CALENDAR_BUDGET, units=dict(CALENDAR_UNITS))
        self.backoff = backoff or Backoff()
        self.name = name
        self._gmail: Any = None
        self._calendar: Any = None
        self.requests = 0

    # -- services ------------------------------------------------------------------------

    def _build(self, api: str, version: str, endpoint: str | None) -> Any:
        from googleapiclient.discovery import build

        options = {"api_endpoint": endpoint} if endpoint else None
        return build(api, version, http=self.http, static_discovery=True, cache_discovery=False, client_options=options)

    @property
    def gmail(self) -> Any:
        if self._gmail is None:
            self._gmail = self._build("gmail", "v1", self.api_base).users()
        return self._gmail

    @property
    def calendar(self) -> Any:
        if self._calendar is None:
            self._calendar = self._build("calendar", "v3", self.api_base + "calendar/v3/" if self.api_base else None)
        return self._calendar

    @property
    def batch_uri(self) -> str:
        return self.api_base + "batch/gmail/v1" if self.api_base else GMAIL_BATCH

    # -- calls ---------------------------------------------------------------------------

    def call(self, method: str, request: Any) -> Any:
        """Execute one request, paced by ``method``'s quota units; retry what can be retried."""
        pacer = self.calendar_pacer if method.startswith("events.") else self.pacer
        while True:
            pacer.take(method)
            try:
                self.requests += 1
                result = self._translate(lambda: request.execute(http=self.http, num_retries=0))
                self.backoff.success()
                return result
            except _Retry as retry:
                self._wait(retry)

    def _wait(self, retry: _Retry) -> None:
        log.info("%s: %s; backing off", self.name, retry.why)
        try:
            self.backoff.throttle() if retry.rate else self.backoff.wait()
        except TimeoutError:
            raise TransientError(f"Google: {retry.why} (gave up after {self.backoff.tries} retries)") from None

    def _translate(self, run: Callable[[], Any]) -> Any:
        from google.auth.exceptions import RefreshError, TransportError
        from googleapiclient.errors import HttpError

        try:
            return run()
        except HttpError as err:
            raise self._http_error(int(err.resp.status), reason_of(err), err) from None
        except RefreshError as err:
            raise AuthError(f"Google refused the token of {self.name}: {str(err.args[0] if err.args else err)[:200]}") from None
        except (TransportError, TimeoutError, ConnectionError, OSError) as err:
            raise _Retry(f"connection problem: {type(err).__name__}: {err}", rate=False) from None

    def _http_error(self, status: int, reason: str, err: Any) -> Exception:
        if is_rate_limit(status, reason):
            return _Retry(f"throttled ({status} {reason or 'Too Many Requests'})", rate=True)
        if status >= 500:
            return _Retry(f"server error {status}", rate=False)
        if status == 401:
            return AuthError(f"Google refused the credentials of {self.name} (401)")
        if status == 404:
            return NotFound(f"404 {reason or 'notFound'}: {err.uri.split('?')[0]}")
        if status == 410:
            return CursorExpired(f"Google answered 410 Gone ({reason or 'fullSyncRequired'}): the sync token expired")
        if status == 403 and reason in SCOPE_REASONS:
            return ScopeMissing(f"Google refused {err.uri.split('?')[0]}: the token lacks a scope it needs (403 {reason})")
        if status == 403:
            return AccountError(f"Google refused access (403 {reason}): check the scopes granted to syncd")
        return AccountError(f"Google answered {status} {reason}")

    def get_many(self, ids: Iterable[str], fmt: str = "raw") -> dict[str, dict[str, Any] | Exception]:
        """``messages.get`` for each id (see :meth:`fetch_many`)."""
        found = self.fetch_many([("messages.get", i) for i in ids], fmt)
        return {key[1]: answer for key, answer in found.items()}

    def _request(self, method: str, ident: str, fmt: str) -> Any:
        if method == "threads.get":
            return self.gmail.threads().get(userId="me", id=ident, format="full")
        return self.gmail.messages().get(userId="me", id=ident, format=fmt)

    def fetch_many(self, items: Iterable[tuple[str, str]], fmt: str = "raw") -> dict[tuple[str, str], dict[str, Any] | Exception]:
        """``messages.get`` (``fmt``) or ``threads.get`` (format=full) for each
        ``(method, id)``, through HTTP batches of at most ``backoff.batch`` (which shrinks
        when Google throttles and grows back), each shrunk further to the quota room left
        this minute (:meth:`Pacer.fit`). Per item: the resource, or the exception for it
        (``NotFound`` when it is gone, ``SyncdError`` when unreadable)."""
        from googleapiclient.http import BatchHttpRequest

        todo = list(dict.fromkeys(items))
        results: dict[tuple[str, str], dict[str, Any] | Exception] = {}
        while todo:
            head = todo[: self.backoff.batch]
            size = self.pacer.fit([self.pacer.cost(method) for method, _ in head])
            chunk, todo = todo[:size], todo[size:]
            answers: dict[str, Any] = {}

            def collect(request_id: str, response: Any, exception: Any, answers: dict[str, Any] = answers) -> None:
                answers[request_id] = exception if exception is not None else response

            batch = BatchHttpRequest(callback=collect, batch_uri=self.batch_uri)
            for number, (method, ident) in enumerate(chunk):
                batch.add(self._request(method, ident, fmt), request_id=str(number))
            self.pacer.take_units(sum(self.pacer.cost(method) for method, _ in chunk), f"a batch of {len(chunk)}")
            try:
                self.requests += 1
                self._translate(partial(batch.execute, http=self.http))
            except _Retry as retry:
                self._wait(retry)
                todo = chunk + todo
                continue
            again: list[tuple[str, str]] = []
            slow_down: _Retry | None = None
            for number, key in enumerate(chunk):
                answer = answers.get(str(number))
                if isinstance(answer, dict):
                    results[key] = answer
                    continue
                problem = self._http_error(int(answer.resp.status), reason_of(answer), answer) if answer is not None else \
                    _Retry("no answer in the batch", rate=False)
                if isinstance(problem, _Retry):
                    again.append(key)
                    slow_down = slow_down if slow_down is not None and slow_down.rate else problem
                else:
                    results[key] = problem
            refused = next((r for r in results.values() if isinstance(r, (AuthError, ScopeMissing))), None)
            if refused is not None:
                raise refused
            if slow_down is not None:
                self._wait(slow_down)
                todo = again + todo
            else:
                self.backoff.success()
        return results


class _Retry(Exception):
    def __init__(self, why: str, rate: bool) -> None:
        super().__init__(why)
        self.why = why
        self.rate = rate
