"""Password authentication for the server side of the PostgreSQL protocol (sans-IO).

Role: decide whether a connecting client knows its user's password. This module does no I/O:
the connection state machine hands :class:`Authenticator` the body of each 'p' message the
client sends and writes back the bytes it returns. It also owns the user store (where the
verifiers come from) and the verifier formats, which are PostgreSQL's own, so a ``pg_authid``
secret can be pasted into a users file and a libpq-built verifier checks here.

Methods
-------
``trust`` accepts anyone. ``cleartext`` asks for the password itself, and is offered only on a
secure channel (TLS or loopback). ``md5`` is PostgreSQL's salted-MD5 challenge; as in
PostgreSQL, a user whose only secret is a SCRAM verifier is authenticated with SCRAM instead.
``scram-sha-256`` is RFC 5802/7677 without channel binding.

Theory of operation (SCRAM-SHA-256)
-----------------------------------
The server stores, per user, a salt, an iteration count and two keys derived from the password
``SaltedPassword = PBKDF2-HMAC-SHA256(password, salt, iterations)``:
``StoredKey = H(HMAC(SaltedPassword, "Client Key"))`` and
``ServerKey = HMAC(SaltedPassword, "Server Key")``. The password is never stored::

    server                                   client
    R 10 AuthenticationSASL [SCRAM-SHA-256]  →
                                             ←  p SASLInitialResponse  "n,,n=,r=<cnonce>"
    R 11 SASLContinue "r=<cnonce><snonce>,s=<salt>,i=<iterations>"   →
                                             ←  p SASLResponse  "c=biws,r=<nonce>,p=<proof>"
    R 12 SASLFinal "v=<ServerSignature>" + R 0 AuthenticationOk      →

``AuthMessage`` is client-first-bare + "," + server-first + "," + client-final-without-proof.
The client proves knowledge of ``ClientKey`` by sending ``ClientKey XOR HMAC(StoredKey,
AuthMessage)``; the server recovers ``ClientKey`` and checks ``H(ClientKey) == StoredKey``. The
server then proves it holds ``ServerKey`` with ``HMAC(ServerKey, AuthMessage)``. Passwords are
normalised with SASLprep first, falling back to the raw bytes when that fails, as libpq does.

An unknown user (or one without a usable secret) goes through the same exchange against a mock
verifier whose salt is derived from the user name with a per-store key, so a client cannot tell
from the replies whether the user exists; it fails at the same step as a wrong password.

Nothing here logs, and no secret appears in a repr or an exception message.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
import stringprep
import struct
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from pathlib import Path
from typing import ClassVar, NoReturn

from engine.errors import SqlError, SqlState
from server.codec import ProtocolViolation, encode_auth_ok, encode_authentication

# Authentication request codes carried by the 'R' message.
AUTH_CLEARTEXT_PASSWORD = 3
AUTH_MD5_PASSWORD = 5
AUTH_SASL = 10
AUTH_SASL_CONTINUE = 11
AUTH_SASL_FINAL = 12

SCRAM_MECHANISM = "SCRAM-SHA-256"
DEFAULT_SCRAM_ITERATIONS = 4096  # PostgreSQL's default scram_iterations
SCRAM_SALT_LENGTH = 16  # bytes, as PostgreSQL
SCRAM_NONCE_LENGTH = 18  # random bytes behind the server's part of the nonce, as PostgreSQL
MAX_SCRAM_ITERATIONS = 1_000_000  # bounds the PBKDF2 work a users file can ask for
MAX_SCRAM_SALT_LENGTH = 1024
MAX_AUTH_MESSAGE_SIZE = 65535  # PostgreSQL's PG_MAX_AUTH_TOKEN_LENGTH
MAX_USERS_FILE_SIZE = 16 * 1024 * 1024
MAX_USER_NAME_BYTES = 63  # NAMEDATALEN - 1

ENV_USER = "PIXELSQL_USER"
ENV_PASSWORD = "PIXELSQL_PASSWORD"
DEFAULT_USER = "pixelsql"

_SCRAM_KEY_LENGTH = 32  # SHA-256 digest size
_INT32 = struct.Struct("!i")
_SCRAM_TEXT = re.compile(
    r"SCRAM-SHA-256\$(?P<iterations>[0-9]+):(?P<salt>[A-Za-z0-9+/=]+)"
    r"\$(?P<stored_key>[A-Za-z0-9+/=]+):(?P<server_key>[A-Za-z0-9+/=]+)"
)
_MD5_TEXT = re.compile(r"md5[0-9a-fA-F]{32}")
_SCRAM_ATTRIBUTE = re.compile(r"[A-Za-z]=")


class AuthMethod(StrEnum):
    TRUST = "trust"
    CLEARTEXT = "cleartext"
    MD5 = "md5"
    SCRAM = "scram-sha-256"


# Extra spellings the CLI accepts; 'password' means "require a password", done the strong way.
_METHOD_ALIASES: Mapping[str, AuthMethod] = {"password": AuthMethod.SCRAM}


def parse_auth_method(text: str) -> AuthMethod:
    """The method named by ``text`` (case-insensitive); ``ValueError`` for an unknown name."""
    key = text.strip().lower()
    if key in _METHOD_ALIASES:
        return _METHOD_ALIASES[key]
    try:
        return AuthMethod(key)
    except ValueError:
        choices = ", ".join([*(m.value for m in AuthMethod), *_METHOD_ALIASES])
        raise ValueError(
            f"unknown authentication method {text!r} (choose one of {choices})"
        ) from None


# --- password primitives -------------------------------------------------------------------


def _b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _b64decode(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def _hmac(key: bytes, message: bytes) -> bytes:
    return hmac.new(key, message, hashlib.sha256).digest()


def _md5_hex(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def _saslprep(text: str) -> str | None:
    """RFC 4013 SASLprep of a password, or ``None`` when the text is not allowed.

    Follows PostgreSQL's ``pg_saslprep``: pure ASCII passes through untouched, and an empty
    result counts as prohibited.
    """
    if text.isascii():
        return text
    mapped = "".join(
        " " if stringprep.in_table_c12(c) else c for c in text if not stringprep.in_table_b1(c)
    )
    if not mapped:
        return None
    out = unicodedata.ucd_3_2_0.normalize("NFKC", mapped)
    prohibited: tuple[Callable[[str], bool], ...] = (
        stringprep.in_table_a1,
        stringprep.in_table_c12,
        stringprep.in_table_c21_c22,
        stringprep.in_table_c3,
        stringprep.in_table_c4,
        stringprep.in_table_c5,
        stringprep.in_table_c6,
        stringprep.in_table_c7,
        stringprep.in_table_c8,
        stringprep.in_table_c9,
    )
    if any(check(c) for c in out for check in prohibited):
        return None
    if any(stringprep.in_table_d1(c) for c in out) and (
        any(stringprep.in_table_d2(c) for c in out)
        or not stringprep.in_table_d1(out[0])
        or not stringprep.in_table_d1(out[-1])
    ):
        return None
    return out


def _prepare_password(raw: bytes) -> bytes:
    """The bytes SCRAM hashes for a password: SASLprep'd when it is valid UTF-8 and allowed."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw
    prepared = _saslprep(text)
    return raw if prepared is None else prepared.encode("utf-8")


