"""A local Google emulator on 127.0.0.1: Gmail v1, Calendar v3, the OAuth token endpoint.

Enough of the real APIs for syncd's connector, with the documented shapes (see
``google_state``) and behaviours:

* ``GET  gmail/v1/users/me/profile``, ``messages`` (list, newest first; ``q`` understands
  ``rfc822msgid:``, ``-in:drafts``, ``newer_than:Nd`` and a ``(from:a OR to:a OR cc:a …)``
  group), ``messages/{id}`` (format raw | full | metadata | minimal), ``threads/{id}``
  (the conversation's messages, oldest first, format full | metadata | minimal), ``history`` (404 for a historyId too old),
  ``drafts`` (create, list with ``q=rfc822msgid:``, get, delete), ``messages/send``;
* ``POST batch/gmail/v1``: the HTTP batch endpoint (multipart/mixed of application/http
  parts, answered part by part with ``Content-ID: <response-…>``), each part counted and
  faulted like the same call made alone;
* ``GET  calendar/v3/calendars/{id}/events`` with ``syncToken`` (410 when stale);
* ``POST token``: refresh_token and authorization_code grants; revoked refresh tokens get
  ``400 invalid_grant``; ``GET auth`` redirects to the loopback with a code (the consent page).

Every API call needs a Bearer token this endpoint issued (401 otherwise), issued with
the scopes in ``granted``: a Calendar call without ``calendar.readonly`` (unticked at
consent) gets Google's 403 ``insufficientPermissions``. Faults are
injected per call name (``messages.get``, ``history.list``, ``events.list``, ``batch``,
``token``…): a status and reason for the next N calls, or a delay. ``calls`` counts API
calls by name (batch parts included), ``http_requests`` counts HTTP round trips, and
``units()`` prices the calls with Gmail's quota table.
"""

from __future__ import annotations

import collections
import email
import email.policy
import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from tests.emulators.google_state import CalendarState, GmailState, unb64

# Gmail's per-method quota units (developers.google.com/gmail/api/reference/quota);
# messages.get and history.list as the issue gives them for new projects.
UNITS = {"messages.get": 20, "threads.get": 10, "history.list": 2, "messages.list": 5, "profile": 1, "drafts.create": 10,
         "drafts.list": 5, "drafts.get": 5, "drafts.delete": 10, "messages.send": 100}


@dataclass
class Fault:
    name: str
    status: int = 0
    reason: str = ""
    times: int = 1
    delay: float = 0.0


@dataclass
class Response:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)

    def encoded(self) -> bytes:
        if self.body is None:
            return b""
        return self.body if isinstance(self.body, bytes) else json.dumps(self.body).encode()


def _error(status: int, reason: str, message: str = "") -> Response:
    text = {"rateLimitExceeded": "Rate Limit Exceeded", "userRateLimitExceeded": "User-rate limit exceeded"}.get(reason, message or reason)
    return Response(status, {"error": {"code": status, "message": text, "errors": [{"domain": "usageLimits" if "ate" in reason else "global",
                                                                                   "reason": reason, "message": text}]}})


