"""Byte-level tests of server-side password authentication (``server/auth.py``).

The SCRAM client below is written from RFC 5802/7677, independently of the server code; the RFC
7677 example exchange is replayed byte for byte. libpq (through psycopg's binary package) builds
verifiers that the server must accept, when it is importable.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from engine.errors import SqlError, SqlState
from server import auth
from server.auth import (
    Authenticator,
    AuthMethod,
    ScramVerifier,
    UserCredentials,
    UserStore,
    parse_auth_method,
    parse_users,
    scram_verifier,
)

PASSWORD = "s3cret-Pa55word"
RFC_SALT = base64.b64decode("W22ZaJ0SNY7soEsUEjb6gQ==")
RFC_CLIENT_NONCE = "rOprNGfwEbeRWgbNEkqO"
RFC_SERVER_NONCE = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"


# --- a SCRAM-SHA-256 client from the RFCs ------------------------------------------------


def _hmac(key: bytes, msg: bytes) -> bytes:
    return hmac.new(key, msg, hashlib.sha256).digest()


class ScramClient:
    """The client side of RFC 5802 with SHA-256 (RFC 7677), no channel binding, ASCII only."""

    def __init__(
        self, password: str, *, nonce: str = "fyko+d2lbbFgONRv9qkxdawL", gs2: str = "n,,"
    ) -> None:
        self.password = password.encode()
        self.nonce = nonce
        self.gs2 = gs2
        self.client_first_bare = f"n=,r={nonce}"
        self.server_signature = b""

    def client_first(self) -> bytes:
        return (self.gs2 + self.client_first_bare).encode()

    def initial_response(self) -> bytes:
        payload = self.client_first()
        return b"SCRAM-SHA-256\0" + struct.pack("!i", len(payload)) + payload

    def client_final(self, server_first: bytes, *, cbind: str | None = None) -> bytes:
        text = server_first.decode()
        attrs = dict(a.split("=", 1) for a in text.split(","))
        assert attrs["r"].startswith(self.nonce)
        salt = base64.b64decode(attrs["s"])
        salted = hashlib.pbkdf2_hmac("sha256", self.password, salt, int(attrs["i"]))
        client_key = _hmac(salted, b"Client Key")
        stored_key = hashlib.sha256(client_key).digest()
        if cbind is None:
            cbind = base64.b64encode(self.gs2.encode()).decode()
        without_proof = f"c={cbind},r={attrs['r']}"
        auth_message = f"{self.client_first_bare},{text},{without_proof}".encode()
        signature = _hmac(stored_key, auth_message)
        proof = bytes(a ^ b for a, b in zip(client_key, signature, strict=True))
        self.server_signature = _hmac(_hmac(salted, b"Server Key"), auth_message)
        return f"{without_proof},p={base64.b64encode(proof).decode()}".encode()


def messages(data: bytes) -> list[tuple[int, bytes]]:
    """Split backend bytes into (authentication code, payload) pairs, checking the framing."""
    out: list[tuple[int, bytes]] = []
    pos = 0
    while pos < len(data):
        assert data[pos : pos + 1] == b"R"
        (length,) = struct.unpack_from("!i", data, pos + 1)
        body = data[pos + 5 : pos + 1 + length]
        assert len(body) == length - 4
        (code,) = struct.unpack_from("!i", body)
        out.append((code, body[4:]))
        pos += 1 + length
    return out


def only(data: bytes | None) -> tuple[int, bytes]:
    assert data is not None
    [message] = messages(data)
    return message


def password_message(password: str | bytes) -> bytes:
    raw = password.encode() if isinstance(password, str) else password
    return raw + b"\0"


def md5_response(password: str, user: str, salt: bytes) -> bytes:
    inner = hashlib.md5((password + user).encode()).hexdigest()
    return password_message("md5" + hashlib.md5(inner.encode() + salt).hexdigest())


@pytest.fixture
def store() -> UserStore:
    return UserStore(
        [
            UserCredentials.from_password("alice", PASSWORD),
            UserCredentials.from_secret("scrammy", scram_verifier(PASSWORD)),
            UserCredentials.from_secret(
                "oldie", "md5" + hashlib.md5((PASSWORD + "oldie").encode()).hexdigest()
            ),
        ]
    )


def scram_login(store: UserStore, user: str, client: ScramClient) -> bytes:
    """Run a SCRAM exchange up to the client-final step; returns what that step replies."""
    a = Authenticator(AuthMethod.SCRAM, user, store, secure_channel=False)
    assert only(a.start()) == (auth.AUTH_SASL, b"SCRAM-SHA-256\0\0")
    code, server_first = only(a.step(client.initial_response()))
    assert code == auth.AUTH_SASL_CONTINUE
    reply = a.step(client.client_final(server_first))
    assert a.done
    return reply


def failure(excinfo: pytest.ExceptionInfo[SqlError]) -> tuple[str, str, str]:
    err = excinfo.value
    return err.sqlstate, err.severity, err.message


def auth_failed(user: str) -> tuple[str, str, str]:
    return (
        SqlState.INVALID_PASSWORD,
        "FATAL",
        f'password authentication failed for user "{user}"',
    )


# --- SCRAM ---------------------------------------------------------------------------------


def test_rfc7677_example_exchange_byte_for_byte(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth, "_server_nonce", lambda: RFC_SERVER_NONCE)
    verifier = ScramVerifier.from_password("pencil", salt=RFC_SALT, iterations=4096)
    store = UserStore([UserCredentials("user", scram=verifier)])
    a = Authenticator(AuthMethod.SCRAM, "user", store, secure_channel=False)
    a.start()
    initial = b"n,,n=user,r=" + RFC_CLIENT_NONCE.encode()
    reply = a.step(b"SCRAM-SHA-256\0" + struct.pack("!i", len(initial)) + initial)
    assert only(reply) == (
        auth.AUTH_SASL_CONTINUE,
        b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
    )
    client_final = (
        b"c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
        b"p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
    )
    assert messages(a.step(client_final)) == [
        (auth.AUTH_SASL_FINAL, b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="),
        (0, b""),
    ]
    assert a.done


def test_rfc7677_proof_from_the_test_client(monkeypatch: pytest.MonkeyPatch) -> None:
    # The test client itself reproduces the RFC's ClientProof, so the other tests can trust it.
    client = ScramClient("pencil", nonce=RFC_CLIENT_NONCE)
    client.client_first_bare = f"n=user,r={RFC_CLIENT_NONCE}"
    server_first = (
        f"r={RFC_CLIENT_NONCE}{RFC_SERVER_NONCE},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096".encode()
    )
    final = client.client_final(server_first)
    assert final.endswith(b",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")
    assert base64.b64encode(client.server_signature) == (
        b"6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="
    )


@pytest.mark.parametrize("user", ["alice", "scrammy"])
def test_scram_success_ends_with_final_then_ok(store: UserStore, user: str) -> None:
    client = ScramClient(PASSWORD)
    reply = scram_login(store, user, client)
    assert messages(reply) == [
        (auth.AUTH_SASL_FINAL, b"v=" + base64.b64encode(client.server_signature)),
        (0, b""),
    ]


def test_scram_server_first_uses_stored_salt_and_a_fresh_nonce(store: UserStore) -> None:
    creds = store.get("alice")
    assert creds is not None and creds.scram is not None
    nonces = set()
    for _ in range(2):
        a = Authenticator(AuthMethod.SCRAM, "alice", store, secure_channel=False)
        a.start()
        _, server_first = only(a.step(ScramClient(PASSWORD, nonce="abc").initial_response()))
        r, s, i = server_first.decode().split(",")
        assert r.startswith("r=abc") and len(r) > len("r=abc") + 20
        assert s == "s=" + base64.b64encode(creds.scram.salt).decode()
        assert i == "i=4096"
        nonces.add(r)
    assert len(nonces) == 2


def test_scram_wrong_password_fails_after_client_final(store: UserStore) -> None:
    a = Authenticator(AuthMethod.SCRAM, "alice", store, secure_channel=False)
    a.start()
    client = ScramClient("wrong password")
    _, server_first = only(a.step(client.initial_response()))
    with pytest.raises(SqlError) as excinfo:
        a.step(client.client_final(server_first))
    assert failure(excinfo) == auth_failed("alice")
    assert not a.done
    with pytest.raises(SqlError) as again:  # a failed exchange stays failed
        a.step(client.client_final(server_first))
    assert again.value.sqlstate == SqlState.PROTOCOL_VIOLATION


@pytest.mark.parametrize("user", ["nobody", "oldie"])  # unknown; known only by an md5 secret
def test_scram_without_a_verifier_runs_the_full_exchange_then_fails(
    store: UserStore, user: str
) -> None:
    def server_first_for(name: str) -> str:
        a = Authenticator(AuthMethod.SCRAM, name, store, secure_channel=False)
        assert only(a.start()) == (auth.AUTH_SASL, b"SCRAM-SHA-256\0\0")
        client = ScramClient(PASSWORD)
        code, server_first = only(a.step(client.initial_response()))
        assert code == auth.AUTH_SASL_CONTINUE
        with pytest.raises(SqlError) as excinfo:
            a.step(client.client_final(server_first))
        assert failure(excinfo) == auth_failed(name)
        return server_first.decode()

    first = server_first_for(user).split(",")
    second = server_first_for(user).split(",")
    other = server_first_for(user + "2").split(",")
    salt = first[1].removeprefix("s=")
    assert len(base64.b64decode(salt)) == auth.SCRAM_SALT_LENGTH
    assert first[1] == second[1]  # same fake salt every time, as a real user's would be
    assert first[1] != other[1]
    assert first[2] == "i=4096"
    assert first[0] != second[0]  # the nonce still changes


def test_mock_salt_differs_between_stores() -> None:
    assert UserStore().mock_scram_verifier("x").salt != UserStore().mock_scram_verifier("x").salt


def test_scram_gs2_y_flag_is_accepted_with_matching_binding(store: UserStore) -> None:
    client = ScramClient(PASSWORD, gs2="y,,")
    assert messages(scram_login(store, "alice", client))[-1] == (0, b"")


def test_scram_initial_response_may_come_separately(store: UserStore) -> None:
    a = Authenticator(AuthMethod.SCRAM, "alice", store, secure_channel=False)
    a.start()
    assert only(a.step(b"SCRAM-SHA-256\0" + struct.pack("!i", -1))) == (
        auth.AUTH_SASL_CONTINUE,
        b"",
    )
    client = ScramClient(PASSWORD)
    _, server_first = only(a.step(client.client_first()))
    a.step(client.client_final(server_first))
    assert a.done


def _after_first(store: UserStore, client: ScramClient) -> tuple[Authenticator, bytes]:
    a = Authenticator(AuthMethod.SCRAM, "alice", store, secure_channel=False)
    a.start()
    _, server_first = only(a.step(client.initial_response()))
    return a, server_first


def _initial(payload: bytes) -> bytes:
    return b"SCRAM-SHA-256\0" + struct.pack("!i", len(payload)) + payload


MALFORMED_INITIAL = {
    "mechanism": b"SCRAM-SHA-256-PLUS\0" + struct.pack("!i", 3) + b"n,,",
    "unknown mechanism": b"PLAIN\0" + struct.pack("!i", 3) + b"n,,",
    "no NUL": b"SCRAM-SHA-256",
    "short length": b"SCRAM-SHA-256\0\0\0",
    "length mismatch": b"SCRAM-SHA-256\0" + struct.pack("!i", 99) + b"n,,n=,r=abc",
    "empty": _initial(b""),
    "channel binding p": _initial(b"p=tls-server-end-point,,n=,r=abc"),
    "bad flag": _initial(b"x,,n=,r=abc"),
    "no comma": _initial(b"nn=,r=abc"),
    "missing authzid comma": _initial(b"n,n=,r=abc"),
    "no user attribute": _initial(b"n,,r=abc"),
    "no nonce": _initial(b"n,,n="),
    "empty nonce": _initial(b"n,,n=,r="),
    "nonce with space": _initial(b"n,,n=,r=a b"),
    "bad extension": _initial(b"n,,n=,r=abc,garbage"),
    "not utf-8": _initial(b"n,,n=\xff,r=abc"),
    "NUL inside": _initial(b"n,,n=\0,r=abc"),
}


@pytest.mark.parametrize("body", MALFORMED_INITIAL.values(), ids=MALFORMED_INITIAL.keys())
def test_malformed_sasl_initial_response_is_a_protocol_violation(
    store: UserStore, body: bytes
) -> None:
    a = Authenticator(AuthMethod.SCRAM, "alice", store, secure_channel=False)
    a.start()
    with pytest.raises(SqlError) as excinfo:
        a.step(body)
    assert excinfo.value.sqlstate == SqlState.PROTOCOL_VIOLATION
    assert excinfo.value.severity == "FATAL"
    assert not a.done


@pytest.mark.parametrize(
    "payload", [b"n,a=bob,n=,r=abc", b"n,,m=ext,n=,r=abc"], ids=["authzid", "m-extension"]
)
def test_unsupported_scram_features(store: UserStore, payload: bytes) -> None:
    a = Authenticator(AuthMethod.SCRAM, "alice", store, secure_channel=False)
    a.start()
    with pytest.raises(SqlError) as excinfo:
        a.step(_initial(payload))
    assert (excinfo.value.sqlstate, excinfo.value.severity) == (
        SqlState.FEATURE_NOT_SUPPORTED,
        "FATAL",
    )


def _tamper_final(case: str, final: bytes) -> bytes:
    c, r, p = final.decode().split(",")
    tampered = {
        "binding for y with n header": f"c=eSws,{r},{p}",
        "binding not base64": f"c=b!ws,{r},{p}",
        "no binding": f"{r},{p}",
        "nonce mismatch": f"{c},{r}x,{p}",
        "nonce missing": f"{c},{p}",
        "proof missing": f"{c},{r}",
        "proof not last": f"{c},{r},{p},x=1",
        "two proofs": f"{c},{r},{p},{p}",
        "proof too short": f"{c},{r},p=" + base64.b64encode(b"x" * 31).decode(),
        "proof not base64": f"{c},{r},p=***",
        "garbage extension": f"{c},{r},junk,{p}",
        "empty": "",
    }[case]
    return tampered.encode()


@pytest.mark.parametrize(
    "case",
    [
        "binding for y with n header",
        "binding not base64",
        "no binding",
        "nonce mismatch",
        "nonce missing",
        "proof missing",
        "proof not last",
        "two proofs",
        "proof too short",
        "proof not base64",
        "garbage extension",
        "empty",
    ],
)
def test_malformed_client_final_is_a_protocol_violation(store: UserStore, case: str) -> None:
    client = ScramClient(PASSWORD)
    a, server_first = _after_first(store, client)
    with pytest.raises(SqlError) as excinfo:
        a.step(_tamper_final(case, client.client_final(server_first)))
    assert (excinfo.value.sqlstate, excinfo.value.severity) == (
        SqlState.PROTOCOL_VIOLATION,
        "FATAL",
    )
    assert not a.done


def test_client_final_extensions_are_ignored_but_signed(store: UserStore) -> None:
    client = ScramClient(PASSWORD)
    a, server_first = _after_first(store, client)
    c, r, p = client.client_final(server_first).decode().split(",")
    with pytest.raises(SqlError) as excinfo:  # not covered by the proof → wrong proof
        a.step(f"{c},{r},x=ext,{p}".encode())
    assert excinfo.value.sqlstate == SqlState.INVALID_PASSWORD


def test_y_header_needs_y_binding(store: UserStore) -> None:
    client = ScramClient(PASSWORD, gs2="y,,")
    a, server_first = _after_first(store, client)
    with pytest.raises(SqlError) as excinfo:
        a.step(client.client_final(server_first, cbind="biws"))
    assert excinfo.value.sqlstate == SqlState.PROTOCOL_VIOLATION


def test_oversized_message_is_rejected(store: UserStore) -> None:
    a = Authenticator(AuthMethod.SCRAM, "alice", store, secure_channel=False)
    a.start()
    with pytest.raises(SqlError) as excinfo:
        a.step(_initial(b"n,,n=,r=" + b"a" * auth.MAX_AUTH_MESSAGE_SIZE))
    assert excinfo.value.sqlstate == SqlState.PROTOCOL_VIOLATION


def test_step_misuse() -> None:
    a = Authenticator(AuthMethod.SCRAM, "alice", UserStore(), secure_channel=False)
    with pytest.raises(RuntimeError):
        a.step(b"")
    a.start()
    with pytest.raises(RuntimeError):
        a.start()


# --- md5 -----------------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["alice", "oldie"])
def test_md5_success(store: UserStore, user: str) -> None:
    a = Authenticator(AuthMethod.MD5, user, store, secure_channel=False)
    code, salt = only(a.start())
    assert code == auth.AUTH_MD5_PASSWORD and len(salt) == 4
    assert only(a.step(md5_response(PASSWORD, user, salt))) == (0, b"")
    assert a.done


@pytest.mark.parametrize(
    ("user", "response"),
    [
        ("alice", lambda salt: md5_response("nope", "alice", salt)),
        ("alice", lambda salt: md5_response(PASSWORD, "alice", b"\0\0\0\0")),
        ("alice", lambda salt: password_message(PASSWORD)),
        ("alice", lambda salt: password_message("")),
        ("nobody", lambda salt: md5_response(PASSWORD, "nobody", salt)),
    ],
    ids=["wrong password", "wrong salt", "cleartext sent", "empty", "unknown user"],
)
def test_md5_failure(store: UserStore, user: str, response: Callable[[bytes], bytes]) -> None:
    a = Authenticator(AuthMethod.MD5, user, store, secure_channel=False)
    code, salt = only(a.start())
    assert code == auth.AUTH_MD5_PASSWORD  # an unknown user gets the same challenge
    with pytest.raises(SqlError) as excinfo:
        a.step(response(salt))
    assert failure(excinfo) == auth_failed(user)
    assert not a.done


def test_md5_hex_case_in_users_file_does_not_matter() -> None:
    digest = hashlib.md5(b"pwbob").hexdigest().upper()
    store = UserStore(parse_users(f"bob:md5{digest}\n"))
    a = Authenticator(AuthMethod.MD5, "bob", store, secure_channel=False)
    _, salt = only(a.start())
    a.step(md5_response("pw", "bob", salt))
    assert a.done


def test_md5_for_a_scram_only_user_upgrades_to_scram(store: UserStore) -> None:
    a = Authenticator(AuthMethod.MD5, "scrammy", store, secure_channel=False)
    assert only(a.start()) == (auth.AUTH_SASL, b"SCRAM-SHA-256\0\0")
    client = ScramClient(PASSWORD)
    _, server_first = only(a.step(client.initial_response()))
    assert messages(a.step(client.client_final(server_first)))[-1] == (0, b"")


def test_md5_malformed_packet(store: UserStore) -> None:
    a = Authenticator(AuthMethod.MD5, "alice", store, secure_channel=False)
    a.start()
    with pytest.raises(SqlError) as excinfo:
        a.step(b"md5abc")  # no terminating NUL
    assert excinfo.value.sqlstate == SqlState.PROTOCOL_VIOLATION


# --- cleartext and trust -------------------------------------------------------------------


@pytest.mark.parametrize("user", ["alice", "scrammy", "oldie"])
def test_cleartext_success_against_any_stored_form(store: UserStore, user: str) -> None:
    a = Authenticator(AuthMethod.CLEARTEXT, user, store, secure_channel=True)
    assert only(a.start()) == (auth.AUTH_CLEARTEXT_PASSWORD, b"")
    assert only(a.step(password_message(PASSWORD))) == (0, b"")
    assert a.done


@pytest.mark.parametrize(
    ("user", "password"),
    [("alice", "wrong"), ("scrammy", "wrong"), ("oldie", "wrong"), ("alice", ""), ("nobody", "x")],
)
def test_cleartext_failure(store: UserStore, user: str, password: str) -> None:
    a = Authenticator(AuthMethod.CLEARTEXT, user, store, secure_channel=True)
    a.start()
    with pytest.raises(SqlError) as excinfo:
        a.step(password_message(password))
    assert failure(excinfo) == auth_failed(user)
    assert not a.done


@pytest.mark.parametrize("body", [b"pw", b"p\0w\0"], ids=["no NUL", "embedded NUL"])
def test_cleartext_malformed_packet(store: UserStore, body: bytes) -> None:
    a = Authenticator(AuthMethod.CLEARTEXT, "alice", store, secure_channel=True)
    a.start()
    with pytest.raises(SqlError) as excinfo:
        a.step(body)
    assert excinfo.value.sqlstate == SqlState.PROTOCOL_VIOLATION


def test_cleartext_refused_on_insecure_channel(store: UserStore) -> None:
    a = Authenticator(AuthMethod.CLEARTEXT, "alice", store, secure_channel=False)
    with pytest.raises(SqlError) as excinfo:
        a.start()
    assert excinfo.value.sqlstate == SqlState.INVALID_AUTHORIZATION_SPECIFICATION
    assert excinfo.value.severity == "FATAL"
    assert "insecure" in excinfo.value.message
    assert not a.done


def test_trust() -> None:
    a = Authenticator(AuthMethod.TRUST, "anyone", UserStore(), secure_channel=False)
    assert a.start() is None
    assert a.done


# --- verifiers, users file, environment ----------------------------------------------------


def test_verifier_text_round_trip() -> None:
    text = scram_verifier("pencil", salt=RFC_SALT, iterations=4096)
    iterations_salt, keys = text.removeprefix("SCRAM-SHA-256$").split("$")
    assert iterations_salt == "4096:W22ZaJ0SNY7soEsUEjb6gQ=="
    assert all(len(base64.b64decode(k)) == 32 for k in keys.split(":"))
    parsed = ScramVerifier.parse(text)
    assert parsed.to_text() == text
    assert parsed.check_password(b"pencil") and not parsed.check_password(b"pencil ")
    assert (
        ScramVerifier.parse(scram_verifier("x")).salt
        != ScramVerifier.parse(scram_verifier("x")).salt
    )


def test_verifiers_built_by_libpq_are_accepted() -> None:
    from psycopg import pq  # psycopg is a test dependency: no skip
    conn = pq.PGconn.connect(b"host=/nonexistent-pixelsql-dir port=1")  # fails; fine offline
    for password in ["pencil", "pässwörd", "soft\u00adhyphen", "\u2168"]:
        raw = password.encode()
        text = conn.encrypt_password(raw, b"user", b"scram-sha-256").decode()
        assert ScramVerifier.parse(text).check_password(raw)
        assert not ScramVerifier.parse(text).check_password(raw + b"x")
        md5 = conn.encrypt_password(raw, b"user", b"md5").decode()
        assert UserCredentials.from_password("user", password).md5 == md5
    # SASLprep on both sides: U+2168 (ROMAN NUMERAL NINE) normalises to "IX".
    text = conn.encrypt_password("\u2168".encode(), b"user", b"scram-sha-256").decode()
    assert ScramVerifier.parse(text).check_password(b"IX")


def test_saslprep_fallback_uses_raw_bytes() -> None:
    # A prohibited character (U+0007 is ASCII, so passed through; U+2028 is prohibited) and
    # invalid UTF-8 both fall back to the raw bytes, as libpq does.
    for raw in ["line\u2028sep".encode(), b"\xff\xfe"]:
        verifier = ScramVerifier.from_password(raw)
        assert verifier.check_password(raw)
    assert auth._saslprep("a\u00a0b") == "a b"
    assert auth._saslprep("\u00ad") is None


USERS_FILE = """\
# PixelSQL users
alice:plain:{password}

