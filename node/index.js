// The LINE Messaging API connector for Node platforms (n8n, Node-RED,
// Pipedream, Activepieces and the like): the connector's Rust host, with
// the WebAssembly component inside, as a native addon (napi-rs).
//
//   import { Connector } from "line-connector";
//   const line = new Connector();
//   await line.run("push", config, { to: userId, text: "Disk full on db-2" });
//
// The same host as the `line-connector` command: each action in a
// sandboxed instance that may reach only the config's hosts (or `allow`),
// over kept-alive connections, through HTTPS_PROXY / HTTP_PROXY / NO_PROXY
// or `proxy`, trusting SSL_CERT_FILE or `caFile` besides the built-in
// roots, with memory bounded per instance; an instance is kept warm per
// config, so a token fetched with client credentials or a JWT assertion is
// reused until shortly before it expires. Every call returns a promise and
// runs off the event loop. Inputs and results use LINE's field names
// (camelCase; snake_case for the token endpoints), as the manifest's
// schemas say; errors reject with the classes in errors.js.
import { createRequire } from "node:module";
import { LineError, WebhookError, errorFor } from "./errors.js";

export * from "./errors.js";

const { Native } = createRequire(import.meta.url)("./line_connector.node");

/** A native reply's value, or its error thrown as its class. */
function settle({ ok, json }) {
  if (ok) return JSON.parse(json);
  throw errorFor(JSON.parse(json));
}

/** A webhook intake running in this process (`Connector.intake`). */
export class Intake {
  #native;

  constructor(native) {
    this.#native = native;
    /** Where LINE posts to: `http://HOST:PORT` (any path). */
    this.url = `http://${native.address}`;
  }

  /** Stops it as SIGTERM does (requests and a delivery round in flight
   * finished) and resolves once it has. */
  async stop() {
    await this.#native.stop();
  }
}

/** The component, loaded once (its compilation cached on disk). */
export class Connector {
  #native;

  /** `allow`: the hosts actions may reach (`HOST` or `HOST:PORT`; default:
   * the config's own hosts). `proxy`: a proxy URL for every destination
   * but NO_PROXY's (default: the proxy variables). `caFile`: PEM
   * certificates to trust as well. `component`: a `.wasm` to load instead
   * of the one inside. A bad option throws an Error naming it (a proxy URL
   * is never quoted). */
  constructor({ allow, proxy, caFile, component } = {}) {
    this.#native = new Native({ allow, proxy, caFile, component });
  }

  /** The manifest: the config's and every action's JSON Schemas, errors,
   * examples and hints. */
  async describe() {
    return settle(await this.#native.describe());
  }

  /** Runs `action` (e.g. `push`) with the config and input (LINE's field
   * names); resolves to its result, or rejects with its error. */
  async run(action, config, input = {}) {
    return settle(await this.#native.run(action, JSON.stringify(config), JSON.stringify(input ?? {})));
  }

  /** Starts a webhook intake in this process, as `line-connector webhook
   * listen`: batches signed with one of `channelSecrets` are stored in
   * `store` (an SQLite file's path, or a `postgres://` URL that several
   * intakes share) before LINE is answered 200, then POSTed event by event
   * to the platform's `forward` URL, at least once, in order per chat. With
   * `replyConfig` (the channel's config) it replies to answerers of asks.
   * Resolves to an `Intake`; `await intake.stop()` stops it. */
  async intake({ channelSecrets, store, forward, bind = "127.0.0.1:0", types, replyConfig, channel }) {
    const settings = { channelSecrets, store, forward, bind, types, replyConfig, channel };
    return new Intake(await this.#native.startIntake(JSON.stringify(settings)));
  }

  /** Puts a question to a LINE user, group or room (`to`, which may be
   * `contact:<platform id>`), kept in the intake's `store`: `question`,
   * `options`, and optionally `freeText`, `answerers`, `expiresIn`,
   * `default`, `every`, `thanks`, `refused`, as `line-connector ask` takes
   * them. Resolves to `{askId, expiresAt, requestId}`. */
  async ask(config, store, question) {
    return settle(await this.#native.ask(JSON.stringify(config), store, JSON.stringify(question)));
  }

  /** Where an ask stands, or null for an ask the store does not hold. */
  async askStatus(store, askId) {
    return settle(await this.#native.askStatus(store, askId));
  }

  /** Waits up to `timeout` seconds (for ever without) for the answer, or
   * the default at expiry; null when the time ran out first. */
  async askWait(store, askId, timeout) {
    return settle(await this.#native.askWait(store, askId, timeout ?? null));
  }

  /** Verifies a webhook batch (the body as received and its
   * `X-Line-Signature`) and resolves to its events; rejects with
   * `WebhookError`. */
  async parse(channelSecret, body, signature) {
    const bytes = Buffer.from(typeof body === "string" ? body : new Uint8Array(body));
    const { ok, json } = await this.#native.parse(channelSecret, bytes, signature);
    if (ok) return JSON.parse(json);
    const error = JSON.parse(json);
    throw error.type === "trap" ? new LineError(error) : new WebhookError(error);
  }

  /** Nothing to stop (kept connections close with the process); here so
   * code written for the jco host runs unchanged. */
  async close() {}
}