class GoogleEmulator:
    def __init__(self) -> None:
        self.gmail = GmailState()
        self.calendar = CalendarState()
        self.faults: list[Fault] = []
        self.calls: collections.Counter[str] = collections.Counter()
        self.http_requests = 0
        self.batch_sizes: list[int] = []
        self.valid_tokens: dict[str, frozenset[str]] = {}  # access token -> the scopes it was issued with
        self.revoked: set[str] = set()
        self.refreshes = 0
        self.granted = ["gmail.readonly", "gmail.compose", "calendar.readonly"]
        self._tokens = itertools.count(1)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self.base = ""

    # -- lifecycle -------------------------------------------------------------------

    def start(self) -> GoogleEmulator:
        emulator = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with emulator._lock:
                    emulator.http_requests += 1
                reply = emulator.handle(method, self.path, dict(self.headers.items()), body)
                data = reply.encoded()
                self.send_response(reply.status)
                headers = {"Content-Type": "application/json; charset=UTF-8", **reply.headers}
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def do_DELETE(self) -> None:
                self._serve("DELETE")

            def do_PUT(self) -> None:
                self._serve("PUT")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}/"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # -- test helpers ------------------------------------------------------------------

    def fail(self, name: str, status: int = 0, reason: str = "", times: int = 1, delay: float = 0.0) -> None:
        self.faults.append(Fault(name, status, reason, times, delay))

    def units(self, costs: dict[str, int] | None = None) -> int:
        table = {**UNITS, **(costs or {})}
        return sum(table.get(name, 0) * n for name, n in self.calls.items())

    def reset_counts(self) -> None:
        self.calls.clear()
        self.http_requests = 0
        self.batch_sizes.clear()

    def expire_tokens(self) -> None:
        """Every access token issued so far expires (the client must refresh)."""
        self.valid_tokens.clear()

    def _fault(self, name: str) -> Response | None:
        with self._lock:
            fault = next((f for f in self.faults if f.name == name and f.times > 0), None)
            if fault is None:
                return None
            fault.times -= 1
        if fault.delay:
            time.sleep(fault.delay)
        if fault.status:
            return _error(fault.status, fault.reason or "backendError")
        return None

    # -- dispatch ----------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Response:
        url = urlsplit(target)
        path = url.path.lstrip("/")
        params = dict(parse_qsl(url.query))
        if path == "token":
            return self._token(dict(parse_qsl(body.decode())))
        if path == "auth":
            redirect = params.get("redirect_uri", "")
            query = urlencode({"code": "consent-code", "state": params.get("state", ""), "scope": params.get("scope", "")})
            return Response(302, b"", {"Location": f"{redirect}?{query}"})
        lowered = {k.lower(): v for k, v in headers.items()}
        token = lowered.get("authorization", "").removeprefix("Bearer ")
        if token not in self.valid_tokens:
            return Response(401, {"error": {"code": 401, "message": "Request had invalid authentication credentials.",
                                            "status": "UNAUTHENTICATED"}})
        if path.startswith("calendar/") and not {"calendar.readonly", "calendar"} & self.valid_tokens[token]:
            with self._lock:
                self.calls["events.list"] += 1
            return Response(403, {"error": {"code": 403, "message": "Request had insufficient authentication scopes.",
                                            "errors": [{"message": "Insufficient Permission", "domain": "global",
                                                        "reason": "insufficientPermissions"}], "status": "PERMISSION_DENIED"}},
                            {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/", error="insufficient_scope"'})
        if path == "batch/gmail/v1" and method == "POST":
            return self._batch(lowered.get("content-type", ""), body, headers)
        name, reply = self._route(method, path, params, body)
        with self._lock:
            self.calls[name] += 1
        return self._fault(name) or reply

    def _token(self, form: dict[str, str]) -> Response:
        with self._lock:
            self.calls["token"] += 1
        faulted = self._fault("token")
        if faulted is not None:
            return faulted
        grant = form.get("grant_type")
        refresh = form.get("refresh_token", "")
        if grant == "refresh_token" and (refresh in self.revoked or not refresh):
            return Response(400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."})
        if grant not in ("refresh_token", "authorization_code"):
            return Response(400, {"error": "unsupported_grant_type"})
        if grant == "authorization_code" and form.get("code") != "consent-code":
            return Response(400, {"error": "invalid_grant", "error_description": "Malformed auth code."})
        access = f"ya29.emulated-{next(self._tokens)}"
        self.valid_tokens[access] = frozenset(self.granted)
        self.refreshes += grant == "refresh_token"
        reply = {"access_token": access, "expires_in": 3599, "token_type": "Bearer",
                 "scope": " ".join(f"https://www.googleapis.com/auth/{s}" for s in self.granted)}
        if grant == "authorization_code":
            reply["refresh_token"] = "1//emulated-refresh"
        return Response(200, reply)

    def _route(self, method: str, path: str, params: dict[str, str], body: bytes) -> tuple[str, Response]:
        gm = self.gmail
        if m := re.fullmatch(r"calendar/v3/calendars/([^/]+)/events", path):
            status, data = self.calendar.listing(params)
            return "events.list", Response(status, data)
        m = re.fullmatch(r"gmail/v1/users/me/(.*)", path)
        rest = m.group(1) if m else ""
        if rest == "profile":
            return "profile", Response(200, {"emailAddress": gm.address, "messagesTotal": len(gm.messages),
                                             "threadsTotal": len(gm.messages), "historyId": str(gm.history_id)})
        if rest == "messages" and method == "GET":
            limit = min(int(params.get("maxResults") or 100), 500)
            spam = params.get("includeSpamTrash") == "true"
            return "messages.list", Response(200, gm.listing(params.get("pageToken"), limit, spam, params.get("q", "")))
        if rest == "messages/send" and method == "POST":
            return "messages.send", Response(200, gm.send(unb64(json.loads(body)["raw"])))
        if (m := re.fullmatch(r"messages/([0-9a-f]+)", rest)) and method == "GET":
            stored = gm.messages.get(m.group(1))
            if stored is None:
                return "messages.get", _error(404, "notFound", "Requested entity was not found.")
            return "messages.get", Response(200, stored.resource(params.get("format", "full")))
        if (m := re.fullmatch(r"threads/([0-9a-f]+)", rest)) and method == "GET":
            found = gm.thread(m.group(1), params.get("format", "full"))
            if found is None:
                return "threads.get", _error(404, "notFound", "Requested entity was not found.")
            return "threads.get", Response(200, found)
        if rest == "history":
            found = gm.history_since(int(params.get("startHistoryId", "0")), params.get("pageToken"),
                                     min(int(params.get("maxResults") or 100), 500))
            if found is None:
                return "history.list", _error(404, "notFound", "Requested entity was not found.")
            return "history.list", Response(200, found)
        if rest == "drafts" and method == "POST":
            message = json.loads(body)["message"]
            return "drafts.create", Response(200, gm.create_draft(unb64(message["raw"]), message.get("threadId", "")))
        if rest == "drafts" and method == "GET":
            query = params.get("q", "")
            wanted = query.split(":", 1)[1].strip().strip("<>") if query.startswith("rfc822msgid:") else None
            found = [{"id": d, "message": {"id": mid, "threadId": gm.messages[mid].thread_id}}
                     for d, mid in gm.drafts.items()
                     if mid in gm.messages and (wanted is None or gm.messages[mid].message_id.strip("<>") == wanted)]
            return "drafts.list", Response(200, {"drafts": found, "resultSizeEstimate": len(found)} if found else {"resultSizeEstimate": 0})
        if m := re.fullmatch(r"drafts/([^/]+)", rest):
            if method == "DELETE":
                done = gm.delete_draft(m.group(1))
                return "drafts.delete", Response(204) if done else _error(404, "notFound", "Requested entity was not found.")
            mid = gm.drafts.get(m.group(1))
            if mid is None or mid not in gm.messages:
                return "drafts.get", _error(404, "notFound", "Requested entity was not found.")
            return "drafts.get", Response(200, {"id": m.group(1), "message": gm.messages[mid].resource(params.get("format", "full"))})
        return "unknown", _error(404, "notFound", f"no such endpoint: {method} {path}")

    def _batch(self, content_type: str, body: bytes, headers: dict[str, str]) -> Response:
        """Answer a multipart/mixed batch part by part (each an application/http request)."""
        outer = self._fault("batch")
        if outer is not None:
            return outer
        envelope = email.message_from_bytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body, policy=email.policy.compat32)
        parts = envelope.get_payload()
        assert isinstance(parts, list)
        with self._lock:
            self.batch_sizes.append(len(parts))
        if len(parts) > 100:
            return _error(400, "badRequest", "Too many requests in a batch")
        boundary = "batch_emulated_boundary"
        chunks: list[bytes] = []
        for part in parts:
            raw = part.get_payload(decode=False)
            assert isinstance(raw, str)
            request_line, _, rest = raw.partition("\n")
            inner_method, inner_target, _ = request_line.strip().split(" ", 2)
            head, _, inner_body = rest.replace("\r\n", "\n").partition("\n\n")
            inner_headers = dict(line.split(": ", 1) for line in head.splitlines() if ": " in line)
            inner_headers.setdefault("authorization", headers.get("authorization", headers.get("Authorization", "")))
            reply = self.handle(inner_method, inner_target, inner_headers, inner_body.encode())
            content_id = part.get("Content-ID", "<x+0>")
            status_text = {200: "OK", 204: "No Content", 404: "Not Found", 429: "Too Many Requests"}.get(reply.status, "Error")
            chunks.append(
                f"--{boundary}\r\nContent-Type: application/http\r\nContent-ID: <response-{content_id.strip('<>')}>\r\n\r\n"
                f"HTTP/1.1 {reply.status} {status_text}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n".encode()
                + reply.encoded() + b"\r\n"
            )
        data = b"".join(chunks) + f"--{boundary}--\r\n".encode()
        return Response(200, data, {"Content-Type": f"multipart/mixed; boundary={boundary}"})