bob:{scram}
  # indented comment
carol:md5{md5}\r
dave:plain:with:colons and spaces \r
"""


def test_users_file_all_forms(tmp_path: Path) -> None:
    path = tmp_path / "users"
    path.write_text(
        USERS_FILE.format(
            password=PASSWORD,
            scram=scram_verifier(PASSWORD, iterations=4096),
            md5=hashlib.md5((PASSWORD + "carol").encode()).hexdigest(),
        ),
        newline="",
    )
    store = UserStore.from_sources(users_file=str(path), env={})
    assert len(store) == 4
    assert list(store) == ["alice", "bob", "carol", "dave"]
    alice, bob, carol, dave = (store.get(n) for n in ("alice", "bob", "carol", "dave"))
    assert alice and alice.methods == (AuthMethod.SCRAM, AuthMethod.MD5)
    assert bob and bob.methods == (AuthMethod.SCRAM,)
    assert carol and carol.methods == (AuthMethod.MD5,)
    assert dave and dave.scram and dave.scram.check_password(b"with:colons and spaces ")
    assert store.get("eve") is None
    for user in ("alice", "bob", "carol"):
        a = Authenticator(AuthMethod.CLEARTEXT, user, store, secure_channel=True)
        a.start()
        a.step(password_message(PASSWORD))
        assert a.done


BAD_LINES = {
    "no colon": ("ok:plain:x\n{secret}\n", 2),
    "empty name": ("\n:plain:{secret}\n", 2),
    "unknown secret": ("# c\nbob:{secret}\n", 2),
    "empty plain": ("bob:plain:\n", 1),
    "short md5": ("bob:md5abc{secret}\n", 1),
    "scram bad base64": ("bob:SCRAM-SHA-256$4096:!!!$a:b{secret}\n", 1),
    "scram too many iterations": (
        "bob:" + scram_verifier("x", iterations=1).replace("$1:", "$1000001:") + "\n",
        1,
    ),
    "scram zero iterations": (
        "bob:" + scram_verifier("x", iterations=1).replace("$1:", "$0:") + "\n",
        1,
    ),
    "scram short key": ("bob:SCRAM-SHA-256$4096:c2FsdA==$c2FsdA==:c2FsdA==\n", 1),
    "duplicate": ("bob:plain:{secret}\nbob:plain:{secret}\n", 2),
    "long name": ("b" * 64 + ":plain:{secret}\n", 1),
}


@pytest.mark.parametrize(("text", "lineno"), BAD_LINES.values(), ids=BAD_LINES.keys())
def test_users_file_errors_name_the_line_never_the_secret(text: str, lineno: int) -> None:
    secret = "Hunter2TopSecret"
    with pytest.raises(ValueError) as excinfo:
        parse_users(text.format(secret=secret), source="users.txt")
    message = str(excinfo.value)
    assert f"users.txt, line {lineno}:" in message
    assert secret not in message and secret not in repr(excinfo.value)


def test_users_file_not_utf8_or_missing(tmp_path: Path) -> None:
    path = tmp_path / "users"
    path.write_bytes(b"bob:plain:\xff\n")
    with pytest.raises(ValueError, match="not UTF-8"):
        UserStore.from_sources(users_file=str(path), env={})
    with pytest.raises(OSError):
        UserStore.from_sources(users_file=str(tmp_path / "missing"), env={})


def test_environment_user() -> None:
    store = UserStore.from_sources(users_file=None, env={"PIXELSQL_PASSWORD": PASSWORD})
    assert list(store) == ["pixelsql"]
    named = UserStore.from_sources(
        users_file=None, env={"PIXELSQL_USER": "admin", "PIXELSQL_PASSWORD": PASSWORD}
    )
    assert list(named) == ["admin"]
    assert len(UserStore.from_sources(users_file=None, env={"PIXELSQL_USER": "admin"})) == 0
    with pytest.raises(ValueError, match="empty"):
        UserStore.from_sources(users_file=None, env={"PIXELSQL_PASSWORD": ""})


def test_environment_user_conflicting_with_file(tmp_path: Path) -> None:
    path = tmp_path / "users"
    path.write_text("pixelsql:plain:other\nbob:plain:other\n")
    with pytest.raises(ValueError, match="defined both"):
        UserStore.from_sources(users_file=str(path), env={"PIXELSQL_PASSWORD": PASSWORD})
    store = UserStore.from_sources(
        users_file=str(path), env={"PIXELSQL_USER": "carol", "PIXELSQL_PASSWORD": PASSWORD}
    )
    assert sorted(store) == ["bob", "carol", "pixelsql"]


def test_parse_auth_method() -> None:
    assert parse_auth_method("password") is AuthMethod.SCRAM
    assert parse_auth_method(" SCRAM-SHA-256 ") is AuthMethod.SCRAM
    assert parse_auth_method("md5") is AuthMethod.MD5
    assert parse_auth_method("Trust") is AuthMethod.TRUST
    assert parse_auth_method("cleartext") is AuthMethod.CLEARTEXT
    with pytest.raises(ValueError, match="unknown authentication method"):
        parse_auth_method("kerberos")


# --- secrets never leak --------------------------------------------------------------------


def _every_error_text(store: UserStore) -> Iterator[str]:
    """The text of errors raised along every failure path that sees the password."""
    attempts: list[tuple[AuthMethod, str, bool, bytes]] = [
        (AuthMethod.CLEARTEXT, "alice", True, password_message(PASSWORD + "x")),
        (AuthMethod.CLEARTEXT, "nobody", True, password_message(PASSWORD)),
        (AuthMethod.CLEARTEXT, "alice", False, b""),
        (AuthMethod.CLEARTEXT, "alice", True, PASSWORD.encode()),
        (AuthMethod.MD5, "alice", False, password_message(PASSWORD)),
    ]
    for method, user, secure, body in attempts:
        a = Authenticator(method, user, store, secure_channel=secure)
        with pytest.raises(SqlError) as excinfo:
            a.start()
            a.step(body)
        yield str(excinfo.value)
        yield repr(excinfo.value)
        yield repr(a)
    client = ScramClient(PASSWORD + "x")
    a, server_first = _after_first(store, client)
    with pytest.raises(SqlError) as scram_error:
        a.step(client.client_final(server_first))
    yield str(scram_error.value)
    yield repr(scram_error.value)
    yield repr(a)


def test_reprs_and_errors_never_contain_secrets(store: UserStore) -> None:
    alice = store.get("alice")
    assert alice is not None and alice.scram is not None and alice.md5 is not None
    secrets_ = [
        PASSWORD,
        alice.md5,
        alice.md5[3:],
        base64.b64encode(alice.scram.stored_key).decode(),
        base64.b64encode(alice.scram.server_key).decode(),
        repr(alice.scram.stored_key),
        repr(alice.scram.server_key),
    ]
    texts = [
        repr(store),
        str(store),
        repr(alice),
        str(alice),
        repr(alice.scram),
        repr(Authenticator(AuthMethod.SCRAM, "alice", store, secure_channel=False)),
        *_every_error_text(store),
    ]
    for text in texts:
        for secret in secrets_:
            assert secret not in text, text
    assert "alice" in repr(store) and "alice" in repr(alice)
