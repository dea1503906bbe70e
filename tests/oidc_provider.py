"""A real OpenID Connect provider for the single sign-on tests, run as its own process on loopback:

    python tests/oidc_provider.py PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI

Authlib's authorization server (authorization code grant, PKCE, the OpenID Connect code flow) on a
plain WSGI app (wsgiref): discovery at /.well-known/openid-configuration, its JWKS at /jwks, a sign-in
page at /authorize (username and password), /token and /userinfo. ID tokens are RS256, signed with a
2048-bit key made at start.

For the tests, two control endpoints (JSON POSTs):
- /test/users: {"username": {"password": …, "claims": {…}}, …}, the provider's accounts
  (the claims are what the ID token and userinfo say about the person, besides "sub");
- /test/mode: {"mode": …}, how the next ID tokens are made: "good"; "wrong-key" (signed with a key
  the JWKS does not hold, under the published key's kid); "replay" (the ID token issued before,
  with its old nonce, instead of a new one); "expired"; "wrong-audience" (for another client).
"""

import json
import secrets
import sys
import time
from urllib.parse import parse_qsl, urlencode
from wsgiref.simple_server import WSGIRequestHandler, make_server

from authlib.oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, OAuth2Error, OAuth2Request
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import AuthorizationCodeMixin
from authlib.oidc.core.grants import OpenIDCode
from joserfc.jwk import KeySet, RSAKey

MODES = {"good", "wrong-key", "replay", "expired", "wrong-audience"}


class Client(ClientMixin):
    def __init__(self, client_id, client_secret, redirect_uri):
        self.client_id, self.client_secret, self.redirect_uri = (
            client_id,
            client_secret,
            redirect_uri,
        )

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uri

    def get_allowed_scope(self, scope):
        return " ".join(s for s in scope.split() if s in ("openid", "profile", "email"))

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri == self.redirect_uri

    def check_client_secret(self, client_secret):
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


class Code(AuthorizationCodeMixin):
    def __init__(self, **fields):
        self.__dict__.update(fields)
        self.issued = time.time()

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return int(self.issued)

    def is_expired(self):
        return time.time() - self.issued > 300


