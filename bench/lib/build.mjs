// The bench runs dist/: build it when it is missing, warn (without rebuilding) when src/ is newer.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** root: the repository's URL (ending in /). Exits the process when a needed build fails. */
export function ensureBuild(root) {
  const server = new URL("dist/server.js", root);
  if (!existsSync(server)) {
    process.stderr.write("dist/server.js is missing: running npm run build\n");
    const built = spawnSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
    if (built.status !== 0) process.exit(built.status ?? 1);
    return;
  }
  const src = fileURLToPath(new URL("src", root));
  const newest = readdirSync(src, { recursive: true }).reduce((m, f) => Math.max(m, statSync(join(src, f)).mtimeMs), 0);
  if (newest > statSync(server).mtimeMs)
    process.stderr.write("warning: src/ is newer than dist/; run `npm run build` to bench the current code\n");
}
