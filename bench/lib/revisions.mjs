// Builds of Understudy to compare (bench/ab.mjs, bench/ab-paced.mjs): a git revision built in a temporary
// worktree, or this checkout's dist/.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureBuild } from "./build.mjs";
import { childGroup, setUpPinning } from "./children.mjs";
import { closeAgent } from "./http.mjs";

/** root: the repository's URL. build(rev, name) returns a dist/ directory; cleanUp() removes the worktrees. */
export function revisionBuilds(root, log) {
  const rootPath = fileURLToPath(root);
  const scratch = mkdtempSync(join(tmpdir(), "understudy-ab-"));
  const worktrees = [];
  return {
    scratch,
    /** `rev` undefined: this checkout's dist/ (built if missing). */
    build(rev, name) {
      if (rev === undefined) {
        ensureBuild(root);
        return join(rootPath, "dist");
      }
      const dir = join(scratch, name);
      log(`building ${rev} in ${dir}`);
      worktrees.push(dir);
      execFileSync("git", ["-C", rootPath, "worktree", "add", "--detach", dir, rev], { stdio: "ignore" });
      symlinkSync(join(rootPath, "node_modules"), join(dir, "node_modules"));
      execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: dir, stdio: "inherit" });
      return join(dir, "dist");
    },
    cleanUp() {
      for (const dir of worktrees)
        execFileSync("git", ["-C", rootPath, "worktree", "remove", "--force", dir], { stdio: "ignore" });
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/**
 * What an A/B run needs: a stderr log, the builds, the pinned child processes, and cleanUp() (also run on
 * Ctrl-C) that stops the children and removes the worktrees.
 */
export function abSession(root) {
  const log = (msg) => process.stderr.write(`${msg}\n`);
  const revisions = revisionBuilds(root, log);
  const children = childGroup(root, setUpPinning(true));
  const cleanUp = async () => {
    closeAgent();
    await children.stopAll();
    revisions.cleanUp();
  };
  process.once("SIGINT", () => cleanUp().finally(() => process.exit(130)));
  return { log, revisions, children, cleanUp };
}
