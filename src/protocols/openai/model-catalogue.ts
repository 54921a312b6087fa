// OpenAI's own models, as its GET /v1/models describes them: what a server without a `models` list lists,
// so `models.list()` and health checks that list models see a real catalogue instead of an empty list.

/** One entry of GET /v1/models, in the four fields the real API sends. */
export interface ModelObject {
  id: string;
  object: "model";
  created: number;
  owned_by: string;
}

// [id, created, owned_by]. Only the models Understudy's surfaces can answer for (chat, reasoning, legacy
// completions, embeddings), each with the `created` and `owned_by` OpenAI's listing gives it (two listings
// from October 2025 agree on every value; gpt-5.2's from December 2025). Image, audio, speech,
// transcription, moderation, realtime and search models are left out: listing them would invite requests
// to endpoints Understudy does not serve. The order is fixed: newest family first, each alias before
// its dated snapshots.
const ENTRIES: readonly (readonly [string, number, string?])[] = [
  ["gpt-5.2", 1765313051],
  ["gpt-5.2-2025-12-11", 1765313028],
  ["gpt-5.2-chat-latest", 1765344352],
  ["gpt-5.2-pro", 1765343983],
  ["gpt-5.2-pro-2025-12-11", 1765343959],
  ["gpt-5", 1754425777],
  ["gpt-5-2025-08-07", 1754075360],
  ["gpt-5-mini", 1754425928],
  ["gpt-5-mini-2025-08-07", 1754425867],
  ["gpt-5-nano", 1754426384],
  ["gpt-5-nano-2025-08-07", 1754426303],
  ["gpt-5-chat-latest", 1754073306],
  ["gpt-5-pro", 1759469822],
  ["gpt-5-pro-2025-10-06", 1759469707],
  ["gpt-5-codex", 1757527818],
  ["gpt-4.1", 1744316542],
  ["gpt-4.1-2025-04-14", 1744315746],
  ["gpt-4.1-mini", 1744318173],
  ["gpt-4.1-mini-2025-04-14", 1744317547],
  ["gpt-4.1-nano", 1744321707],
  ["gpt-4.1-nano-2025-04-14", 1744321025],
  ["gpt-4o", 1715367049],
  ["gpt-4o-2024-11-20", 1739331543],
  ["gpt-4o-2024-08-06", 1722814719],
  ["gpt-4o-2024-05-13", 1715368132],
  ["chatgpt-4o-latest", 1723515131],
  ["gpt-4o-mini", 1721172741],
  ["gpt-4o-mini-2024-07-18", 1721172717],
  ["o4-mini", 1744225351],
  ["o4-mini-2025-04-16", 1744133506],
  ["o3", 1744225308],
  ["o3-2025-04-16", 1744133301],
  ["o3-pro", 1748475349],
  ["o3-mini", 1737146383],
  ["o3-mini-2025-01-31", 1738010200],
  ["o1", 1734375816],
  ["o1-2024-12-17", 1734326976],
  ["o1-pro", 1742251791],
  ["o1-pro-2025-03-19", 1742251504],
  ["o1-mini", 1725649008],
  ["o1-mini-2024-09-12", 1725648979],
  ["codex-mini-latest", 1746673257],
  ["gpt-4-turbo", 1712361441],
  ["gpt-4-turbo-2024-04-09", 1712601677],
  ["gpt-4-turbo-preview", 1706037777],
  ["gpt-4-0125-preview", 1706037612],
  ["gpt-4-1106-preview", 1698957206],
  ["gpt-4", 1687882411, "openai"],
  ["gpt-4-0613", 1686588896, "openai"],
  ["gpt-3.5-turbo", 1677610602, "openai"],
  ["gpt-3.5-turbo-0125", 1706048358],
  ["gpt-3.5-turbo-1106", 1698959748],
  ["gpt-3.5-turbo-16k", 1683758102, "openai-internal"],
  ["gpt-3.5-turbo-instruct", 1692901427],
  ["gpt-3.5-turbo-instruct-0914", 1694122472],
  ["davinci-002", 1692634301],
  ["babbage-002", 1692634615],
  ["text-embedding-3-large", 1705953180],
  ["text-embedding-3-small", 1705948997],
  ["text-embedding-ada-002", 1671217299, "openai-internal"],
];

/** The catalogue in its listing order, built once: every server without a `models` list shares these objects. */
export const OPENAI_MODEL_LIST: readonly ModelObject[] = Object.freeze(
  ENTRIES.map(([id, created, ownedBy = "system"]) =>
    Object.freeze({ id, object: "model" as const, created, owned_by: ownedBy }),
  ),
);

// A Map, so a model named "constructor" or "__proto__" finds nothing.
export const OPENAI_MODELS: ReadonlyMap<string, ModelObject> = new Map(
  OPENAI_MODEL_LIST.map((model) => [model.id, model]),
);