def _md5_secret(password: bytes, user: str) -> str:
    return "md5" + _md5_hex(password + user.encode("utf-8"))


@dataclass(frozen=True)
class ScramVerifier:
    """A SCRAM-SHA-256 secret as PostgreSQL keeps it in ``pg_authid.rolpassword``."""

    iterations: int
    salt: bytes
    stored_key: bytes = field(repr=False)
    server_key: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if not 1 <= self.iterations <= MAX_SCRAM_ITERATIONS:
            raise ValueError(f"SCRAM iteration count must be between 1 and {MAX_SCRAM_ITERATIONS}")
        if not 1 <= len(self.salt) <= MAX_SCRAM_SALT_LENGTH:
            raise ValueError(f"SCRAM salt must be 1 to {MAX_SCRAM_SALT_LENGTH} bytes")
        if len(self.stored_key) != _SCRAM_KEY_LENGTH or len(self.server_key) != _SCRAM_KEY_LENGTH:
            raise ValueError(f"SCRAM StoredKey and ServerKey must be {_SCRAM_KEY_LENGTH} bytes")

    @classmethod
    def from_password(
        cls,
        password: str | bytes,
        *,
        iterations: int = DEFAULT_SCRAM_ITERATIONS,
        salt: bytes | None = None,
    ) -> ScramVerifier:
        if salt is None:
            salt = secrets.token_bytes(SCRAM_SALT_LENGTH)
        if not 1 <= iterations <= MAX_SCRAM_ITERATIONS:  # checked before the PBKDF2 work
            raise ValueError(f"SCRAM iteration count must be between 1 and {MAX_SCRAM_ITERATIONS}")
        raw = password.encode("utf-8") if isinstance(password, str) else password
        stored_key, server_key = _scram_keys(_prepare_password(raw), salt, iterations)
        return cls(iterations, salt, stored_key, server_key)

    @classmethod
    def parse(cls, text: str) -> ScramVerifier:
        """Read ``SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>``; ``ValueError`` if not.

        Error messages describe what is wrong without repeating any part of ``text``.
        """
        match = _SCRAM_TEXT.fullmatch(text)
        if match is None:
            raise ValueError(
                "not a SCRAM verifier (expected SCRAM-SHA-256$<iterations>:<salt>$"
                "<StoredKey>:<ServerKey>)"
            )
        digits = match["iterations"]
        if len(digits) > 7:
            raise ValueError(f"SCRAM iteration count must be between 1 and {MAX_SCRAM_ITERATIONS}")
        parts = [_b64decode(match[name]) for name in ("salt", "stored_key", "server_key")]
        if any(p is None for p in parts):
            raise ValueError("SCRAM verifier contains invalid base64")
        salt, stored_key, server_key = (p or b"" for p in parts)
        return cls(int(digits), salt, stored_key, server_key)

    def to_text(self) -> str:
        return (
            f"SCRAM-SHA-256${self.iterations}:{_b64encode(self.salt)}"
            f"${_b64encode(self.stored_key)}:{_b64encode(self.server_key)}"
        )

    def check_password(self, password: bytes) -> bool:
        """Whether ``password`` (as the client sent it) matches; does the PBKDF2 work."""
        stored_key, _ = _scram_keys(_prepare_password(password), self.salt, self.iterations)
        return hmac.compare_digest(stored_key, self.stored_key)


