// The config file (`understudy.config.{json,yaml,yml}` or `--config <file>`) as a zod schema: the one
// source of what the file accepts, of its messages and of the JSON Schema editors complete it with.
// Every field is a createServer option of the same name, plus the command's own (fixtures, workers, quiet).
import { z } from "zod";
import { parseFallback } from "../fixtures/fallback.js";
import { MAX_TIMEOUT_MS } from "../transport/timeouts.js";

/** An integer within bounds, with one message for every way a value can miss them. */
function integer(min: number, max: number = Number.MAX_SAFE_INTEGER) {
  const expected =
    max === Number.MAX_SAFE_INTEGER ? `expected an integer >= ${min}` : `expected an integer from ${min} to ${max}`;
  return z
    .number({ error: expected })
    .int({ error: expected })
    .min(min, { error: expected })
    .max(max, { error: expected });
}

function milliseconds() {
  const expected = "expected a number of milliseconds >= 0";
  return z.number({ error: expected }).min(0, { error: expected });
}

function text(what = "a non-empty string") {
  return z.string({ error: `expected ${what}` }).min(1, { error: `expected ${what}` });
}

const flag = (description: string) => z.boolean({ error: "expected true or false" }).optional().describe(description);

const modelEntry = z.union(
  [
    text("a model id"),
    z.strictObject({
      id: text("a model id").describe("The model id requests name."),
      ownedBy: text().optional().describe('Shown as `owned_by` in OpenAI\'s models list (default "understudy").'),
      aliasOf: text("a model id").optional().describe("Requests for this id are served as the named model."),
    }),
  ],
  { error: "expected a model id or { id, aliasOf?, ownedBy? }" },
);

const timing = z
  .strictObject({
    ttft: milliseconds().optional().describe("Milliseconds to the first content token."),
    tps: z
      .number({ error: "expected a number of tokens per second >= 0" })
      .min(0, { error: "expected a number of tokens per second >= 0" })
      .optional()
      .describe("Tokens per second after the first (or itl)."),
    itl: milliseconds().optional().describe("Milliseconds between tokens."),
    jitter: milliseconds().optional().describe("Spread every gap by up to ± this much (deterministic with seed)."),
    prefillPerToken: milliseconds().optional().describe("Milliseconds of prefill per prompt token, added to ttft."),
  })
  .describe("How fast answers come; a fixture's timing and a request's x-understudy-* headers win over it.");

const fallback = z.string({ error: 'expected "echo" or "lorem:<tokens>"' }).superRefine((value, ctx) => {
  try {
    parseFallback(value);
  } catch (err) {
    // The parser's own wording, less its subject and the value (the message adds both).
    const expected = (err as Error).message.replace(/^fallback must be /, "").replace(/, got .*$/, "");
    ctx.addIssue({ code: "custom", message: `expected ${expected}` });
  }
});

const timeout = (description: string) => integer(0, MAX_TIMEOUT_MS).optional().describe(description);

export const configShape = {
  $schema: z.string({ error: "expected a string" }).optional().describe("The JSON Schema of this file, for editors."),
  fixtures: z
    .union([text("a path"), z.array(text("a path"), { error: "expected a list of paths" })], {
      error: "expected a path or a list of paths",
    })
    .optional()
    .describe("Fixture files (JSON or YAML) or folders of them, relative to this file. Without any: the demo set."),
  port: integer(0, 65535)
    .optional()
    .describe("Port to listen on (default: a flow file's port, else 4010; 0 picks one)."),
  host: text("a host name or address").optional().describe("Interface to bind (default 127.0.0.1)."),
  apiKeys: z
    .array(text("a non-empty key"), { error: "expected a list of keys" })
    .optional()
    .describe("Keys requests must present, as each provider's clients send one (also UNDERSTUDY_API_KEYS)."),
  models: z
    .array(modelEntry, { error: "expected a list of models" })
    .optional()
    .describe(
      "The models served (others get 404 model_not_found unless a fixture names them); an entry may alias another.",
    ),
  rateLimit: z
    .strictObject({
      rpm: integer(1).optional().describe("Requests per minute, per API key."),
      tpm: integer(1).optional().describe("Tokens (prompt + completion) per minute, per API key."),
    })
    .optional()
    .describe("Rate limits: beyond them, each provider's 429 with its retry information and headers."),
  timing: timing.optional(),
  latency: milliseconds().optional().describe("Milliseconds between streamed chunks (the same as timing.itl)."),
  chunkSize: integer(1).optional().describe("Characters per streamed chunk (default: one token per chunk)."),
  maxConcurrency: integer(1).optional().describe("Answers generated at once; later requests queue."),
  fallback: fallback.optional().describe('What answers requests no fixture matches: "echo" or "lorem:<tokens>".'),
  workers: integer(1, 256).optional().describe("Processes serving the port (node:cluster; default 1)."),
  seed: integer(0, 2 ** 32 - 1)
    .optional()
    .describe("Seed for ids, for reproducible responses."),
  journalSize: integer(0).optional().describe("Exchanges the request journal keeps (default 100)."),
  responseStoreSize: integer(0)
    .optional()
    .describe("Responses API answers kept for GET and previous_response_id (default 1000)."),
  maxBodyBytes: integer(1).optional().describe("Largest accepted request body in bytes (default 16 MiB)."),
  headersTimeout: timeout("Milliseconds a request's headers may take (default 10000; 0: no limit)."),
  requestTimeout: timeout("Milliseconds a whole request may take (default 30000; 0: no limit)."),
  keepAliveTimeout: timeout("Milliseconds an idle keep-alive connection stays open (default 65000; 0: no limit)."),
  cors: z
    .union([z.boolean(), text("an origin"), z.array(text("an origin"))], {
      error: 'expected true, false, an origin or a list of origins ("*": any)',
    })
    .optional()
    .describe('Browser access: the allowed origins ("*" or true: any, the default; false: no CORS headers).'),
  control: flag("Whether the control API under /__understudy/ is served (default true)."),
  controlKey: text("a non-empty key").optional().describe("A key the control routes accept (besides the API keys)."),
  watch: flag("Re-read fixture files when they change (also on SIGHUP)."),
  quiet: flag("No per-request log lines."),
};

export const configFileSchema: z.ZodObject<typeof configShape, z.core.$strict> = z.strictObject(configShape);

/** A config file's contents, as validated. */
export type ConfigFile = z.output<typeof configFileSchema>;
