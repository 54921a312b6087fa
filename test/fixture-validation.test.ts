// Fixture validation: JSON/YAML files and code fixtures fail with messages naming the file, index and field.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FixtureValidationError, LLMock, loadFixtureFile, loadFixturePaths, type Fixture } from "understudy-llm";
import { createServer } from "understudy-llm/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpPost } from "./support/http.js";

let dir: string;
let fileCount = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "understudy-validation-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `text` (or an object as JSON) to a fresh file in the temp dir and returns its path. */
function write(ext: "json" | "yaml" | "yml", contents: unknown, folder = dir): string {
  const path = join(folder, `fixture-${++fileCount}.${ext}`);
  writeFileSync(path, typeof contents === "string" ? contents : JSON.stringify(contents, null, 2));
  return path;
}

/** The FixtureValidationError `run` throws (fails the test when it throws nothing or something else). */
function validationError(run: () => unknown): FixtureValidationError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(FixtureValidationError);
    return err as FixtureValidationError;
  }
  throw new Error("expected a FixtureValidationError, but nothing was thrown");
}

const ok = { match: { userMessage: "hi" }, response: { content: "hello" } };

describe("JSON fixture files", () => {
  it("names the file, the fixture index and the field: fixtures[3].response.toolCalls[0].name: expected a string", () => {
    const path = write("json", {
      fixtures: [ok, ok, ok, { match: {}, response: { toolCalls: [{ name: 42, arguments: "{}" }] } }],
    });
    const err = validationError(() => loadFixtureFile(path));
    expect(err.source).toBe(path);
    expect(err.issues).toEqual(["fixtures[3].response.toolCalls[0].name: expected a string"]);
    expect(err.message).toBe(`${path}:\n  fixtures[3].response.toolCalls[0].name: expected a string`);
  });

  it("reports every broken field of every fixture, fixture by fixture, and says which are missing", () => {
    const path = write("json", {
      fixtures: [
        { match: { userMessage: 1 }, response: { content: 2 } },
        ok,
        {
          match: { turnIndex: -1, hasToolResult: "yes" },
          response: { toolCalls: [{ name: "f" }], finishReason: "done" },
        },
        { match: {} },
      ],
    });
    expect(validationError(() => loadFixtureFile(path)).issues).toEqual([
      "fixtures[0].match.userMessage: expected a string, a RegExp or { regex }",
      "fixtures[0].response.content: expected a string",
      "fixtures[2].match.hasToolResult: expected a boolean",
      "fixtures[2].match.turnIndex: expected a number >= 0",
      "fixtures[2].response.toolCalls[0].arguments: missing (expected a JSON string or an object)",
      'fixtures[2].response.finishReason: expected one of "stop", "length", "tool_calls", "content_filter", "function_call"',
      "fixtures[3].response: missing (expected an object)",
    ]);
  });

  it("rejects a response with nothing to answer and an error status outside 400-599", () => {
    const path = write("json", {
      fixtures: [
        { match: {}, response: {} },
        { match: {}, response: { error: { status: 200, message: "x" } } },
      ],
    });
    expect(validationError(() => loadFixtureFile(path)).issues).toEqual([
      "fixtures[0].response: expected at least one of content, toolCalls, reasoning, error or embedding",
      "fixtures[1].response.error.status: expected a number >= 400",
    ]);
  });

  it("asks for integers, non-empty tool names and statuses up to 599 in plain words", () => {
    const path = write("json", {
      fixtures: [
        { match: { sequenceIndex: 1.5 }, response: { toolCalls: [{ name: "", arguments: {} }] } },
        { match: {}, response: { error: { status: 600, message: "x" } }, chunkSize: 0 },
      ],
    });
    expect(validationError(() => loadFixtureFile(path)).issues).toEqual([
      "fixtures[0].match.sequenceIndex: expected an integer",
      "fixtures[0].response.toolCalls[0].name: expected a non-empty string",
      "fixtures[1].response.error.status: expected a number <= 599",
      "fixtures[1].chunkSize: expected a number >= 1",
    ]);
  });

  it("rejects unknown fields at the top, in a fixture, in a match and in a { regex } spec", () => {
    const path = write("json", {
      fixtures: [
        { match: { usermessage: "hi" }, response: { content: "x" } },
        { match: {}, response: { content: "x" }, delay: 5, foo: 1 },
        { match: { model: { regex: "^gpt", flag: "i" } }, response: { content: "x" } },
      ],
      version: 2,
    });
    expect(validationError(() => loadFixtureFile(path)).issues).toEqual([
      'fixtures[0].match: unknown field "usermessage"',
      'fixtures[1]: unknown fields "delay", "foo"',
      'fixtures[2].match.model: unknown field "flag"',
      '(root): unknown field "version"',
    ]);
  });

  it("requires the top level to be an object with a fixtures array (or a responses list of flows)", () => {
    const expected = ['expected a "fixtures" list (native fixtures) or a "responses" list (conversation flows)'];
    expect(validationError(() => loadFixtureFile(write("json", [ok]))).issues).toEqual(expected);
    expect(validationError(() => loadFixtureFile(write("json", { fixture: [ok] }))).issues).toEqual(expected);
    expect(validationError(() => loadFixtureFile(write("json", { fixtures: {} }))).issues).toEqual([
      "fixtures: expected an array",
    ]);
  });

  it("reports an invalid regular expression or flags at match.<field>.regex", () => {
    const path = write("json", {
      fixtures: [
        ok,
        { match: { userMessage: { regex: "(unclosed" } }, response: { content: "x" } },
        { match: { model: { regex: "a", flags: "q" } }, response: { content: "x" } },
      ],
    });
    const err = validationError(() => loadFixtureFile(path));
    expect(err.issues).toHaveLength(2);
    expect(err.issues[0]).toMatch(
      /^fixtures\[1\]\.match\.userMessage\.regex: invalid regular expression \(.*\/\(unclosed\/: Unterminated group\)$/,
    );
    expect(err.issues[1]).toMatch(
      /^fixtures\[2\]\.match\.model\.regex: invalid regular expression \(Invalid flags .*'q'\)$/,
    );
  });

  it("names a file that is not valid JSON, and a path that does not exist", () => {
    const bad = write("json", '{ "fixtures": [ { "match": {} ');
    const err = validationError(() => loadFixtureFile(bad));
    expect(err.source).toBe(bad);
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatch(/^not valid JSON: /);
    const missing = join(dir, "nope.json");
    expect(validationError(() => loadFixturePaths([missing])).message).toBe(`${missing}:\n  no such file or folder`);
  });
});

describe("YAML fixture files", () => {
  it("validates YAML with the same field paths as JSON", () => {
    const path = write(
      "yaml",
      [
        "fixtures:",
        "  - match: { userMessage: hi }",
        "    response: { content: hello }",
        "  - match: { toolName: 7 }",
        "    response:",
        "      toolCalls:",
        "        - arguments: '{}'",
        "      reasoning: [a]",
      ].join("\n"),
    );
    const err = validationError(() => loadFixtureFile(path));
    expect(err.message).toBe(
      `${path}:\n` +
        "  fixtures[1].match.toolName: expected a string\n" +
        "  fixtures[1].response.toolCalls[0].name: missing (expected a string)\n" +
        "  fixtures[1].response.reasoning: expected a string",
    );
  });

  it("names a file that is not valid YAML", () => {
    const path = write("yml", "fixtures:\n  - match: [unclosed\n");
    const err = validationError(() => loadFixtureFile(path));
    expect(err.source).toBe(path);
    expect(err.issues[0]).toMatch(/^not valid YAML: /);
  });

  it("loads a valid YAML file with a { regex } matcher and object arguments", () => {
    const path = write(
      "yml",
      [
        "fixtures:",
        "  - match: { userMessage: { regex: '^hi\\b', flags: i } }",
        "    response:",
        "      toolCalls: [{ name: greet, arguments: { loud: true } }]",
        "    chunkSize: 4",
      ].join("\n"),
    );
    expect(loadFixtureFile(path)).toEqual([
      {
        match: { userMessage: /^hi\b/i },
        response: { toolCalls: [{ name: "greet", arguments: { loud: true } }] },
        chunkSize: 4,
      },
    ]);
  });
});

describe("folders of fixture files", () => {
  it("loads a folder's .json, .yaml and .yml files in name order and ignores other files", async () => {
    const folder = join(dir, "ordered");
    mkdirSync(folder);
    writeFileSync(
      join(folder, "b-second.yaml"),
      "fixtures:\n  - match: { userMessage: hello }\n    response: { content: from b }\n",
    );
    writeFileSync(
      join(folder, "a-first.json"),
      JSON.stringify({ fixtures: [{ match: { userMessage: "hello" }, response: { content: "from a" } }] }),
    );
    writeFileSync(
      join(folder, "c-third.yml"),
      "fixtures:\n  - match: { userMessage: bye }\n    response: { content: from c }\n",
    );
    writeFileSync(join(folder, "notes.txt"), "not a fixture file");
    expect((loadFixturePaths([folder]) as Fixture[]).map((f) => f.response.content)).toEqual([
      "from a",
      "from b",
      "from c",
    ]);

    const mock = new LLMock().loadFixtures(folder);
    await mock.start();
    try {
      const res = await httpPost(`${mock.url}/v1/chat/completions`, {
        model: "gpt-4o",
        messages: [{ role: "user", content: "hello" }],
      });
      expect(JSON.parse(res.body).choices[0].message.content).toBe("from a");
      expect(mock.requests[0].fixture).toBe('#0 userMessage="hello"');
    } finally {
      await mock.stop();
    }
  });

  it("stops at the first broken file in a folder, names it, and adds none of the folder's fixtures", () => {
    const folder = join(dir, "broken");
    mkdirSync(folder);
    writeFileSync(join(folder, "1-good.json"), JSON.stringify({ fixtures: [ok] }));
    writeFileSync(
      join(folder, "2-bad.json"),
      JSON.stringify({ fixtures: [ok, { match: { sequenceIndex: 1.5 }, response: { content: "x" } }] }),
    );
    writeFileSync(join(folder, "3-bad.json"), JSON.stringify({ fixtures: [{}] }));
    const mock = new LLMock();
    const err = validationError(() => mock.loadFixtures(folder));
    expect(err.message).toBe(`${join(folder, "2-bad.json")}:\n  fixtures[1].match.sequenceIndex: expected an integer`);
    expect(
      validationError(() => mock.loadFixtures(join(folder, "1-good.json"), join(folder, "3-bad.json"))).issues,
    ).toEqual([
      "fixtures[0].match: missing (expected an object)",
      "fixtures[0].response: missing (expected an object)",
    ]);
  });
});

describe("code fixtures", () => {
  const badName = { match: {}, response: { toolCalls: [{ name: 42, arguments: "{}" }] } } as unknown as Fixture;

  it("makes createServer reject broken fixtures with their index and field", async () => {
    const err = await createServer([ok, badName]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FixtureValidationError);
    expect((err as Error).message).toBe(
      "createServer fixtures:\n  fixtures[1].response.toolCalls[0].name: expected a string",
    );
  });

  it("numbers mock.on fixtures by their place in the mock and keeps a rejected one out", async () => {
    const mock = new LLMock();
    mock.on({ userMessage: "a" }, { content: "a" }).on({ userMessage: "b" }, { content: "b" });
    const err = validationError(() => mock.on({ userMessage: "c" }, badName.response));
    expect(err.message).toBe("mock fixtures:\n  fixtures[2].response.toolCalls[0].name: expected a string");
    mock.on({ userMessage: "d" }, { content: "d" });
    await mock.start();
    try {
      await httpPost(`${mock.url}/v1/chat/completions`, {
        model: "gpt-4o",
        messages: [{ role: "user", content: "d" }],
      });
      expect(mock.requests[0].fixture).toBe('#2 userMessage="d"');
    } finally {
      await mock.stop();
    }
  });

  it("rejects a non-function predicate, unknown options and a negative latency given in code", () => {
    const mock = new LLMock();
    const on =
      (...args: unknown[]) =>
      () =>
        (mock.on as (...a: unknown[]) => unknown)(...args);
    expect(validationError(on({ predicate: "yes" }, { content: "x" })).issues).toEqual([
      "fixtures[0].match.predicate: expected a function",
    ]);
    expect(validationError(on({}, { content: "x" }, { delay: 10 })).issues).toEqual([
      'fixtures[0]: unknown field "delay"',
    ]);
    expect(validationError(on({}, { content: "x" }, { latency: -1 })).issues).toEqual([
      "fixtures[0].latency: expected a number >= 0",
    ]);
    expect(validationError(() => mock.addFixtures([ok, null as unknown as Fixture])).issues).toEqual([
      "fixtures[1]: expected an object",
    ]);
  });

  it("accepts RegExp matchers and { regex } specs in code and compiles the specs", async () => {
    const server = await createServer([
      { match: { userMessage: { regex: "^HI$", flags: "i" } as unknown as RegExp }, response: { content: "compiled" } },
    ]);
    try {
      expect(server.fixtures.all()[0].match.userMessage).toEqual(/^HI$/i);
      const res = await httpPost(`${server.url}/v1/chat/completions`, {
        model: "gpt-4o",
        messages: [{ role: "user", content: "hi" }],
      });
      expect(JSON.parse(res.body).choices[0].message.content).toBe("compiled");
    } finally {
      await server.close();
    }
  });
});