def _scram_keys(prepared: bytes, salt: bytes, iterations: int) -> tuple[bytes, bytes]:
    salted = hashlib.pbkdf2_hmac("sha256", prepared, salt, iterations)
    client_key = _hmac(salted, b"Client Key")
    return hashlib.sha256(client_key).digest(), _hmac(salted, b"Server Key")


def scram_verifier(
    password: str, *, iterations: int = DEFAULT_SCRAM_ITERATIONS, salt: bytes | None = None
) -> str:
    """PostgreSQL's text form of a SCRAM-SHA-256 verifier for ``password``."""
    return ScramVerifier.from_password(password, iterations=iterations, salt=salt).to_text()


# --- users ---------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class UserCredentials:
    """What the server knows about one user's password: verifiers, never the password."""

    name: str
    scram: ScramVerifier | None = None
    md5: str | None = None  # 'md5' + md5(password + name) in hex, as PostgreSQL

    def __post_init__(self) -> None:
        if not self.name or len(self.name.encode("utf-8")) > MAX_USER_NAME_BYTES:
            raise ValueError(f"user name must be 1 to {MAX_USER_NAME_BYTES} bytes")
        if "\0" in self.name:
            raise ValueError("user name contains a NUL character")
        if self.md5 is not None:
            if _MD5_TEXT.fullmatch(self.md5) is None:
                raise ValueError("md5 secret must be 'md5' followed by 32 hex digits")
            object.__setattr__(self, "md5", self.md5.lower())  # hex case must not matter

    @classmethod
    def from_password(
        cls, name: str, password: str, *, iterations: int = DEFAULT_SCRAM_ITERATIONS
    ) -> UserCredentials:
        """Both verifiers for a plaintext password; the password itself is not kept."""
        if not password:
            raise ValueError("empty passwords are not allowed")
        scram = ScramVerifier.from_password(password, iterations=iterations)
        return cls(name, scram, _md5_secret(password.encode("utf-8"), name))

    @classmethod
    def from_secret(cls, name: str, secret: str) -> UserCredentials:
        """A users-file secret: a SCRAM verifier, ``md5<32 hex>`` or ``plain:<password>``."""
        if secret.startswith("plain:"):
            return cls.from_password(name, secret.removeprefix("plain:"))
        secret = secret.strip()
        if secret.startswith("SCRAM-SHA-256$"):
            return cls(name, scram=ScramVerifier.parse(secret))
        if _MD5_TEXT.fullmatch(secret):
            return cls(name, md5=secret)
        raise ValueError(
            "unrecognised secret (expected a SCRAM-SHA-256$ verifier, md5 followed by "
            "32 hex digits, or plain:<password>)"
        )

    @property
    def methods(self) -> tuple[AuthMethod, ...]:
        """The challenge methods these credentials can answer."""
        have = ((AuthMethod.SCRAM, self.scram), (AuthMethod.MD5, self.md5))
        return tuple(method for method, secret in have if secret is not None)

    def __repr__(self) -> str:
        return f"UserCredentials(name={self.name!r}, methods={[m.value for m in self.methods]})"


