// The fixture types are the schema's: `tsc -p tsconfig.json` fails on this file when an exported type and
// the schema that validates it say different things, and the published .d.ts must keep each field's JSDoc.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import type {
  FinishReason,
  Fixture,
  FixtureMatch,
  FixtureOptions,
  FixtureResponse,
  FlowFileSpec,
  FlowMessageSpec,
  FlowSpec,
  Reply,
  ReplyChoice,
  ReplyError,
  ReplyToolCall,
  TextMatcher,
  UsageOverride,
} from "../src/index.js";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import type { Conversation } from "../src/core/conversation.js";
import type * as replySchemas from "../src/core/reply-schema.js";
import type { TimingOptions } from "../src/core/timing.js";
import type * as fixtureSchemas from "../src/fixtures/schema.js";
import type * as flowSchemas from "../src/fixtures/flows/schema.js";
import { validateFixtures } from "../src/fixtures/validate.js";

type Out<S extends z.ZodType> = z.output<S>;

describe("the exported types are what the schemas yield", () => {
  it("fixture, match, options and response", () => {
    expectTypeOf<Fixture>().toEqualTypeOf<Out<typeof fixtureSchemas.fixtureSchema>>();
    expectTypeOf<FixtureMatch>().toEqualTypeOf<Out<typeof fixtureSchemas.fixtureMatchSchema>>();
    expectTypeOf<FixtureOptions>().toEqualTypeOf<Out<typeof fixtureSchemas.fixtureOptionsSchema>>();
    expectTypeOf<FixtureResponse>().toEqualTypeOf<Out<typeof replySchemas.replySchema>>();
    expectTypeOf<TextMatcher>().toEqualTypeOf<Out<typeof fixtureSchemas.textMatcherSchema>>();
    expectTypeOf<z.input<typeof fixtureSchemas.textMatcherSchema>>().toEqualTypeOf<
      string | RegExp | { regex: string; flags?: string }
    >();
    expectTypeOf<Fixture[]>().toEqualTypeOf<Out<typeof fixtureSchemas.fixtureFileSchema>["fixtures"]>();
  });

  it("reply, choice, error, tool call, usage and finish reason", () => {
    expectTypeOf<Reply>().toEqualTypeOf<Out<typeof replySchemas.replySchema>>();
    expectTypeOf<ReplyChoice>().toEqualTypeOf<Out<typeof replySchemas.replyChoiceSchema>>();
    expectTypeOf<ReplyError>().toEqualTypeOf<Out<typeof replySchemas.replyErrorSchema>>();
    expectTypeOf<ReplyToolCall>().toEqualTypeOf<Out<typeof replySchemas.replyToolCallSchema>>();
    expectTypeOf<UsageOverride>().toEqualTypeOf<Out<typeof replySchemas.usageOverrideSchema>>();
    expectTypeOf<FinishReason>().toEqualTypeOf<Out<typeof replySchemas.finishReasonSchema>>();
  });

  it("flow files", () => {
    expectTypeOf<FlowFileSpec>().toEqualTypeOf<Out<typeof flowSchemas.flowFileSchema>>();
    expectTypeOf<FlowSpec>().toEqualTypeOf<Out<typeof flowSchemas.flowSchema>>();
    expectTypeOf<FlowMessageSpec>().toEqualTypeOf<Out<typeof flowSchemas.flowMessageSchema>>();
  });
});

// The public shapes as users write them. A field added to a schema changes a type users see: this pins
// it, so the change is made here on purpose (and documented) rather than by accident.
describe("the public shapes", () => {
  it("a match says when, with patterns compiled and a predicate over the request", () => {
    expectTypeOf<FixtureMatch>().toEqualTypeOf<{
      userMessage?: string | RegExp;
      systemMessage?: string | RegExp;
      model?: string | RegExp;
      toolName?: string;
      toolCallId?: string;
      hasToolResult?: boolean;
      turnIndex?: number;
      responseFormat?: "text" | "json_object" | "json_schema";
      sequenceIndex?: number;
      predicate?: (request: Record<string, unknown>, conversation: Conversation) => boolean;
    }>();
    expectTypeOf<FixtureOptions>().toEqualTypeOf<{ latency?: number; timing?: TimingOptions; chunkSize?: number }>();
    expectTypeOf<Fixture>().toEqualTypeOf<{
      match: FixtureMatch;
      response: Reply;
      times?: number;
      latency?: number;
      timing?: TimingOptions;
      chunkSize?: number;
    }>();
  });

  it("a reply says what", () => {
    type ToolCall = { name: string; arguments: string | Record<string, unknown>; id?: string };
    type Choice = { content?: string; toolCalls?: ToolCall[]; reasoning?: string; finishReason?: FinishReason };
    expectTypeOf<FinishReason>().toEqualTypeOf<"stop" | "length" | "tool_calls" | "content_filter" | "function_call">();
    expectTypeOf<ReplyChoice>().toEqualTypeOf<Choice>();
    expectTypeOf<ReplyError>().toEqualTypeOf<{
      status: number;
      message: string;
      type?: string;
      code?: string | null;
      param?: string | null;
      retryAfter?: number;
    }>();
    expectTypeOf<Reply>().toEqualTypeOf<{
      content?: string;
      toolCalls?: ToolCall[];
      reasoning?: string;
      error?: ReplyError;
      finishReason?: FinishReason;
      embedding?: number[];
      choices?: Choice[];
      responseId?: string;
      usage?: { promptTokens?: number; completionTokens?: number; reasoningTokens?: number };
    }>();
  });

  it("a flow file holds whole conversations", () => {
    type ToolCall = {
      id?: string;
      type?: "function";
      function: { name: string; arguments: string | Record<string, unknown> };
    };
    expectTypeOf<FlowMessageSpec>().toEqualTypeOf<{
      role: "system" | "developer" | "user" | "assistant" | "tool";
      content?: string;
      matcher?: "exact" | "contains" | "regex" | "fuzzy" | "any";
      threshold?: number;
      tool_calls?: ToolCall[];
      tool_call_id?: string;
    }>();
    expectTypeOf<FlowSpec>().toEqualTypeOf<{ id: string; reply?: "last" | "next"; messages: FlowMessageSpec[] }>();
    expectTypeOf<FlowFileSpec>().toEqualTypeOf<{
      responses: FlowSpec[];
      apiKey?: string;
      port?: number;
      reply?: "last" | "next";
    }>();
  });

  it("a validated fixture is a Fixture, with its { regex } specs compiled", () => {
    const [fixture] = validateFixtures([
      {
        match: { userMessage: { regex: "^hi", flags: "i" }, model: "gpt-4o" },
        response: { content: "hello" },
        chunkSize: 2,
      },
    ]);
    expectTypeOf(fixture).toEqualTypeOf<Fixture>();
    expect(fixture).toEqual({
      match: { userMessage: /^hi/i, model: "gpt-4o" },
      response: { content: "hello" },
      chunkSize: 2,
    });
  });
});

