"""The LINE Messaging API connector for Python platforms: the connector's
Rust host, with the WebAssembly component inside, as a native module.

    from line_connector import Connector
    line = Connector()
    line.run("push", config, {"to": user_id, "text": "Disk full on db-2"})

The same host as the `line-connector` command: each action in a sandboxed
instance that may reach only the config's hosts (or the `allow` list), over
kept-alive connections, through `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` or
`proxy`, trusting `SSL_CERT_FILE` or `ca_file` besides the built-in roots,
with memory bounded per instance; an instance is kept warm per config, so a
token fetched with client credentials or a JWT assertion is reused until
shortly before it expires. Calls release the GIL. Inputs and results use
LINE's field names (camelCase; snake_case for the token endpoints), as the
manifest's schemas say; errors are raised as the exceptions in
`line_connector.errors`.
"""

import json
from os import PathLike
from typing import Any, Dict, Optional, Sequence, Union

from . import _native
from .errors import (  # noqa: F401  (re-exported)
    ApiError,
    Authentication,
    BatchesFailed,
    InvalidInput,
    LineError,
    NotAFriend,
    QuotaExceeded,
    RateLimited,
    Transport,
    WebhookError,
    raise_for,
)

__all__ = [
    "Connector",
    "Intake",
    "LineError",
    "InvalidInput",
    "Authentication",
    "RateLimited",
    "QuotaExceeded",
    "ApiError",
    "Transport",
    "BatchesFailed",
    "NotAFriend",
    "WebhookError",
]

__version__ = "0.1.0"

Path = Union[str, "PathLike[str]"]


class Connector:
    """The component, loaded once (its compilation cached on disk); safe to
    share between threads."""

    def __init__(
        self,
        *,
        allow: Optional[Sequence[str]] = None,
        proxy: Optional[str] = None,
        ca_file: Optional[Path] = None,
        component: Optional[Path] = None,
    ):
        """`allow`: the hosts actions may reach (`HOST` or `HOST:PORT`;
        default: the config's own hosts). `proxy`: a proxy URL for every
        destination but `NO_PROXY`'s (default: the proxy variables).
        `ca_file`: PEM certificates to trust as well. `component`: a
        `.wasm` to load instead of the one inside. A bad option raises
        `ValueError` naming it (a proxy URL is never quoted)."""
        self._native = _native.Native(
            allow=None if allow is None else list(allow),
            proxy=proxy,
            ca_file=None if ca_file is None else str(ca_file),
            component=None if component is None else str(component),
        )

    def describe(self) -> Dict[str, Any]:
        """The manifest: the config's and every action's JSON Schemas,
        errors, examples and hints."""
        return _result(self._native.describe())

    def run(self, action: str, config: Dict[str, Any], input: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """Runs `action` (e.g. `push`) with the config and input (LINE's
        field names); returns its result, or raises its error."""
        return _result(self._native.run(action, json.dumps(config), json.dumps(input or {})))

    def intake(
        self,
        *,
        channel_secrets: Sequence[str],
        store: Path,
        forward: str,
        bind: str = "127.0.0.1:0",
        types: Optional[Sequence[str]] = None,
        reply_config: Optional[Dict[str, Any]] = None,
        channel: Optional[str] = None,
    ) -> "Intake":
        """Starts a webhook intake in this process, as `line-connector
        webhook listen`: batches signed with one of `channel_secrets` are
        stored in `store` (an SQLite file's path, or a `postgres://` URL
        that several intakes share) before LINE is answered 200, then POSTed
        event by event to the platform's `forward` URL, at least once, in
        order per chat. With `reply_config` (the channel's config) it
        replies to answerers of asks. Stop it with `stop()` (or `with`)."""
        settings = {
            "channelSecrets": list(channel_secrets),
            "store": str(store),
            "forward": forward,
            "bind": bind,
        }
        if types is not None:
            settings["types"] = list(types)
        if reply_config is not None:
            settings["replyConfig"] = reply_config
        if channel is not None:
            settings["channel"] = channel
        return Intake(self._native.start_intake(json.dumps(settings)))

    def ask(self, config: Dict[str, Any], store: Path, question: Dict[str, Any]) -> Dict[str, Any]:
        """Puts a question to a LINE user, group or room (`to`, which may be
        `contact:<platform id>`), kept in the intake's `store`: `question`,
        `options`, and optionally `freeText`, `answerers`, `expiresIn`,
        `default`, `every`, `thanks`, `refused`, as `line-connector ask`
        takes them. Returns `{"askId", "expiresAt", "requestId"}`."""
        return _result(self._native.ask(json.dumps(config), str(store), json.dumps(question)))

    def ask_status(self, store: Path, ask_id: str) -> Optional[Dict[str, Any]]:
        """Where an ask stands (`state`, `answer`, `answers`, `refused`), or
        None for an ask the store does not hold."""
        return _result(self._native.ask_status(str(store), ask_id))

    def ask_wait(self, store: Path, ask_id: str, timeout: Optional[float] = None) -> Optional[Dict[str, Any]]:
        """Waits up to `timeout` seconds (for ever with None) for the answer,
        or the default at expiry; None when the time ran out first. The
        GIL is released while it waits."""
        return _result(self._native.ask_wait(str(store), ask_id, timeout))

    def parse(self, channel_secret: str, body: bytes, signature: str) -> Dict[str, Any]:
        """Verifies a webhook batch (the body as received and its
        `X-Line-Signature`) and returns its events; raises `WebhookError`."""
        ok, text = self._native.parse(channel_secret, bytes(body), signature)
        if ok:
            return json.loads(text)
        error = json.loads(text)
        if error.get("type") == "trap":
            raise LineError(error)
        raise WebhookError(error)


class Intake:
    """A webhook intake running in this process (`Connector.intake`)."""

    def __init__(self, native: Any):
        self._native = native
        #: Where LINE posts to: `http://HOST:PORT` (any path).
        self.url = "http://" + native.address

    def stop(self) -> None:
        """Stops it as SIGTERM does (requests and a delivery round in flight
        finished) and waits until it has; what it stored and did not
        deliver yet is delivered by the next intake on the same store."""
        self._native.stop()

    def __enter__(self) -> "Intake":
        return self

    def __exit__(self, *_: Any) -> None:
        self.stop()


def _result(reply: "tuple[bool, str]") -> Any:
    """A native reply's value, or its error raised."""
    ok, text = reply
    if ok:
        return json.loads(text)
    raise_for(json.loads(text))