class UserStore:
    """The users that may log in, keyed by name."""

    def __init__(self, users: Iterable[UserCredentials] = ()) -> None:
        self._users: dict[str, UserCredentials] = {}
        for user in users:
            if user.name in self._users:
                raise ValueError(f"user {user.name!r} is defined twice")
            self._users[user.name] = user
        # Keys the mock salts of unknown users: stable per name while the server runs.
        self._mock_key = secrets.token_bytes(32)

    @classmethod
    def from_sources(cls, *, users_file: str | None, env: Mapping[str, str]) -> UserStore:
        """Users from ``users_file`` plus one from ``PIXELSQL_USER``/``PIXELSQL_PASSWORD``.

        The environment user exists only when ``PIXELSQL_PASSWORD`` is set; its name defaults to
        ``pixelsql``. Raises ``ValueError`` for a malformed file (naming the line, never the
        secret), an empty password, or a user defined by both sources.
        """
        users: list[UserCredentials] = []
        if users_file is not None:
            users.extend(load_users_file(users_file))
        password = env.get(ENV_PASSWORD)
        if password is not None:
            name = env.get(ENV_USER) or DEFAULT_USER
            if any(user.name == name for user in users):
                raise ValueError(f"user {name!r} is defined both in {users_file} and by {ENV_USER}")
            if not password:
                raise ValueError(f"{ENV_PASSWORD} is set but empty")
            users.append(UserCredentials.from_password(name, password))
        return cls(users)

    def get(self, name: str) -> UserCredentials | None:
        return self._users.get(name)

    def __len__(self) -> int:
        return len(self._users)

    def __contains__(self, name: object) -> bool:
        return name in self._users

    def __iter__(self) -> Iterator[str]:
        return iter(self._users)

    def __repr__(self) -> str:
        return f"UserStore(users={list(self._users)})"

    def mock_scram_verifier(self, name: str) -> ScramVerifier:
        """A verifier no password matches, with a salt that is the same each time for ``name``."""
        digest = _hmac(self._mock_key, b"salt\0" + name.encode("utf-8", "surrogatepass"))
        salt = digest[:SCRAM_SALT_LENGTH]
        unmatchable = _hmac(self._mock_key, b"key\0" + salt)
        return ScramVerifier(DEFAULT_SCRAM_ITERATIONS, salt, unmatchable, unmatchable)


