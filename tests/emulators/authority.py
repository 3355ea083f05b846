"""A fake Microsoft identity platform (v2.0 endpoints) on https://127.0.0.1, for msal.

msal insists on an https authority and reads its OpenID configuration even with
``instance_discovery=False``; so this server has a self-signed certificate for
127.0.0.1 (tests give msal a session that trusts it) and serves:

* ``GET /{tenant}/v2.0/.well-known/openid-configuration``
* ``POST /{tenant}/oauth2/v2.0/devicecode`` (RFC 8628; ``interval`` 0 so tests do not wait)
* ``POST /{tenant}/oauth2/v2.0/token``: the device code answers ``authorization_pending``
  once, then tokens; a refresh token answers new tokens, or ``invalid_grant`` once
  :meth:`FakeAuthority.expire_refresh_tokens` was called.

Tokens carry ``scope``, an unsigned ``id_token`` whose ``tid`` is the tenant, and
``client_info``, as msal expects. Access tokens it issues are handed to ``on_token``
(the Graph emulator's accepted set).
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from tests.servers import TlsFiles, free_port

TENANT = "0f8e1a6c-2d3b-4c5d-9e7f-a1b2c3d4e5f6"
USER_OID = "5a4c3b2a-1f0e-4d9c-8b7a-665544332211"
SCOPE = "Mail.ReadWrite Mail.Send Calendars.Read openid profile offline_access"


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


class FakeAuthority:
    def __init__(self, tls: TlsFiles, username: str = "me@contoso.example", on_token: Callable[[str], None] | None = None) -> None:
        self.tls = tls
        self.port = free_port()
        self.url = f"https://127.0.0.1:{self.port}"
        self.username = username
        self.on_token = on_token or (lambda token: None)
        self.expires_in = 3600
        self.grants: list[str] = []  # grant types asked for, in order
        self.refresh_tokens: set[str] = set()
        self._pending: set[str] = set()
        self._server: ThreadingHTTPServer | None = None

    @property
    def cafile(self) -> Path:
        return self.tls.cert

    def expire_refresh_tokens(self) -> None:
        self.refresh_tokens.clear()

    def start(self) -> FakeAuthority:
        authority = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802
                tenant, _, rest = self.path.lstrip("/").partition("/")
                if rest.startswith("v2.0/.well-known/openid-configuration"):
                    self._send(200, authority.openid(tenant))
                else:
                    self._send(404, {"error": "not_found"})

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                tenant, _, rest = self.path.lstrip("/").partition("/")
                if rest.startswith("oauth2/v2.0/devicecode"):
                    self._send(200, authority.device_code())
                elif rest.startswith("oauth2/v2.0/token"):
                    self._send(*authority.token(tenant, form))
                else:
                    self._send(404, {"error": "not_found"})

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self._server.socket = self.tls.server_context().wrap_socket(self._server.socket, server_side=True)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def openid(self, tenant: str) -> dict[str, Any]:
        base = f"{self.url}/{tenant}"
        return {
            "issuer": f"{base}/v2.0", "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "token_endpoint": f"{base}/oauth2/v2.0/token", "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
            "jwks_uri": f"{base}/discovery/v2.0/keys", "response_types_supported": ["code"],
        }

    def device_code(self) -> dict[str, Any]:
        code = secrets.token_urlsafe(16)
        self._pending.add(code)
        return {"device_code": code, "user_code": "FAKE-CODE", "verification_uri": "https://microsoft.com/devicelogin",
                "expires_in": 900, "interval": 0,
                "message": "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code FAKE-CODE to authenticate."}

    def token(self, tenant: str, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        grant = form.get("grant_type", "")
        self.grants.append(grant)
        if grant.endswith("device_code"):
            code = form.get("device_code", "")
            if code in self._pending:
                self._pending.discard(code)  # the user has not finished signing in yet
                return 400, {"error": "authorization_pending", "error_description": "AADSTS70016: pending"}
        elif grant == "refresh_token":
            if form.get("refresh_token") not in self.refresh_tokens:
                return 400, {"error": "invalid_grant", "error_description": "AADSTS700082: The refresh token has expired due to inactivity."}
            self.refresh_tokens.discard(form["refresh_token"])
        else:
            return 400, {"error": "unsupported_grant_type"}
        return 200, self.tokens(tenant, form.get("client_id", ""))

    def tokens(self, tenant: str, client_id: str) -> dict[str, Any]:
        access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        self.refresh_tokens.add(refresh)
        self.on_token(access)
        now = int(time.time())
        claims = {"iss": f"{self.url}/{TENANT}/v2.0", "aud": client_id, "tid": TENANT, "oid": USER_OID, "sub": USER_OID,
                  "preferred_username": self.username, "name": "Test User", "iat": now, "nbf": now, "exp": now + 3600, "ver": "2.0"}
        return {
            "token_type": "Bearer", "scope": SCOPE, "expires_in": self.expires_in, "ext_expires_in": self.expires_in,
            "access_token": access, "refresh_token": refresh,
            "id_token": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}.",
            "client_info": _b64({"uid": USER_OID, "utid": TENANT}),
        }
