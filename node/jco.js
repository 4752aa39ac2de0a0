// The component transpiled with jco and run in worker threads, instead of
// the native host (index.js): for checking that the component works in a
// WASI host nobody here wrote. It enforces less (no allow-list, proxy or
// added CA; see the README) and its instantiation takes seconds.
// `npm run build:jco` (jco is a devDependency) makes its dist/.
//
//   import { JcoConnector } from "line-connector/jco";
//   const line = new JcoConnector();
//   await line.run("push", config, { to: userId, text: "Disk full on db-2" });
//
// Every call returns a promise and runs in a fresh instance of the
// component on a worker thread: jco's WASI-HTTP shim sends synchronously,
// so the caller's event loop never waits on LINE. Inputs and results use
// LINE's field names (camelCase; snake_case for the token endpoints), as
// the manifest's schemas say; errors reject with the classes in errors.js.
import { Worker } from "node:worker_threads";
import { LineError, WebhookError, errorFor } from "./errors.js";


const MANIFEST = "manifest";
const WEBHOOK = "webhook";

/** One worker and the calls it has not answered yet. */
class Lane {
  constructor(onExit) {
    this.pending = new Map();
    this.worker = new Worker(new URL("./worker.js", import.meta.url));
    this.worker.unref();
    this.worker.on("message", (reply) => this.#settle(reply));
    this.worker.on("error", (error) => this.#fail(error));
    this.worker.on("exit", (code) => {
      this.#fail(new Error(`the connector's worker exited (code ${code})`));
      onExit(this);
    });
  }

  call(message) {
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(message.id, { resolve, reject });
      this.worker.postMessage(message);
    });
  }

  #settle(reply) {
    const call = this.pending.get(reply.id);
    if (!call) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.ok) call.resolve(reply.value);
    else if (reply.error) call.reject(reply.error);
    else call.reject(new LineError({ type: "trap", message: reply.fatal }));
  }

  #fail(error) {
    for (const { reject } of this.pending.values()) {
      reject(new LineError({ type: "trap", message: String(error && error.message) }));
    }
    this.pending.clear();
  }
}

/** The component: each call in a fresh instance, on one of `workers`
 * worker threads (default 1; calls beyond them wait their turn). */
export class JcoConnector {
  #lanes = [];
  #workers;
  #next = 0;

  constructor({ workers = 1 } = {}) {
    if (!Number.isInteger(workers) || workers < 1) throw new RangeError("workers must be a whole number >= 1");
    this.#workers = workers;
  }

  /** The manifest: the config's and every action's JSON Schemas, errors,
   * examples and hints. */
  async describe() {
    return JSON.parse(await this.#call(MANIFEST, "describe", []));
  }

  /** Runs `action` (e.g. `push`) with the config and input (LINE's field
   * names); resolves to its result, or rejects with its error. */
  async run(action, config, input = {}) {
    try {
      return JSON.parse(await this.#call(MANIFEST, "invoke", [action, JSON.stringify(config), JSON.stringify(input)]));
    } catch (error) {
      throw error instanceof Error ? error : errorFor(error);
    }
  }

  /** Verifies a webhook batch (the body as received and its
   * `X-Line-Signature`) and resolves to its events; rejects with
   * `WebhookError`. */
  async parse(channelSecret, body, signature) {
    const bytes = typeof body === "string" ? new TextEncoder().encode(body) : new Uint8Array(body);
    try {
      return JSON.parse(await this.#call(WEBHOOK, "parseJson", [channelSecret, bytes, signature]));
    } catch (error) {
      throw error instanceof Error ? error : new WebhookError(error);
    }
  }

  /** Stops the worker threads (calls under way reject). */
  async close() {
    const lanes = this.#lanes.splice(0);
    await Promise.all(lanes.map((lane) => lane.worker.terminate()));
  }

  #call(iface, fn, args) {
    return this.#lane().call({ id: ++this.#next, iface, fn, args });
  }

  /** The lane with the fewest calls waiting, a new one while under `workers`. */
  #lane() {
    const idle = this.#lanes.find((lane) => lane.pending.size === 0);
    if (idle) return idle;
    if (this.#lanes.length < this.#workers) {
      const lane = new Lane((gone) => {
        this.#lanes = this.#lanes.filter((l) => l !== gone);
      });
      this.#lanes.push(lane);
      return lane;
    }
    return this.#lanes.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  }
}