def parse_users(text: str, *, source: str = "users file") -> list[UserCredentials]:
    """Parse users-file text: ``name:secret`` per line, ``#`` comments and blank lines skipped."""
    users: list[UserCredentials] = []
    seen: dict[str, int] = {}
    for lineno, line in enumerate(text.removeprefix("\ufeff").split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, colon, secret = line.partition(":")
        name = name.strip()
        if not colon or not name:
            raise ValueError(f"{source}, line {lineno}: expected name:secret")
        if name in seen:
            raise ValueError(
                f"{source}, line {lineno}: user {name!r} already defined on line {seen[name]}"
            )
        try:
            users.append(UserCredentials.from_secret(name, secret))
        except ValueError as exc:  # our messages never quote the secret
            raise ValueError(f"{source}, line {lineno}: user {name!r}: {exc}") from None
        seen[name] = lineno
    return users


def load_users_file(path: str) -> list[UserCredentials]:
    """Read and parse a users file; ``ValueError`` (or ``OSError``) when that is not possible."""
    with Path(path).open("rb") as f:
        data = f.read(MAX_USERS_FILE_SIZE + 1)
    if len(data) > MAX_USERS_FILE_SIZE:
        raise ValueError(f"{path}: users file is larger than {MAX_USERS_FILE_SIZE} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: users file is not UTF-8 (byte {exc.start})") from None
    return parse_users(text, source=path)


# --- the exchange --------------------------------------------------------------------------


class _State(Enum):
    NEW = "new"
    AWAIT_PASSWORD = "await-password"  # cleartext
    AWAIT_MD5 = "await-md5"
    AWAIT_SASL_INITIAL = "await-sasl-initial"
    AWAIT_SCRAM_FIRST = "await-scram-first"  # SASLInitialResponse came without data
    AWAIT_SCRAM_FINAL = "await-scram-final"
    DONE = "done"
    FAILED = "failed"


def _server_nonce() -> str:
    return _b64encode(secrets.token_bytes(SCRAM_NONCE_LENGTH))


def _malformed_scram(detail: str) -> ProtocolViolation:
    exc = ProtocolViolation("malformed SCRAM message")
    exc.detail = detail
    return exc


def _not_supported(message: str) -> SqlError:
    return SqlError(SqlState.FEATURE_NOT_SUPPORTED, message, severity="FATAL")


def _scram_text(data: bytes) -> str:
    if b"\0" in data:
        raise _malformed_scram("The message contains a null byte.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise _malformed_scram("The message is not valid UTF-8.") from None


def _is_printable_nonce(nonce: str) -> bool:
    return bool(nonce) and all(0x21 <= ord(c) <= 0x7E and c != "," for c in nonce)


@dataclass(repr=False)
class _ScramExchange:
    """What the server remembers between server-first and client-final."""

    verifier: ScramVerifier
    doomed: bool  # mock verifier for an unknown user: fail after the full exchange
    gs2_header: str
    client_first_bare: str
    server_first: str
    nonce: str


class Authenticator:
    """Runs one client's authentication; see the module docstring for the message flow."""

    def __init__(
        self, method: AuthMethod, user: str, store: UserStore, *, secure_channel: bool
    ) -> None:
        self.method = method
        self.user = user
        self.secure_channel = secure_channel
        self._store = store
        self._credentials = store.get(user)
        self._state = _State.NEW
        self._md5_salt = b""
        self._scram: _ScramExchange | None = None

    def __repr__(self) -> str:
        return (
            f"Authenticator(method={self.method.value!r}, user={self.user!r}, "
            f"state={self._state.value!r})"
        )

    @property
    def done(self) -> bool:
        """True once authentication has succeeded."""
        return self._state is _State.DONE

    def start(self) -> bytes | None:
        """The first authentication request to send, or ``None`` for trust (already done)."""
        if self._state is not _State.NEW:
            raise RuntimeError("Authenticator.start() called twice")
        method = self.method
        if method is AuthMethod.TRUST:
            self._state = _State.DONE
            return None
        if method is AuthMethod.CLEARTEXT:
            if not self.secure_channel:
                self._state = _State.FAILED
                raise SqlError(
                    SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "cleartext password authentication is refused on an insecure connection",
                    severity="FATAL",
                    hint="Connect with TLS or over loopback, or configure scram-sha-256.",
                )
            self._state = _State.AWAIT_PASSWORD
            return encode_authentication(AUTH_CLEARTEXT_PASSWORD)
        creds = self._credentials
        if method is AuthMethod.MD5 and not (creds and creds.md5 is None and creds.scram):
            self._md5_salt = secrets.token_bytes(4)
            self._state = _State.AWAIT_MD5
            return encode_authentication(AUTH_MD5_PASSWORD, self._md5_salt)
        # SCRAM, or md5 for a user known only by a SCRAM verifier (PostgreSQL upgrades too).
        self._state = _State.AWAIT_SASL_INITIAL
        return encode_authentication(AUTH_SASL, SCRAM_MECHANISM.encode("ascii") + b"\0\0")

    def step(self, data: bytes) -> bytes:
        """Consume the body of the client's 'p' message; return the bytes to send next.

        Raises :class:`SqlError` (FATAL) when authentication fails (28P01) or the message is
        malformed (08P01); the connection should be closed after sending it.
        """
        handler = self._STEPS.get(self._state)
        if handler is None:
            if self._state is _State.NEW:
                raise RuntimeError("Authenticator.step() called before start()")
            self._state = _State.FAILED
            raise ProtocolViolation("unexpected password message")
        try:
            if len(data) > MAX_AUTH_MESSAGE_SIZE:
                raise ProtocolViolation("password message too long")
            return handler(self, data)
        except SqlError:
            self._state = _State.FAILED
            raise

    # Each handler consumes one client message in one state.

    def _fail(self) -> NoReturn:
        raise SqlError(
            SqlState.INVALID_PASSWORD,
            f'password authentication failed for user "{self.user}"',
            severity="FATAL",
        )

    def _succeed(self, reply: bytes) -> bytes:
        self._state = _State.DONE
        return reply

    @staticmethod
    def _password_packet(data: bytes) -> bytes:
        if not data.endswith(b"\0") or b"\0" in data[:-1]:
            raise ProtocolViolation("invalid password packet size")
        return data[:-1]

    def _step_cleartext(self, data: bytes) -> bytes:
        password = self._password_packet(data)
        creds = self._credentials
        if not password:
            self._fail()
        if creds is None:
            # Same PBKDF2 work as for a real user, so timing does not reveal who exists.
            self._store.mock_scram_verifier(self.user).check_password(password)
            self._fail()
        if creds.scram is not None:
            ok = creds.scram.check_password(password)
        elif creds.md5 is not None:
            ok = hmac.compare_digest(_md5_secret(password, self.user), creds.md5)
        else:
            ok = False
        if not ok:
            self._fail()
        return self._succeed(encode_auth_ok())

    def _step_md5(self, data: bytes) -> bytes:
        response = self._password_packet(data)
        creds = self._credentials
        if creds is None or creds.md5 is None:
            self._fail()
        expected = "md5" + _md5_hex(creds.md5[3:].encode("ascii") + self._md5_salt)
        if not hmac.compare_digest(response, expected.encode("ascii")):
            self._fail()
        return self._succeed(encode_auth_ok())

    def _step_sasl_initial(self, data: bytes) -> bytes:
        end = data.find(b"\0")
        if end < 0 or len(data) < end + 1 + _INT32.size:
            raise ProtocolViolation("malformed SASLInitialResponse message")
        if data[:end] != SCRAM_MECHANISM.encode("ascii"):
            raise ProtocolViolation("client selected an invalid SASL authentication mechanism")
        (length,) = _INT32.unpack_from(data, end + 1)
        payload = data[end + 1 + _INT32.size :]
        if length == -1 and not payload:
            # No initial response: ask for it with an empty challenge, as PostgreSQL does.
            self._state = _State.AWAIT_SCRAM_FIRST
            return encode_authentication(AUTH_SASL_CONTINUE)
        if length != len(payload):
            raise ProtocolViolation("malformed SASLInitialResponse message")
        return self._scram_client_first(payload)

    def _step_scram_first(self, data: bytes) -> bytes:
        return self._scram_client_first(data)

    def _scram_client_first(self, data: bytes) -> bytes:
        text = _scram_text(data)
        if not text:
            raise _malformed_scram("The message is empty.")
        if text[0] == "p":
            raise _malformed_scram(
                "The client selected SCRAM-SHA-256 without channel binding, but the SCRAM "
                "message includes channel binding data."
            )
        if text[0] not in "ny" or text[1:2] != ",":
            raise _malformed_scram("Unexpected channel-binding flag.")
        if text.startswith("a=", 2):
            raise _not_supported("client uses authorization identity, but it is not supported")
        if text[2:3] != ",":
            raise _malformed_scram("Unexpected attribute in client-first-message.")
        gs2_header, bare = text[:3], text[3:]
        attributes = bare.split(",")
        if attributes[0].startswith("m="):
            raise _not_supported("client requires an unsupported SCRAM extension")
        if not attributes[0].startswith("n="):
            raise _malformed_scram('Expected attribute "n" in client-first-message.')
        # The user name inside SCRAM is ignored, as in PostgreSQL: the startup packet's counts.
        if len(attributes) < 2 or not attributes[1].startswith("r="):
            raise _malformed_scram('Expected attribute "r" in client-first-message.')
        client_nonce = attributes[1][2:]
        if not _is_printable_nonce(client_nonce):
            raise _malformed_scram("The client nonce contains invalid characters.")
        if not all(_SCRAM_ATTRIBUTE.match(a) for a in attributes[2:]):
            raise _malformed_scram("Malformed extension in client-first-message.")

        creds = self._credentials
        if creds is not None and creds.scram is not None:
            verifier, doomed = creds.scram, False
        else:
            verifier, doomed = self._store.mock_scram_verifier(self.user), True
        nonce = client_nonce + _server_nonce()
        server_first = f"r={nonce},s={_b64encode(verifier.salt)},i={verifier.iterations}"
        self._scram = _ScramExchange(verifier, doomed, gs2_header, bare, server_first, nonce)
        self._state = _State.AWAIT_SCRAM_FINAL
        return encode_authentication(AUTH_SASL_CONTINUE, server_first.encode("utf-8"))

    def _step_scram_final(self, data: bytes) -> bytes:
        scram = self._scram
        assert scram is not None  # set with the state that leads here
        text = _scram_text(data)
        attributes = text.split(",")
        if len(attributes) < 3 or not attributes[0].startswith("c="):
            raise _malformed_scram('Expected attribute "c" in client-final-message.')
        if _b64decode(attributes[0][2:]) != scram.gs2_header.encode("ascii"):
            raise ProtocolViolation("SCRAM channel binding check failed")
        if not attributes[1].startswith("r="):
            raise _malformed_scram('Expected attribute "r" in client-final-message.')
        if attributes[1][2:] != scram.nonce:
            exc = ProtocolViolation("invalid SCRAM response")
            exc.detail = "Nonce does not match."
            raise exc
        extensions, proof_attribute = attributes[2:-1], attributes[-1]
        if any(not _SCRAM_ATTRIBUTE.match(a) or a.startswith("p=") for a in extensions):
            raise _malformed_scram("Garbage found at the end of client-final-message.")
        if not proof_attribute.startswith("p="):
            raise _malformed_scram('Expected attribute "p" in client-final-message.')
        proof = _b64decode(proof_attribute[2:])
        if proof is None or len(proof) != _SCRAM_KEY_LENGTH:
            raise _malformed_scram("Malformed proof in client-final-message.")

        without_proof = text[: len(text) - len(proof_attribute) - 1]
        auth_message = f"{scram.client_first_bare},{scram.server_first},{without_proof}"
        auth_bytes = auth_message.encode("utf-8")
        verifier = scram.verifier
        client_signature = _hmac(verifier.stored_key, auth_bytes)
        client_key = bytes(a ^ b for a, b in zip(proof, client_signature, strict=True))
        matches = hmac.compare_digest(hashlib.sha256(client_key).digest(), verifier.stored_key)
        if scram.doomed or not matches:
            self._fail()
        server_signature = _hmac(verifier.server_key, auth_bytes)
        final = encode_authentication(
            AUTH_SASL_FINAL, b"v=" + _b64encode(server_signature).encode()
        )
        return self._succeed(final + encode_auth_ok())

    _STEPS: ClassVar[Mapping[_State, Callable[[Authenticator, bytes], bytes]]] = {
        _State.AWAIT_PASSWORD: _step_cleartext,
        _State.AWAIT_MD5: _step_md5,
        _State.AWAIT_SASL_INITIAL: _step_sasl_initial,
        _State.AWAIT_SCRAM_FIRST: _step_scram_first,
        _State.AWAIT_SCRAM_FINAL: _step_scram_final,
    }