class Provider:
    def __init__(self, issuer, client):
        self.issuer, self.client = issuer, client
        self.key = RSAKey.generate_key(
            2048, parameters={"kid": "signing-1", "use": "sig", "alg": "RS256"}
        )
        self.rogue_key = RSAKey.generate_key(2048, parameters={"kid": "signing-1"})
        self.users: dict[str, dict] = {}
        self.mode = "good"
        self.codes: dict[str, Code] = {}
        self.tokens: dict[str, str] = {}  # access token -> username
        self.nonces: set[str] = set()
        self.last_id_token = None
        self.server = self._server()

    def _server(self):
        provider = self

        class Server(AuthorizationServer):
            def query_client(self, client_id):
                return provider.client if client_id == provider.client.client_id else None

            def save_token(self, token, request):
                provider.tokens[token["access_token"]] = request.user

            def create_oauth2_request(self, request):
                return request

            def handle_response(self, status, body, headers):
                if isinstance(body, dict):
                    body = json.dumps(body)
                return status, body, headers

            def send_signal(self, name, *args, **kwargs):
                pass

        class Grant(AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

            def save_authorization_code(self, code, request):
                data = request.payload.data
                provider.codes[code] = Code(
                    code=code,
                    client_id=request.client.client_id,
                    redirect_uri=data.get("redirect_uri"),
                    scope=request.client.get_allowed_scope(data.get("scope", "")),
                    user=request.user,
                    nonce=data.get("nonce"),
                    code_challenge=data.get("code_challenge"),
                    code_challenge_method=data.get("code_challenge_method"),
                )
                if data.get("nonce"):
                    provider.nonces.add(data["nonce"])

            def query_authorization_code(self, code, client):
                found = provider.codes.get(code)
                if found and found.client_id == client.client_id and not found.is_expired():
                    return found
                return None

            def delete_authorization_code(self, authorization_code):
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code):
                return authorization_code.user

        class IdToken(OpenIDCode):
            def exists_nonce(self, nonce, request):
                return nonce in provider.nonces

            def resolve_client_private_key(self, client):
                return provider.rogue_key if provider.mode == "wrong-key" else provider.key

            def get_client_algorithm(self, client):
                return "RS256"

            def get_encode_header(self, client):
                return {"alg": "RS256", "kid": "signing-1"}

            def get_client_claims(self, client):
                now = int(time.time())
                expires = now - 600 if provider.mode == "expired" else now + 300
                audience = (
                    "another-application"
                    if provider.mode == "wrong-audience"
                    else client.get_client_id()
                )
                return {
                    "iss": provider.issuer,
                    "aud": [audience],
                    "iat": now - (900 if provider.mode == "expired" else 0),
                    "exp": expires,
                }

            def generate_user_info(self, user, scope):
                return {"sub": f"sub-{user}", **provider.users[user]["claims"]}

            def encode_id_token(self, token, request):
                if provider.mode == "replay" and provider.last_id_token:
                    return provider.last_id_token
                id_token = super().encode_id_token(token, request)
                provider.last_id_token = id_token
                return id_token

        server = Server()
        server.register_token_generator(
            "default", BearerTokenGenerator(lambda *args, **kwargs: secrets.token_urlsafe(32))
        )
        server.register_grant(Grant, [IdToken(require_nonce=True), CodeChallenge(required=False)])
        return server

    # --- the WSGI app ---

    def __call__(self, environ, start_response):
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        query = dict(parse_qsl(environ.get("QUERY_STRING", "")))
        body = b""
        if method == "POST":
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        routes = {
            "/.well-known/openid-configuration": self.discovery,
            "/jwks": self.jwks,
            "/authorize": self.authorize,
            "/token": self.token,
            "/userinfo": self.userinfo,
            "/test/users": self.set_users,
            "/test/mode": self.set_mode,
        }
        handler = routes.get(path)
        if handler is None:
            status, content, headers = 404, "not found", [("Content-Type", "text/plain")]
        else:
            status, content, headers = handler(method, environ, query, body)
        start_response(f"{status} {'OK' if status < 400 else 'Error'}", list(headers))
        return [content.encode() if isinstance(content, str) else content]

    def _request(self, method, environ, query, body):
        form = dict(parse_qsl(body.decode())) if method == "POST" else {}
        uri = f"{self.issuer}{environ.get('PATH_INFO', '')}"
        if environ.get("QUERY_STRING"):
            uri += "?" + environ["QUERY_STRING"]
        headers = {
            key[5:].replace("_", "-").title(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]

        class Request(OAuth2Request):
            @property
            def args(self):
                return query

            @property
            def form(self):
                return form

        request = Request(method, uri, headers=headers)
        request.payload = BasicOAuth2Payload({**query, **form})
        return request

    @staticmethod
    def _json(data, status=200):
        return status, json.dumps(data), [("Content-Type", "application/json")]

    def discovery(self, method, environ, query, body):
        return self._json(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "userinfo_endpoint": f"{self.issuer}/userinfo",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "scopes_supported": ["openid", "profile", "email"],
                "token_endpoint_auth_methods_supported": [
                    "client_secret_post",
                    "client_secret_basic",
                ],
                "code_challenge_methods_supported": ["S256"],
            }
        )

    def jwks(self, method, environ, query, body):
        return self._json(KeySet([self.key]).as_dict(private=False))

    def authorize(self, method, environ, query, body):
        request = self._request(method, environ, query, body)
        try:
            grant = self.server.get_consent_grant(request)
        except OAuth2Error as error:
            return (
                400,
                f"refused: {error.error}: {error.description}",
                [("Content-Type", "text/plain")],
            )
        fault = ""
        if method == "POST":
            username, password = request.form.get("username", ""), request.form.get("password", "")
            account = self.users.get(username)
            if account and secrets.compare_digest(account["password"], password):
                return self.server.create_authorization_response(
                    request, grant_user=username, grant=grant
                )
            fault = "<p role='alert'>Wrong username or password.</p>"
        page = (
            f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Government sign-in</title></head>"
            f"<body><h1>Government sign-in</h1>{fault}<form method='post' action='/authorize?{urlencode(query)}'>"
            "<label>Username <input name='username'></label> <label>Password <input name='password' type='password'>"
            "</label> <button type='submit'>Sign in</button></form></body></html>"
        )
        return 200, page, [("Content-Type", "text/html; charset=utf-8")]

    def token(self, method, environ, query, body):
        return self.server.create_token_response(self._request(method, environ, query, body))

    def userinfo(self, method, environ, query, body):
        authorization = environ.get("HTTP_AUTHORIZATION", "")
        user = (
            self.tokens.get(authorization.removeprefix("Bearer "))
            if authorization.startswith("Bearer ")
            else None
        )
        if user is None:
            return self._json({"error": "invalid_token"}, 401)
        return self._json({"sub": f"sub-{user}", **self.users[user]["claims"]})

    def set_users(self, method, environ, query, body):
        self.users = json.loads(body)
        return self._json({"users": len(self.users)})

    def set_mode(self, method, environ, query, body):
        mode = json.loads(body)["mode"]
        if mode not in MODES:
            return self._json({"error": f"unknown mode {mode}"}, 400)
        self.mode = mode
        return self._json({"mode": mode})


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def main(port, client_id, client_secret, redirect_uri):
    issuer = f"http://127.0.0.1:{port}"
    provider = Provider(issuer, Client(client_id, client_secret, redirect_uri))
    with make_server("127.0.0.1", int(port), provider, handler_class=QuietHandler) as server:
        server.serve_forever()


if __name__ == "__main__":
    main(*sys.argv[1:5])
