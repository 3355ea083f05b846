"""A Microsoft Graph emulator on 127.0.0.1, serving the documented shapes.

Follows https://learn.microsoft.com/graph/delta-query-messages (``@odata.nextLink`` ->
... -> ``@odata.deltaLink``, ``@removed``), calendarView delta, JSON ``$batch``,
``createReply``, ``sendMail`` (MIME, base64) and ``$filter`` on ``internetMessageId``,
``conversationId``, ``displayName`` and a single-value extended property - the calls
syncd makes. ``$select`` is honoured (a field the client does not ask for is not sent),
``Prefer: odata.maxpagesize`` and ``outlook.body-content-type`` too.

Faults are queued with :meth:`GraphEmulator.fail`: ``429``/``503`` with a
``Retry-After``, ``410`` (syncStateNotFound), ``401``, or ``"drop"`` (the connection
closes without an answer). Every request is counted (``calls``; requests inside a
``$batch`` are marked inner), and the highest number of requests in flight at once is
kept (``max_in_flight``). Bearer tokens must be in ``tokens`` (the fake authority adds
what it issues).
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
import re
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tests.emulators.graph_state import GraphState
from tests.servers import free_port

Answer = tuple[int, dict[str, str], Any]


@dataclass
class Fault:
    kind: str  # "429", "503", "410", "401", "drop"
    match: str = ""
    times: int = 1
    retry_after: float = 0.0


def _token(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode()


def _untoken(value: str) -> dict[str, Any]:
    return json.loads(base64.urlsafe_b64decode(value.encode()))


def _error(status: int, code: str, message: str) -> Answer:
    return status, {}, {"error": {"code": code, "message": message}}


def _prefer(headers: dict[str, str]) -> dict[str, str]:
    found = {}
    for part in ",".join(v for k, v in headers.items() if k.lower() == "prefer").split(","):
        key, _, value = part.strip().partition("=")
        if key:
            found[key.strip().lower()] = value.strip().strip('"')
    return found


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client killed mid-request (the crash tests) is not the emulator's error


class GraphEmulator:
    def __init__(self, state: GraphState | None = None, port: int | None = None) -> None:
        self.state = state or GraphState()
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}/v1.0"
        self.tokens: set[str] = set()
        self.faults: list[Fault] = []
        self.calls: list[tuple[str, str, bool]] = []  # (method, path, inside a $batch)
        self.latency = 0.0
        self.script: list[tuple[str, dict[str, Any]]] = []  # (URL substring, page): canned answers, used once
        self.in_flight = 0
        self.max_in_flight = 0
        self._count = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # -- lifecycle ------------------------------------------------------------

    def start(self) -> GraphEmulator:
        emulator = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                answer = emulator.handle(self.command, self.path, dict(self.headers.items()), body)
                if answer is None:  # "drop": close without a word
                    self.close_connection = True
                    return
                status, headers, payload = answer
                data = b"" if payload is None else json.dumps(payload).encode()
                self.send_response(status)
                for key, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_DELETE = _any  # noqa: N815

        self._server = _Server(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def fail(self, kind: str, match: str = "", times: int = 1, retry_after: float = 0.0) -> None:
        self.faults.append(Fault(kind, match, times, retry_after))

    def round_trips(self) -> int:
        return sum(1 for _, _, inner in self.calls if not inner)

    def graph_requests(self) -> int:
        """What Graph counts against its limits: every request, each one inside a $batch too."""
        return sum(1 for _, path, inner in self.calls if inner or path != "/$batch")

    # -- dispatch ---------------------------------------------------------------

    def _fault(self, path: str, inner: bool) -> Fault | None:
        with self._count:
            for fault in self.faults:
                if fault.match in path and not (inner and fault.kind == "drop"):
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes, inner: bool = False) -> Answer | None:
        path = urlsplit(target).path
        path = path[len("/v1.0"):] if path.startswith("/v1.0") else path
        with self._count:
            self.calls.append((method, unquote(path), inner))
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.latency:
                time.sleep(self.latency)
            if not inner:
                auth = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
                if not auth.startswith("Bearer ") or auth[7:] not in self.tokens:
                    return _error(401, "InvalidAuthenticationToken", "Access token is empty or invalid.")
            fault = self._fault(unquote(target), inner)
            if fault is not None:
                if fault.kind == "drop":
                    return None
                if fault.kind == "410":
                    return _error(410, "syncStateNotFound", "The sync state generation is not found.")
                status = int(fault.kind)
                extra = {"Retry-After": str(fault.retry_after)} if fault.kind in ("429", "503") else {}
                return status, extra, {"error": {"code": "TooManyRequests" if status == 429 else "Fault", "message": "injected"}}
            for entry in self.script:
                if entry[0] in target:
                    self.script.remove(entry)
                    return 200, {}, json.loads(json.dumps(entry[1]).replace("https://graph.microsoft.com/v1.0", self.base))
            with self.state.lock:
                try:
                    return self.route(method, target, path, headers, body)
                except Exception as err:  # an emulator bug shows as a 500 naming it, not a dropped connection
                    return _error(500, "EmulatorBug", f"{type(err).__name__}: {err}")
        finally:
            with self._count:
                self.in_flight -= 1

    def route(self, method: str, target: str, path: str, headers: dict[str, str], body: bytes) -> Answer:
        query = {k: v[0] for k, v in parse_qs(urlsplit(target).query, keep_blank_values=True).items()}
        path = re.sub(r"mailFolders\('([^']*)'\)", r"mailFolders/\1", path)
        parts = [unquote(p) for p in path.strip("/").split("/")]
        prefer = _prefer(headers)
        if path == "/$batch" and method == "POST":
            return self.batch(json.loads(body))
        if parts[:2] == ["me", "mailFolders"] and len(parts) == 5 and parts[3:] == ["messages", "delta"]:
            return self.message_delta(parts[2], query, prefer)
        if parts == ["me", "mailFolders"]:
            return self.list_folders(query)
        if parts[:2] == ["me", "mailFolders"] and len(parts) == 4 and parts[3] == "messages":
            return self.list_messages(query, folder=parts[2])
        if parts == ["me", "calendarView", "delta"]:
            return self.event_delta(query, prefer)
        if parts == ["me", "sendMail"] and method == "POST":
            self.state.sent.append(base64.b64decode(body))
            return 202, {}, None
        if parts == ["me", "messages"]:
            if method != "POST":
                return self.list_messages(query)
            if any(k.lower() == "content-type" and v.startswith("text/plain") for k, v in headers.items()):
                raw = base64.b64decode(body)  # "create a message in MIME format"
                return self.create_draft({**self.state.from_mime(raw, ("seen", "draft")), "_mime": raw})
            return self.create_draft(json.loads(body))
        if parts[:2] == ["me", "messages"] and len(parts) >= 3:
            return self.one_message(method, parts[2], parts[3:], json.loads(body) if body else {})
        return _error(400, "BadRequest", f"the emulator does not know {method} {path}")

    def batch(self, payload: dict[str, Any]) -> Answer:
        requests = payload.get("requests", [])
        if len(requests) > 20:
            return _error(400, "BadRequest", "a $batch holds at most 20 requests")
        responses = []
        for request in requests:
            body = json.dumps(request["body"]).encode() if "body" in request else b""
            answer = self.handle(request["method"], "/v1.0" + request["url"], request.get("headers", {}), body, inner=True)
            status, extra, payload_out = answer or (503, {}, None)
            responses.append({"id": request["id"], "status": status, "headers": extra, "body": payload_out})
        return 200, {}, {"responses": responses}

    # -- messages -------------------------------------------------------------------

    def render(self, item: dict[str, Any], select: str, expand: str, prefer: dict[str, str]) -> dict[str, Any]:
        fields = [f.strip() for f in select.split(",") if f.strip()]
        shown = {k: v for k, v in item.items() if (not fields or k in fields) and not k.startswith("_")}
        shown.update({"@odata.type": "#microsoft.graph.message", "@odata.etag": f'W/"{hash(json.dumps(shown, sort_keys=True, default=str)) & 0xFFFFFF:x}"', "id": item["id"]})
        if "body" in shown and prefer.get("outlook.body-content-type") != "text" and item["body"]["contentType"] == "text":
            shown["body"] = {"contentType": "html", "content": "<html><body><pre>" + html.escape(item["body"]["content"]) + "</pre></body></html>"}
        wanted = re.findall(r"id eq '([^']+)'", expand) if "singleValueExtendedProperties" in expand else []
        shown.pop("singleValueExtendedProperties", None)
        props = [p for p in item.get("singleValueExtendedProperties", []) if p["id"] in wanted]
        if props:
            shown["singleValueExtendedProperties"] = props
        return shown

    def message_delta(self, folder: str, query: dict[str, str], prefer: dict[str, str]) -> Answer:
        state = self.state
        folder_id = state.folder_id(folder)
        if folder_id is None:
            return _error(404, "ErrorItemNotFound", "The specified folder could not be found.")
        if "$skiptoken" in query or "$deltatoken" in query:
            token = _untoken(query.get("$skiptoken") or query["$deltatoken"])
            if token["e"] != state.epoch or token["f"] != folder_id:
                return _error(410, "syncStateNotFound", "The sync state generation is not found.")
            if "$deltatoken" in query:
                token = {**token, "upto": state.seq, "after": token["since"]}
        else:
            token = {"e": state.epoch, "f": folder_id, "since": 0, "upto": state.seq, "after": 0,
                     "sel": query.get("$select", ""), "exp": query.get("$expand", "")}
        size = int(prefer.get("odata.maxpagesize", 10))
        entries = sorted((seq, mid, present) for mid, (seq, present) in state.log[folder_id].items()
                         if token["after"] < seq <= token["upto"] and (present or token["since"] > 0))
        page, rest = entries[:size], entries[size:]
        value = [self.render(state.messages[mid], token["sel"], token["exp"], prefer) if present
                 else {"@odata.type": "#microsoft.graph.message", "id": mid, "@removed": {"reason": "deleted"}}
                 for _, mid, present in page]
        link = f"{self.base}/me/mailFolders('{folder_id}')/messages/delta"
        if rest:
            return 200, {}, {"value": value, "@odata.nextLink": f"{link}?$skiptoken={_token({**token, 'after': page[-1][0]})}"}
        done = {k: token[k] for k in ("e", "f", "sel", "exp")} | {"since": token["upto"]}
        return 200, {}, {"value": value, "@odata.deltaLink": f"{link}?$deltatoken={_token(done)}"}

    def list_folders(self, query: dict[str, str]) -> Answer:
        match = re.fullmatch(r"displayName eq '(.*)'", query.get("$filter", ""))
        folders = [f for f in self.state.folders.values() if match is None or f["displayName"] == match.group(1).replace("''", "'")]
        return 200, {}, {"value": [{"id": f["id"], "displayName": f["displayName"]} for f in folders]}

    def list_messages(self, query: dict[str, str], folder: str | None = None) -> Answer:
        flt = query.get("$filter", "")
        items = list(self.state.messages.values())
        if folder is not None:
            items = [m for m in items if m["parentFolderId"] == self.state.folder_id(folder)]
        if m := re.fullmatch(r"(internetMessageId|conversationId) eq '(.*)'", flt):
            items = [i for i in items if i.get(m.group(1)) == m.group(2).replace("''", "'")]
        elif m := re.fullmatch(r"singleValueExtendedProperties/any\(ep: ep/id eq '(.+?)' and ep/value eq '(.*)'\)", flt):
            items = [i for i in items if {"id": m.group(1), "value": m.group(2).replace("''", "'")} in i.get("singleValueExtendedProperties", [])]
        elif flt:
            return _error(400, "BadRequest", f"the emulator cannot filter by {flt}")
        top = int(query.get("$top", 10))
        return 200, {}, {"value": [self.render(i, query.get("$select", ""), "", {}) for i in items[:top]]}

    def create_draft(self, body: dict[str, Any]) -> Answer:
        item = {"isDraft": True, "isRead": True, "receivedDateTime": None, "conversationId": self.state.new_id("AAQk"), **body}
        message_id = self.state.add_message(item, "drafts")
        return 201, {}, self.render(self.state.messages[message_id], "", "", {})

    def one_message(self, method: str, message_id: str, rest: list[str], body: dict[str, Any]) -> Answer:
        item = self.state.messages.get(message_id)
        if item is None:
            return _error(404, "ErrorItemNotFound", "The specified object was not found in the store.")
        if method == "POST" and rest == ["createReply"]:
            sender = item.get("from") or item.get("sender")
            draft = {"subject": "RE: " + str(item.get("subject", "")), "conversationId": item.get("conversationId"),
                     "toRecipients": [sender] if sender else [], "isDraft": True, "isRead": True,
                     "replyToInternetMessageId": item.get("internetMessageId"),
                     "body": {"contentType": "html", "content": "<html><body>quoted original</body></html>"}}
            draft_id = self.state.add_message(draft, "drafts")
            return 201, {}, self.state.messages[draft_id]
        if method == "PATCH" and not rest:
            for key, value in body.items():
                if key == "singleValueExtendedProperties":
                    kept = {p["id"]: p for p in item.get(key, [])}
                    kept.update({p["id"]: p for p in value})
                    item[key] = list(kept.values())
                else:
                    item[key] = value
            self.state._touch(message_id)
            return 200, {}, self.render(item, "", "", {})
        if method == "DELETE" and not rest:
            self.state.delete(message_id)
            return 204, {}, None
        if method == "GET" and not rest:
            return 200, {}, self.render(item, "", "", {})
        return _error(400, "BadRequest", f"the emulator does not know {method} messages/{'/'.join(rest)}")

    # -- calendar -------------------------------------------------------------------

    def event_delta(self, query: dict[str, str], prefer: dict[str, str]) -> Answer:
        state = self.state
        if "$skiptoken" in query or "$deltatoken" in query:
            token = _untoken(query.get("$skiptoken") or query["$deltatoken"])
            if token["e"] != state.epoch:
                return _error(410, "syncStateNotFound", "The sync state generation is not found.")
            if "$deltatoken" in query:
                token = {**token, "upto": state.seq, "after": token["since"]}
        else:
            if "startDateTime" not in query or "endDateTime" not in query:
                return _error(400, "ErrorInvalidParameter", "startDateTime and endDateTime are required")
            token = {"e": state.epoch, "s": query["startDateTime"], "n": query["endDateTime"], "since": 0, "upto": state.seq, "after": 0}
        start = dt.datetime.fromisoformat(token["s"].replace("Z", "+00:00"))
        end = dt.datetime.fromisoformat(token["n"].replace("Z", "+00:00"))
        size = int(prefer.get("odata.maxpagesize", 10))
        entries = []
        for event_id, (seq, present) in state.event_log.items():
            if not token["after"] < seq <= token["upto"]:
                continue
            inside = present and state.in_window(state.events[event_id], start, end)
            if inside or token["since"] > 0:
                entries.append((seq, event_id, inside))
        entries.sort()
        page, rest = entries[:size], entries[size:]
        value = [{**state.events[eid], "@odata.type": "#microsoft.graph.event"} if inside
                 else {"@odata.type": "#microsoft.graph.event", "id": eid, "@removed": {"reason": "deleted"}}
                 for _, eid, inside in page]
        link = f"{self.base}/me/calendarView/delta"
        if rest:
            return 200, {}, {"value": value, "@odata.nextLink": f"{link}?$skiptoken={_token({**token, 'after': page[-1][0]})}"}
        done = {k: token[k] for k in ("e", "s", "n")} | {"since": token["upto"]}
        return 200, {}, {"value": value, "@odata.deltaLink": f"{link}?$deltatoken={_token(done)}"}
