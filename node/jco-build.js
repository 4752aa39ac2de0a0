// Transpiles the component into dist/ with jco, for jco.js: JavaScript
// bindings and the core modules, instantiated in worker.js. The component
// is the one inside the native addon (`npm run build` first), the same
// bytes index.js runs.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const { component } = createRequire(import.meta.url)("./line_connector.node");
const scratch = mkdtempSync(join(tmpdir(), "line-connector-"));
const wasm = join(scratch, "line_connector.wasm");
writeFileSync(wasm, component());
const dist = join(here, "dist");
rmSync(dist, { recursive: true, force: true });
// jco's command, as npm installed it (a devDependency).
const jco = join(here, "node_modules", ".bin", "jco");
execFileSync(
  jco,
  ["transpile", wasm, "-o", dist, "--name", "line_connector", "--instantiation", "sync", "--no-typescript", "--quiet"],
  { stdio: "inherit" },
);
rmSync(scratch, { recursive: true, force: true });
