// Transpiles the component into dist/ with jco: JavaScript bindings and the
// core modules, instantiated on demand (one instance per call, in worker.js).
// The component: $LINE_CONNECTOR_WASM, or the one a build of the repository
// left in ../target/guest/.
import { execFileSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const wasm = process.env.LINE_CONNECTOR_WASM || join(here, "..", "target", "guest", "line_connector.wasm");
if (!existsSync(wasm)) {
  console.error(`no component at ${wasm}: set LINE_CONNECTOR_WASM, or build the repository (cargo build)`);
  process.exit(1);
}
const dist = join(here, "dist");
rmSync(dist, { recursive: true, force: true });
// jco's command, as npm installed it (a devDependency).
const jco = join(here, "node_modules", ".bin", "jco");
execFileSync(
  jco,
  ["transpile", wasm, "-o", dist, "--name", "line_connector", "--instantiation", "sync", "--no-typescript", "--quiet"],
  { stdio: "inherit" },
);
