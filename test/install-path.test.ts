// `npm install /path/to/clone` on a fresh machine: npm links the folder and runs `prepare` there,
// which must install the clone's own dependencies and build dist/ (it used to fail: "tsc: not found").
import { existsSync, lstatSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  checkInstalled,
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

const work = scratch("path");
afterAll(() => work.remove());

describe("installing from a path", () => {
  it(
    "builds a fresh clone in place, then the project imports it, gets an answer and runs its command",
    (ctx) => {
      const problem = registryProblem();
      ctx.skip(problem !== null, problem ?? "");
      const clone = copySources(join(work.dir, "clone"));
      expect(existsSync(join(clone, "node_modules"))).toBe(false);
      expect(existsSync(join(clone, "dist"))).toBe(false);
      const project = freshProject(join(work.dir, "app"));

      npm(["install", clone], project);

      // A path install is a symlink to the clone, so the clone itself holds the build and its deps.
      expect(lstatSync(join(project, "node_modules", packageName)).isSymbolicLink()).toBe(true);
      expect(existsSync(join(clone, importedFile()))).toBe(true);
      expect(existsSync(join(clone, "node_modules/zod/package.json"))).toBe(true);
      const check = checkInstalled(project);
      expect(check).toMatchObject(EXPECTED_CHECK);
      expect(check.resolved).toBe(join(realpathSync(clone), importedFile()));
    },
    INSTALL_TEST_TIMEOUT_MS,
  );
});
