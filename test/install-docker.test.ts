// The Dockerfile, as far as this machine can test it: base images cannot be pulled here, so the image
// is never built. Instead the test reads the Dockerfile and replays its runtime stage with plain Node:
// a build of the context .dockerignore leaves, the production install, then the image's ENTRYPOINT and
// CMD (with /app and /fixtures mapped to folders) and its HEALTHCHECK command against the server.
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { root } from "./support/cli.js";
import { binFile, copySources, INSTALL_TEST_TIMEOUT_MS, npm, registryProblem, scratch } from "./support/install.js";

interface Instruction {
  name: string;
  args: string;
}

const instructions: Instruction[] = readFileSync(join(root, "Dockerfile"), "utf8")
  .replace(/\\\n/g, " ")
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith("#"))
  .map((line) => {
    const [name, ...rest] = line.split(/\s+/);
    return { name: name.toUpperCase(), args: rest.join(" ") };
  });
const runtimeStage = instructions.slice(instructions.findLastIndex((step) => step.name === "FROM"));
const ignored = readFileSync(join(root, ".dockerignore"), "utf8")
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith("#"));

function only(stage: Instruction[], name: string): string {
  const found = stage.filter((step) => step.name === name);
  expect(found, `one ${name} in the runtime stage`).toHaveLength(1);
  return found[0].args;
}
/** An exec-form argument list (`["node", "…"]`), the only form the image uses. */
function execForm(args: string): string[] {
  return JSON.parse(args) as string[];
}

const work = scratch("docker");
afterAll(() => work.remove());

describe("the Dockerfile", () => {
  it("builds in one node:20-slim stage and runs, unprivileged, in another", () => {
    expect(instructions.filter((step) => step.name === "FROM").map((step) => step.args)).toEqual([
      "node:20-slim AS build",
      "node:20-slim",
    ]);
    expect(only(runtimeStage, "USER")).toBe("node");
    // Nothing after USER runs as root again, and the server starts after it.
    const userAt = runtimeStage.findIndex((step) => step.name === "USER");
    expect(runtimeStage.slice(userAt).map((step) => step.name)).toEqual([
      "USER",
      "EXPOSE",
      "HEALTHCHECK",
      "ENTRYPOINT",
      "CMD",
    ]);
    expect(only(runtimeStage, "EXPOSE")).toBe("4010");
    expect(execForm(only(runtimeStage, "CMD"))).toEqual([
      "--host",
      "0.0.0.0",
      "--port",
      "4010",
      "--fixtures",
      "/fixtures",
    ]);
  });

  it("leaves the host's node_modules, dist/ and git history out of the build context", () => {
    expect(ignored).toEqual(expect.arrayContaining(["node_modules", "dist", ".git"]));
  });

  it(
    "its runtime stage, replayed with Node, serves the mounted fixtures, passes its health check and stops on SIGTERM",
    async (ctx) => {
      const problem = registryProblem();
      ctx.skip(problem !== null, problem ?? "");
      const app = replayRuntimeStage(replayBuildStage());
      const fixtures = join(work.dir, "fixtures");
      mkdirSync(fixtures);
      writeFileSync(
        join(fixtures, "hello.yaml"),
        'fixtures:\n  - match: { userMessage: "hello" }\n    response: { content: "Hello from the container" }\n',
      );

      // ENTRYPOINT + CMD, with the image's paths mapped and a free port instead of 4010.
      const mapped = (arg: string): string =>
        arg
          .replace(/^\/app\//, `${app}/`)
          .replace(/^\/fixtures$/, fixtures)
          .replace(/^4010$/, "0");
      const [command, ...args] = [
        ...execForm(only(runtimeStage, "ENTRYPOINT")),
        ...execForm(only(runtimeStage, "CMD")),
      ].map(mapped);
      expect(command).toBe("node");
      expect(args[0]).toBe(join(app, binFile));
      const server = spawn(process.execPath, args, { cwd: app, env: { ...process.env, NODE_ENV: "production" } });
      const exited = new Promise<number | null>((resolve) => server.once("exit", (code) => resolve(code)));
      try {
        const url = await bannerUrl(server);
        const port = new URL(url).port;
        expect(runHealthCheck(port)).toBe(0);

        const res = await fetch(`${url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: "Bearer test" },
          body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hello" }] }),
        });
        expect(res.status).toBe(200);
        const body = (await res.json()) as { choices: { message: { content: string } }[] };
        expect(body.choices[0].message.content).toBe("Hello from the container");

        server.kill("SIGTERM");
        expect(await exited).toBe(0);
        // And the check reports a stopped server as unhealthy.
        expect(runHealthCheck(port)).toBe(1);
      } finally {
        server.kill("SIGKILL");
      }
    },
    INSTALL_TEST_TIMEOUT_MS,
  );
});

/** The build stage (`npm ci`, `COPY . .`, `npm run build`) on the context .dockerignore leaves; its folder. */
function replayBuildStage(): string {
  const context = copySources(join(work.dir, "context"));
  for (const pattern of ignored) rmSync(join(context, pattern), { recursive: true, force: true });
  // The same lockfile's packages, borrowed from this checkout rather than installed again.
  symlinkSync(join(root, "node_modules"), join(context, "node_modules"), "dir");
  npm(["run", "build"], context);
  return context;
}

/** The runtime stage up to USER: these are its instructions, verbatim, and their equivalents. */
function replayRuntimeStage(context: string): string {
  expect(runtimeStage.map((step) => `${step.name} ${step.args}`).slice(0, 6)).toEqual([
    "FROM node:20-slim",
    "ENV NODE_ENV=production",
    "WORKDIR /app",
    "COPY package.json package-lock.json ./",
    "RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force",
    "COPY --from=build /src/dist ./dist",
  ]);
  const app = join(work.dir, "app");
  mkdirSync(app);
  for (const file of ["package.json", "package-lock.json"]) cpSync(join(context, file), join(app, file));
  npm(["ci", "--omit=dev", "--ignore-scripts"], app);
  expect(existsSync(join(app, "node_modules/zod/package.json"))).toBe(true);
  expect(existsSync(join(app, "node_modules/typescript"))).toBe(false);
  cpSync(join(context, "dist"), join(app, "dist"), { recursive: true });
  return app;
}

/** The image's HEALTHCHECK command, aimed at `port` instead of 4010; its exit status. */
function runHealthCheck(port: string): number | null {
  const healthcheck = only(runtimeStage, "HEALTHCHECK");
  const [command, ...args] = execForm(healthcheck.slice(healthcheck.indexOf(" CMD ") + 5)).map((arg) =>
    arg.replace(":4010/", `:${port}/`),
  );
  expect(command).toBe("node");
  return spawnSync(process.execPath, args, { timeout: 10_000 }).status;
}

function bannerUrl(server: ReturnType<typeof spawn>): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    server.stderr?.on("data", (data: Buffer) => (err += data.toString()));
    server.stdout?.on("data", (data: Buffer) => {
      out += data.toString();
      const banner = /Understudy listening on (\S+)/.exec(out);
      if (banner) resolve(banner[1]);
    });
    server.once("exit", (code) => reject(new Error(`the server exited with ${code} before listening:\n${err}`)));
  });
}
