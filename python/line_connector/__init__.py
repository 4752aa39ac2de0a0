"""The LINE Messaging API connector for Python platforms: the WebAssembly
component, run with the `wasmtime` package (WASI 0.2 and WASI-HTTP).

    from line_connector import Connector
    line = Connector()
    line.run("push", config, {"to": user_id, "text": "Disk full on db-2"})

Each call runs in a fresh instance, as the Rust host does; the compiled
component is kept (and cached on disk by wasmtime). Inputs and results use
LINE's field names (camelCase; snake_case for the token endpoints), as the
manifest's schemas say. Errors are raised as the exceptions in
`line_connector.errors`.
"""

import json
import os
from pathlib import Path
from typing import Any, Dict, Optional, Union

import wasmtime
import wasmtime.component as component

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

MANIFEST = "line:messaging/manifest@0.2.0"
WEBHOOK = "line:messaging/webhook@0.2.0"


def locate() -> Path:
    """The component: `$LINE_CONNECTOR_WASM`, the copy in this package, or
    the one a build of the repository left in `target/guest/`."""
    given = os.environ.get("LINE_CONNECTOR_WASM")
    here = Path(__file__).resolve().parent
    for candidate in (
        Path(given) if given else None,
        here / "line_connector.wasm",
        here.parent.parent / "target" / "guest" / "line_connector.wasm",
    ):
        if candidate is not None and candidate.is_file():
            return candidate
    raise FileNotFoundError(
        "no line_connector.wasm: set LINE_CONNECTOR_WASM, or build the repository "
        "(cargo build) so target/guest/line_connector.wasm exists"
    )


class Connector:
    """The component, compiled once, each call in a fresh instance."""

    def __init__(self, wasm: Optional[Union[str, Path]] = None):
        config = wasmtime.Config()
        config.cache = True
        self._engine = wasmtime.Engine(config)
        self._component = component.Component.from_file(
            self._engine, str(wasm or locate())
        )
        self._linker = component.Linker(self._engine)
        self._linker.add_wasip2()
        self._linker.add_wasi_http()

    def _call(self, interface: str, function: str, *args: Any) -> Any:
        store = wasmtime.Store(self._engine)
        store.set_wasi(wasmtime.WasiConfig())
        store.set_wasi_http()
        instance = self._linker.instantiate(store, self._component)
        index = instance.get_export_index(store, interface)
        func = instance.get_func(store, instance.get_export_index(store, function, index))
        result = func(store, *args)
        func.post_return(store)
        return result

    def describe(self) -> Dict[str, Any]:
        """The manifest: the config's and every action's JSON Schemas,
        errors, examples and hints."""
        return json.loads(self._call(MANIFEST, "describe"))

    def run(self, action: str, config: Dict[str, Any], input: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """Runs `action` (e.g. `push`) with the config and input (LINE's
        field names); returns its result, or raises its error."""
        result = self._call(
            MANIFEST, "invoke", action, json.dumps(config), json.dumps(input or {})
        )
        if isinstance(result, str):
            return json.loads(result)
        raise_for(to_json(result))

    def parse(self, channel_secret: str, body: bytes, signature: str) -> Dict[str, Any]:
        """Verifies a webhook batch (the body as received and its
        `X-Line-Signature`) and returns its events; raises `WebhookError`."""
        result = self._call(WEBHOOK, "parse-json", channel_secret, bytes(body), signature)
        if isinstance(result, str):
            return json.loads(result)
        error = to_json(result)
        raise WebhookError(error)


def camel(name: str) -> str:
    """`request-id` or `request_id` -> `requestId`."""
    head, *rest = name.replace("-", "_").split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def to_json(value: Any) -> Any:
    """A component value (an error) as the host's JSON: a variant is
    `{"type": case, ...its record's fields}`, records camelCase."""
    if isinstance(value, component.Variant):
        out: Dict[str, Any] = {"type": value.tag}
        payload = to_json(value.payload)
        if isinstance(payload, dict):
            out.update(payload)
        elif payload is not None:
            out["value"] = payload
        return out
    if isinstance(value, component.Record):
        return {camel(k): to_json(v) for k, v in vars(value).items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    return value
