// `npm pack` in a checkout, then `npm install ./understudy-….tgz` in a fresh project: the tarball
// carries dist/ (built by `prepare` during the pack) and installs without running any script.
import { lstatSync, mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { root } from "./support/cli.js";
import {
  binFile,
  checkInstalled,
  copySources,
  EXPECTED_CHECK,
  freshProject,
  importedFile,
  INSTALL_TEST_TIMEOUT_MS,
  npm,
  packageName,
  packageVersion,
  registryProblem,
  scratch,
} from "./support/install.js";

const work = scratch("tarball");
afterAll(() => work.remove());

const packageFiles = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { files: string[] }).files;

interface PackResult {
  filename: string;
  files: { path: string }[];
}

describe("installing from a packed tarball", () => {
  it(
    "packs the build and the manifest only, and the installed tarball answers and runs its command",
    (ctx) => {
      const problem = registryProblem();
      ctx.skip(problem !== null, problem ?? "");
      // A developer's checkout: the sources with their dependencies installed (borrowed from this one,
      // so the pack's build runs in the copy and never rewrites this checkout's dist/).
      const checkout = copySources(join(work.dir, "checkout"));
      symlinkSync(join(root, "node_modules"), join(checkout, "node_modules"), "dir");
      // Left by a build of sources since deleted: the pack rebuilds dist/ from scratch, without it.
      mkdirSync(join(checkout, "dist"));
      writeFileSync(join(checkout, "dist/removed-module.js"), "export {};\n");

      const packOutput = npm(["pack", "--json", "--pack-destination", work.dir], checkout);
      const [packed] = JSON.parse(packOutput.slice(packOutput.indexOf("["))) as PackResult[];
      expect(packed.filename).toBe(`${packageName}-${packageVersion}.tgz`);
      const paths = packed.files.map((file) => file.path);
      expect(paths).toEqual(expect.arrayContaining(["package.json", "README.md", importedFile(), binFile]));
      expect(paths).not.toContain("dist/removed-module.js");
      // Only what `files` names, and package.json: never the sources, tests, scripts or benchmarks.
      const topLevel = [...new Set(paths.map((path) => path.split("/")[0]))].sort();
      expect(topLevel).toEqual([...packageFiles, "package.json"].sort());

      const project = freshProject(join(work.dir, "app"));
      npm(["install", join(work.dir, packed.filename)], project);

      const installed = join(project, "node_modules", packageName);
      expect(lstatSync(installed).isSymbolicLink()).toBe(false);
      const check = checkInstalled(project);
      expect(check).toMatchObject(EXPECTED_CHECK);
      expect(check.resolved).toBe(join(realpathSync(installed), importedFile()));
    },
    INSTALL_TEST_TIMEOUT_MS,
  );
});
