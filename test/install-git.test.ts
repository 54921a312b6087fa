// `npm install git+https://…` (here git+file://): npm clones the repository, installs its dev
// dependencies, runs `prepare` (the build) and installs what `npm pack` would ship from that clone.
import { existsSync, lstatSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  binFile,
  checkInstalled,
  commitAll,
  copySources,
  EXPECTED_CHECK,
  freshProject,
  importedFile,
  INSTALL_TEST_TIMEOUT_MS,
  npm,
  packageName,
  registryProblem,
  scratch,
} from "./support/install.js";

const work = scratch("git");
afterAll(() => work.remove());

describe("installing from a git URL", () => {
  it(
    "builds in npm's clone and installs the packed result with the runtime dependencies only",
    (ctx) => {
      const problem = registryProblem();
      ctx.skip(problem !== null, problem ?? "");
      const repo = copySources(join(work.dir, "repo"));
      commitAll(repo);
      const project = freshProject(join(work.dir, "app"));

      npm(["install", `git+file://${repo}`], project);

      const installed = join(project, "node_modules", packageName);
      expect(lstatSync(installed).isSymbolicLink()).toBe(false);
      expect(existsSync(join(installed, binFile))).toBe(true);
      // Packed by `files`: the build and the manifest, not the sources or the tests.
      expect(existsSync(join(installed, "src"))).toBe(false);
      expect(existsSync(join(installed, "test"))).toBe(false);
      expect(existsSync(join(project, "node_modules/zod/package.json"))).toBe(true);
      expect(existsSync(join(project, "node_modules/typescript"))).toBe(false);
      const check = checkInstalled(project);
      expect(check).toMatchObject(EXPECTED_CHECK);
      expect(check.resolved).toBe(join(realpathSync(installed), importedFile()));
    },
    INSTALL_TEST_TIMEOUT_MS,
  );
});
