// One worker thread of a Connector: the jco-transpiled component in one
// instance, kept for up to REUSE calls. jco's JavaScript set-up of an
// instance takes seconds for a component of this size (its generated
// instantiation runs interpreted), so an instance per call, as the Rust
// host does it, would cost seconds a call; kept, a fetched token is reused
// as in the Rust host's Session. A trap discards the instance. jco's
// WASI-HTTP shim performs requests synchronously, blocking this thread
// (never the caller's event loop) until the answer.
import { readFileSync } from "node:fs";
import { parentPort } from "node:worker_threads";
import * as shim from "@bytecodealliance/preview2-shim";
import { instantiate } from "./dist/line_connector.js";

/** Calls one instance serves before a fresh one replaces it (so its linear
 * memory, which only grows, is given back now and then). */
const REUSE = 1000;

const modules = new Map();
let instance = null;
let served = 0;

/** A core module of the component, compiled once per worker. */
function coreModule(name) {
  if (!modules.has(name)) {
    modules.set(name, new WebAssembly.Module(readFileSync(new URL(`./dist/${name}`, import.meta.url))));
  }
  return modules.get(name);
}

/** The WASI interfaces the component imports, from the shim, by name. */
const imports = {
  "wasi:cli/environment": shim.cli.environment,
  "wasi:cli/exit": shim.cli.exit,
  "wasi:cli/stderr": shim.cli.stderr,
  "wasi:cli/stdin": shim.cli.stdin,
  "wasi:cli/stdout": shim.cli.stdout,
  "wasi:cli/terminal-input": shim.cli.terminalInput,
  "wasi:cli/terminal-output": shim.cli.terminalOutput,
  "wasi:cli/terminal-stderr": shim.cli.terminalStderr,
  "wasi:cli/terminal-stdin": shim.cli.terminalStdin,
  "wasi:cli/terminal-stdout": shim.cli.terminalStdout,
  "wasi:clocks/monotonic-clock": shim.clocks.monotonicClock,
  "wasi:clocks/wall-clock": shim.clocks.wallClock,
  "wasi:http/outgoing-handler": shim.http.outgoingHandler,
  "wasi:http/types": shim.http.types,
  "wasi:io/error": shim.io.error,
  "wasi:io/poll": shim.io.poll,
  "wasi:io/streams": shim.io.streams,
  "wasi:random/random": shim.random.random,
};

/** `request-id` -> `requestId` (jco already gives records camelCase). */
function camel(name) {
  return name.replace(/[-_]([a-z0-9])/g, (_, c) => c.toUpperCase());
}

/** A component value (an error variant) as the hosts' JSON:
 * `{type: case, ...its record's fields}`, absent options left out. */
function toJson(value) {
  if (Array.isArray(value)) return value.map(toJson);
  if (value instanceof Uint8Array) return Array.from(value);
  if (typeof value === "bigint") return Number(value);
  if (value && typeof value === "object") {
    if ("tag" in value && Object.keys(value).every((k) => k === "tag" || k === "val")) {
      const payload = toJson(value.val);
      const out = { type: value.tag };
      if (payload && typeof payload === "object" && !Array.isArray(payload)) Object.assign(out, payload);
      else if (payload !== undefined && payload !== null) out.value = payload;
      return out;
    }
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined && v !== null) out[camel(k)] = toJson(v);
    }
    return out;
  }
  return value;
}

parentPort.on("message", ({ id, iface, fn, args }) => {
  let reply;
  try {
    if (instance === null || served >= REUSE) {
      [instance, served] = [instantiate(coreModule, imports), 0];
    }
    served++;
    reply = { id, ok: true, value: instance[iface][fn](...args) };
  } catch (e) {
    if (e && e.payload !== undefined) {
      reply = { id, ok: false, error: toJson(e.payload) };
    } else {
      // A trap (or a failed instantiation): this instance is done.
      instance = null;
      reply = { id, ok: false, fatal: String((e && e.stack) || e) };
    }
  }
  parentPort.postMessage(reply);
});
