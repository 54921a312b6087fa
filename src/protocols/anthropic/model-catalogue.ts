// Claude models as Anthropic's GET /v1/models describes them: what a server without a `models` list lists
// to an Anthropic client, and the output limit max_tokens is held to. Only active models whose release date
// has a published source are listed (Anthropic's model pages, its API reference's example, its
// announcements; Claude Opus 4.5 is left out as deprecated, which the SDK warns about); any other model is
// still served when requested, and a fixture's Claude model is listed beside these.

export interface CatalogueModel {
  readonly id: string;
  readonly displayName: string;
  /** RFC 3339: when the model was released. */
  readonly createdAt: string;
  readonly line: "opus" | "sonnet" | "haiku" | "fable" | "mythos";
  readonly maxInputTokens: number;
  /** The largest max_tokens the model takes. */
  readonly maxTokens: number;
}

const model = (
  id: string,
  displayName: string,
  released: string,
  line: CatalogueModel["line"],
  maxInputTokens: number,
  maxTokens: number,
): CatalogueModel => ({ id, displayName, createdAt: `${released}T00:00:00Z`, line, maxInputTokens, maxTokens });

const MILLION = 1_000_000;

// Newest first, as the API lists them.
export const CLAUDE_MODELS: readonly CatalogueModel[] = [
  model("claude-opus-5", "Claude Opus 5", "2026-07-24", "opus", MILLION, 128_000),
  model("claude-sonnet-5", "Claude Sonnet 5", "2026-06-30", "sonnet", MILLION, 128_000),
  model("claude-fable-5", "Claude Fable 5", "2026-06-09", "fable", MILLION, 128_000),
  model("claude-opus-4-8", "Claude Opus 4.8", "2026-05-28", "opus", MILLION, 128_000),
  model("claude-opus-4-7", "Claude Opus 4.7", "2026-04-16", "opus", MILLION, 128_000),
  model("claude-opus-4-6", "Claude Opus 4.6", "2026-02-04", "opus", MILLION, 128_000),
  model("claude-haiku-4-5-20251001", "Claude Haiku 4.5", "2025-10-15", "haiku", 200_000, 64_000),
];

/** Aliases the API resolves to a dated model (GET /v1/models/{alias} answers with the model it names). */
const ALIASES = new Map<string, string>([["claude-haiku-4-5", "claude-haiku-4-5-20251001"]]);

// A Map, so a model named "constructor" finds nothing.
const BY_ID = new Map<string, CatalogueModel>(CLAUDE_MODELS.map((entry) => [entry.id, entry]));

/** The catalogue's model of this id or alias, or undefined for one it does not know. */
export function catalogueModel(id: string): CatalogueModel | undefined {
  return BY_ID.get(ALIASES.get(id) ?? id);
}
