"""The component run by the `wasmtime` package instead of the native host
(`pip install 'line-connector[wasmtime]'`): for checking that the component
works in a WASI host nobody here wrote. It enforces less than `Connector`:
no allow-list, no proxy or added CA, no kept connections, a fresh instance
(and token) per call (see the package's README).

    from line_connector.wasmtime_host import WasmtimeConnector
    line = WasmtimeConnector()
"""

import json
from pathlib import Path
from typing import Any, Dict, Optional, Union

import wasmtime
import wasmtime.component as component

from . import _native
from .errors import WebhookError, raise_for

__all__ = ["WasmtimeConnector"]

MANIFEST = "line:messaging/manifest@0.2.0"
WEBHOOK = "line:messaging/webhook@0.2.0"


class WasmtimeConnector:
    """The component, compiled once, each call in a fresh instance."""

    def __init__(self, wasm: Optional[Union[str, Path]] = None):
        """`wasm`: a `.wasm` file; by default the component inside the
        native module, the same bytes `Connector` runs."""
        config = wasmtime.Config()
        config.cache = True
        self._engine = wasmtime.Engine(config)
        if wasm is None:
            self._component = component.Component(self._engine, _native.component())
        else:
            self._component = component.Component.from_file(self._engine, str(wasm))
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
