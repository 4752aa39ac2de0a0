// The Node package against the LINE simulator: the installed package's
// native host, or with LINE_CONNECTOR_HOST=jco its jco host. The Rust test
// suite runs these (tests/all/node.rs) on the tarball `npm pack` made,
// installed in an empty folder, with the simulator's URL and credentials
// in the environment; run alone, they need `line-connector simulate` and
// those variables set.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createServer } from "node:net";
import { after, test } from "node:test";
import {
  ApiError,
  Authentication,
  Connector,
  InvalidInput,
  LineError,
  Transport,
  WebhookError,
} from "line-connector";

const SIM = process.env.LINE_SIMULATOR_URL;
const TOKEN = process.env.LINE_SIMULATOR_TOKEN;
const CLIENT_ID = process.env.LINE_SIMULATOR_CLIENT_ID;
const CLIENT_SECRET = process.env.LINE_SIMULATOR_CLIENT_SECRET;
const USER = "U4af4980629a2b3c4d5e6f708192a3b4c";

const JCO = process.env.LINE_CONNECTOR_HOST === "jco";
const line = JCO ? new (await import("line-connector/jco")).JcoConnector({ workers: 2 }) : new Connector();
after(() => line.close());
/** A test of the native host only (options the jco host has not). */
const native = (name, body) => test(name, { skip: JCO && "native host only" }, body);

const tokenConfig = (more = {}) => ({ channelAccessToken: TOKEN, apiBaseUrl: SIM, dataApiBaseUrl: SIM, ...more });
const clientConfig = () => ({
  clientId: CLIENT_ID,
  clientSecret: CLIENT_SECRET,
  tokenUrl: `${SIM}/oauth2/v3/token`,
  apiBaseUrl: SIM,
});

/** The error `promise` rejects with. */
async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail("expected the call to fail");
}

test("describe lists every action with the connection test first", async () => {
  const manifest = await line.describe();
  const names = manifest.actions.map((a) => a.name);
  assert.equal(names[0], "check");
  assert.equal(names.length, 111);
  assert.ok(names.includes("push") && names.includes("issue-channel-token"));
  assert.equal(manifest.configSchema.properties.clientSecret["x-secret"], true);
});

test("push returns LINE's request id and the sent messages", async () => {
  const result = await line.run("push", tokenConfig(), { to: USER, text: "Disk full on db-2" });
  assert.ok(result.requestId && result.retryKey);
  assert.ok(result.sentMessages[0].id);
});

test("the connection test with client credentials", async () => {
  const result = await line.run("check", clientConfig());
  assert.equal(result.authMode, "clientSecret");
  assert.ok(result.tokenExpiresIn > 0 && result.tokenExpiresIn <= 900);
  assert.ok(result.displayName);
});

test("token endpoints use LINE's snake_case names", async () => {
  const issued = await line.run("issue-stateless-channel-token", clientConfig(), {});
  assert.equal(issued.expires_in, 900);
  assert.ok(issued.access_token);
  const verified = await line.run("verify-channel-token", tokenConfig(), { access_token: issued.access_token });
  assert.equal(verified.client_id, CLIENT_ID);
});

test("bad input is InvalidInput with its field", async () => {
  let error = await rejection(line.run("push", tokenConfig(), { to: "not-a-user", text: "x" }));
  assert.ok(error instanceof InvalidInput && error instanceof LineError);
  assert.equal(error.field, "to");
  error = await rejection(line.run("push", { apiBaseUrl: SIM }, { to: USER, text: "x" }));
  assert.equal(error.field, "config.channelAccessToken");
});

test("a refused token is Authentication with LINE's status and request id", async () => {
  const error = await rejection(line.run("quota", tokenConfig({ channelAccessToken: "revoked-or-wrong-token" })));
  assert.ok(error instanceof Authentication && error instanceof ApiError);
  assert.equal(error.status, 401);
  assert.ok(error.requestId);
});