// What an editor shows on hover is the JSDoc the .d.ts carries; zod's inferred types keep it only as
// declared (see core/reply-schema.ts), so the published types are compared with the sources.
describe("the published .d.ts keeps the JSDoc of every field", () => {
  const root = fileURLToPath(new URL("../", import.meta.url));
  const sample = `
const fixture: Fixture = {
  match: { userMessage: "a", systemMessage: "a", model: "a", toolName: "a", toolCallId: "a", hasToolResult: true, turnIndex: 0, responseFormat: "text", sequenceIndex: 0, predicate: () => true },
  response: {
    content: "a", reasoning: "a", finishReason: "stop", responseId: "a", embedding: [1],
    toolCalls: [{ name: "a", arguments: "{}", id: "a" }],
    error: { status: 400, message: "a", type: "a", code: "a", param: "a", retryAfter: 1 },
    choices: [{ content: "a", toolCalls: [{ name: "a", arguments: "{}", id: "a" }], reasoning: "a", finishReason: "stop" }],
    usage: { promptTokens: 1, completionTokens: 1, reasoningTokens: 1 },
  },
  latency: 1, timing: { ttft: 1, tps: 1, itl: 1, jitter: 1, prefillPerToken: 1 }, chunkSize: 1,
};
const flows: FlowFileSpec = {
  responses: [{ id: "a", reply: "last", messages: [{ role: "user", content: "a", matcher: "fuzzy", threshold: 1, tool_calls: [{ id: "a", type: "function", function: { name: "a", arguments: "{}" } }], tool_call_id: "a" }] }],
  apiKey: "a", port: 1, reply: "next",
};
export { fixture, flows };
`;
  const files: Record<string, string> = {
    [`${root}test/__published.ts`]: `import type { Fixture, FlowFileSpec } from "understudy-llm";\n${sample}`,
    [`${root}test/__source.ts`]: `import type { Fixture, FlowFileSpec } from "../src/index.js";\n${sample}`,
  };

  /** The documentation an editor shows for each field written in `file`, in order. */
  function fieldDocs(service: ts.LanguageService, file: string): string[] {
    const docs: string[] = [];
    for (const m of files[file].matchAll(/\b(\w+):/g)) {
      const info = service.getQuickInfoAtPosition(file, m.index);
      if (info?.kind === "property") docs.push(`${m[1]}: ${ts.displayPartsToString(info.documentation)}`);
    }
    return docs;
  }

  it.skipIf(!existsSync(`${root}dist/index.d.ts`))("as the sources say it (run `npm run build` first)", () => {
    const options = {
      ...ts.getDefaultCompilerOptions(),
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      types: ["node"],
      noEmit: true,
    };
    const service = ts.createLanguageService({
      getScriptFileNames: () => Object.keys(files),
      getScriptVersion: () => "1",
      getScriptSnapshot: (name) =>
        name in files
          ? ts.ScriptSnapshot.fromString(files[name])
          : existsSync(name)
            ? ts.ScriptSnapshot.fromString(readFileSync(name, "utf8"))
            : undefined,
      getCurrentDirectory: () => root,
      getCompilationSettings: () => options,
      getDefaultLibFileName: ts.getDefaultLibFilePath,
      fileExists: (name) => name in files || ts.sys.fileExists(name),
      readFile: (name) => files[name] ?? ts.sys.readFile(name),
      readDirectory: ts.sys.readDirectory,
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
    });
    const [published, source] = Object.keys(files).map((file) => fieldDocs(service, file));
    expect(source).toContain("userMessage: Substring of (or pattern tested against) the last user message.");
    expect(source).toContain("arguments: JSON text, or an object that is serialised with JSON.stringify.");
    expect(source).toContain("ttft: Milliseconds from the request to the first content token.");
    expect(source).toContain(
      "apiKey: When set, requests must present this key, as their provider's clients send it (`Authorization: Bearer`, `x-api-key`...).",
    );
    expect(published).toEqual(source);
  });
});
