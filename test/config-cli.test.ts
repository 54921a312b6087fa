// The config file as a user of the command meets it: `--config`, the file found in the working
// directory, flags over it, its messages, and `understudy schema`.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { cliPath, root, runCli, startCli, stopAllClis } from "./support/cli.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "understudy-config-cli-"));
  writeFileSync(
    join(dir, "fixtures.json"),
    JSON.stringify({ fixtures: [{ match: { userMessage: "hello" }, response: { content: "Hi from the config." } }] }),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(stopAllClis);

const chat = (url: string, body: Record<string, unknown>): Promise<Response> =>
  fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-config" },
    body: JSON.stringify({ messages: [{ role: "user", content: "hello" }], ...body }),
  });

describe("the config file, through the command", () => {
  it("sets fixtures (relative to the file), keys, models, rate limits and the body limit; the banner names it", async () => {
    const file = join(dir, "understudy.config.yaml");
    writeFileSync(
      file,
      [
        "# yaml-language-server: $schema=../schemas/config.schema.json",
        "fixtures: fixtures.json",
        "apiKeys: [sk-config]",
        "models: [gpt-4o, { id: fast, aliasOf: gpt-4o }]",
        "rateLimit: { rpm: 1 }",
        "maxBodyBytes: 2000",
        "quiet: true",
      ].join("\n"),
    );
    const { url, lines } = await startCli(["--config", file]);
    expect(lines).toContain(`  1 fixture from ${join(dir, "fixtures.json")}`);
    expect(lines).toContain(`  options from ${file}`);

    const first = await chat(url, { model: "fast" });
    expect(first.status).toBe(200);
    const reply = (await first.json()) as { model: string; choices: { message: { content: string } }[] };
    expect(reply.choices[0].message.content).toBe("Hi from the config.");
    expect(reply.model).toBe("gpt-4o");
    expect((await chat(url, { model: "gpt-3.5-turbo" })).status).toBe(404);
    const limited = await chat(url, { model: "gpt-4o" });
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe("rate_limit_exceeded");
    const unauthenticated = await fetch(`${url}/v1/models`);
    expect(unauthenticated.status).toBe(401);
    // -q from the file: no request lines.
    expect(lines.some((line) => line.startsWith("POST "))).toBe(false);
  });

  it("refuses a body over the file's maxBodyBytes, and flags override the file", async () => {
    const file = join(dir, "limits.json");
    writeFileSync(file, JSON.stringify({ fixtures: ["fixtures.json"], maxBodyBytes: 300, rateLimit: { rpm: 1 } }));
    const { url } = await startCli(["--config", file, "--rpm", "100", "--max-body-bytes", "5000"]);
    expect((await chat(url, { model: "gpt-4o" })).status).toBe(200);
    expect((await chat(url, { model: "gpt-4o", user: "x".repeat(1000) })).status).toBe(200);
    expect((await chat(url, { model: "gpt-4o", user: "x".repeat(6000) })).status).toBe(413);
  });

  it("starts the file's workers, each reading the same file", async () => {
    const file = join(dir, "workers.yaml");
    writeFileSync(file, "workers: 2\nfixtures: [fixtures.json]\nseed: 9\n");
    const { url, lines } = await startCli(["--config", file]);
    expect(lines).toContain(`  options from ${file}`);
    expect(lines.some((line) => line.startsWith("  2 workers share the port"))).toBe(true);
    const reply = (await (await chat(url, { model: "gpt-4o" })).json()) as {
      choices: { message: { content: string } }[];
    };
    expect(reply.choices[0].message.content).toBe("Hi from the config.");
  });

  it("sets the control API's key, or turns it off", async () => {
    const keyed = join(dir, "control-key.json");
    writeFileSync(keyed, JSON.stringify({ fixtures: "fixtures.json", controlKey: "ctl-secret" }));
    const { url } = await startCli(["--config", keyed, "-q"]);
    expect((await fetch(`${url}/__understudy/journal`)).status).toBe(401);
    const opened = await fetch(`${url}/__understudy/journal`, { headers: { authorization: "Bearer ctl-secret" } });
    expect(opened.status).toBe(200);

    const off = join(dir, "control-off.yaml");
    writeFileSync(off, "fixtures: fixtures.json\ncontrol: false\nquiet: true\n");
    const second = await startCli(["--config", off]);
    expect((await fetch(`${second.url}/__understudy/journal`)).status).toBe(404);
    expect((await chat(second.url, { model: "gpt-4o" })).status).toBe(200);
  });

  it("watches the file's fixtures with watch: true", async () => {
    const watched = join(dir, "watched.json");
    const write = (content: string) =>
      writeFileSync(watched, JSON.stringify({ fixtures: [{ match: {}, response: { content } }] }));
    write("before the edit");
    const file = join(dir, "watch.yaml");
    writeFileSync(file, "fixtures: watched.json\nwatch: true\nquiet: true\n");
    const { url } = await startCli(["--config", file]);
    const content = async () =>
      ((await (await chat(url, { model: "gpt-4o" })).json()) as { choices: { message: { content: string } }[] })
        .choices[0].message.content;
    expect(await content()).toBe("before the edit");
    write("after the edit");
    let seen = "";
    for (let i = 0; i < 50 && seen !== "after the edit"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      seen = await content();
    }
    expect(seen).toBe("after the edit");
  });

  it("reads understudy.config.json from the working directory", async () => {
    const cwd = mkdtempSync(join(dir, "cwd-"));
    writeFileSync(join(cwd, "understudy.config.json"), JSON.stringify({ port: 0, fixtures: "../fixtures.json" }));
    const child = spawn(process.execPath, [cliPath], { cwd });
    try {
      const banner = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (data: Buffer) => {
          out += data.toString();
          if (out.includes("options from")) resolve(out);
        });
        child.once("exit", (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      expect(banner).toContain("  1 fixture from ../fixtures.json\n  options from understudy.config.json\n");
      const url = /listening on (\S+)/.exec(banner)?.[1] ?? "";
      const reply = await fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hello" }] }),
      });
      expect(reply.status).toBe(200);
    } finally {
      child.kill("SIGTERM");
    }
  });

  it("stops with exit code 2 and a message naming the file, the field and what was expected", () => {
    const file = join(dir, "broken.yaml");
    writeFileSync(file, "rateLimit:\n  rpm: ten\nmaxBodyByte: 10\n");
    const run = runCli(["--config", file]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      `understudy: ${file}:\n  rateLimit.rpm: expected an integer >= 1, got "ten"\n  maxBodyByte: unknown field (did you mean "maxBodyBytes"?)\n`,
    );
    const missing = runCli(["--config", join(dir, "absent.json")]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(`understudy: ${join(dir, "absent.json")}:\n  no such file\n`);
  });

  it("prints the shipped schemas with `understudy schema`", () => {
    for (const name of ["config", "fixtures"]) {
      const run = spawnSync(process.execPath, [cliPath, "schema", name], { encoding: "utf8", timeout: 10_000 });
      expect(run.status).toBe(0);
      expect(run.stdout).toBe(readFileSync(join(root, "schemas", `${name}.schema.json`), "utf8"));
    }
    const wrong = runCli(["schema", "flows"]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toBe("understudy: schema takes config or fixtures, got flows\n");
    expect(runCli(["schema", "config", "--pretty"]).stderr).toBe(
      "understudy: schema takes config or fixtures, got config --pretty\n",
    );
  });
});
