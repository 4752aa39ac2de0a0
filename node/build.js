// Builds the native addon, line_connector.node: the connector's Rust host
// with the component inside (host-test/node, napi-rs), in the repository's
// one native build profile, so it reuses what `cargo build` / `cargo test`
// compiled. `npm pack` runs this first (prepack), so the tarball always
// ships the addon of this checkout.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, renameSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repository = join(here, "..");
const manifest = join(repository, "host-test", "node", "Cargo.toml");
if (!existsSync(manifest)) {
  console.error(`no ${manifest}: the addon is built from a checkout of the repository`);
  process.exit(1);
}
const out = execFileSync(
  "cargo",
  ["build", "--quiet", "--manifest-path", manifest, "--message-format=json"],
  { cwd: repository, encoding: "utf8", maxBuffer: 256 << 20, stdio: ["ignore", "pipe", "inherit"] },
);
// The library cargo made, from its own report (wherever its target dir is).
const library = out
  .split("\n")
  .filter((line) => line.startsWith("{"))
  .map((line) => JSON.parse(line))
  .filter((m) => m.reason === "compiler-artifact" && m.target.name === "line_connector_node")
  .flatMap((m) => m.filenames)
  .find((f) => f.endsWith(".so") || f.endsWith(".dylib") || f.endsWith(".dll"));
if (!library) {
  console.error("cargo built no line_connector_node library");
  process.exit(1);
}
// Copied beside, then renamed over: a pack running at the same time (the
// tests pack twice at once) reads the old file or the new, never half.
const partial = join(here, `line_connector.node.${process.pid}`);
copyFileSync(library, partial);
renameSync(partial, join(here, "line_connector.node"));