test("LINE's 404 is an ApiError", async () => {
  const error = await rejection(line.run("get-rich-menu", tokenConfig(), { richMenuId: "richmenu-" + "0".repeat(32) }));
  assert.ok(error instanceof ApiError);
  assert.equal(error.status, 404);
  assert.equal(error.type, "api");
});

test("no answer is a Transport error with its kind", async () => {
  const error = await rejection(line.run("quota", tokenConfig({ apiBaseUrl: "http://127.0.0.1:9", maxAttempts: 1 })));
  assert.ok(error instanceof Transport);
  assert.equal(error.kind, "connect");
});

test("a server that never answers ends at totalTimeoutMs, and the event loop keeps running", async () => {
  const stall = createServer(() => {}); // accepts, reads, never answers
  await new Promise((resolve) => stall.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${stall.address().port}`;
  let ticks = 0;
  const timer = setInterval(() => ticks++, 50);
  const started = Date.now();
  const config = tokenConfig({ apiBaseUrl: url, maxAttempts: 1, timeoutMs: 1000, totalTimeoutMs: 1500 });
  const error = await rejection(line.run("quota", config));
  const took = Date.now() - started;
  clearInterval(timer);
  stall.close();
  assert.ok(error instanceof Transport, String(error));
  assert.equal(error.kind, "timeout");
  // Bounded by the component's own deadline (generously: shared machines).
  assert.ok(took < 30000, `took ${took} ms`);
  assert.ok(ticks > 0, "the event loop was blocked");
});

test("calls run side by side on the workers", async () => {
  const results = await Promise.all(
    Array.from({ length: 6 }, (_, i) => line.run("push", tokenConfig(), { to: USER, text: `alert ${i}` })),
  );
  const keys = new Set(results.map((r) => r.retryKey));
  assert.equal(keys.size, 6);
});

test("a webhook batch is verified then read", async () => {
  const secret = "webhook-channel-secret";
  const body = Buffer.from(JSON.stringify({ destination: USER, events: [] }));
  const signature = createHmac("sha256", secret).update(body).digest("base64");
  const batch = await line.parse(secret, body, signature);
  assert.equal(batch.destination, USER);
  assert.deepEqual(batch.events, []);
  const error = await rejection(line.parse(secret, Buffer.concat([body, Buffer.from(" ")]), signature));
  assert.ok(error instanceof WebhookError);
  assert.equal(error.data.type, "signature-mismatch");
});

native("the package is the installed native addon", async () => {
  const { createRequire } = await import("node:module");
  const resolved = createRequire(import.meta.url).resolve("line-connector");
  assert.ok(resolved.includes("node_modules"), resolved);
});

native("an unknown action is the component's InvalidInput", async () => {
  const error = await rejection(line.run("no-such-action", tokenConfig()));
  assert.ok(error instanceof InvalidInput);
  assert.equal(error.field, "action");
});

native("the allow-list refuses a host off it and sends nothing", async () => {
  const fenced = new Connector({ allow: ["api.line.me"] });
  const error = await rejection(fenced.run("push", tokenConfig(), { to: USER, text: "x" }));
  assert.ok(error instanceof Transport);
  assert.equal(error.kind, "denied");
  const allowed = new Connector({ allow: ["127.0.0.1"] });
  assert.ok((await allowed.run("quota", tokenConfig())).type);
});

native("a bad option throws naming it, quoting no password", async () => {
  assert.throws(() => new Connector({ proxy: "socks5://user:hunter2@127.0.0.1:1080" }), (e) => {
    return /proxy/.test(e.message) && !e.message.includes("hunter2");
  });
  assert.throws(() => new Connector({ caFile: "/nonexistent/ca.pem" }), /caFile/);
});

native("input larger than an instance can hold is refused by the host", async () => {
  const error = await rejection(line.run("push", tokenConfig(), { to: USER, text: "x".repeat(33 << 20) }));
  assert.ok(error instanceof InvalidInput);
  assert.match(error.message, /this host takes at most/);
});
