// The Gemini API's models as its models.list describes them (names, limits, methods and sampling
// defaults as the API returned them in 2025-26), listed when no models are configured, and the entry a
// model it does not know (a fixture's own name) is listed with.

export interface GeminiModel {
  name: string;
  version: string;
  displayName: string;
  description: string;
  inputTokenLimit: number;
  outputTokenLimit: number;
  supportedGenerationMethods: string[];
  temperature?: number;
  topP?: number;
  topK?: number;
  maxTemperature?: number;
  thinking?: boolean;
}

const GENERATION_METHODS = ["generateContent", "countTokens", "createCachedContent", "batchGenerateContent"];

/** A chat model as the API lists its 2.5 and 3 models: 1M tokens in, 64K out, thinking. */
function chatModel(id: string, version: string, displayName: string, description: string): GeminiModel {
  return {
    name: `models/${id}`,
    version,
    displayName,
    description,
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    supportedGenerationMethods: GENERATION_METHODS,
    temperature: 1,
    topP: 0.95,
    topK: 64,
    maxTemperature: 2,
    thinking: true,
  };
}

function embeddingModel(id: string, displayName: string, methods: string[]): GeminiModel {
  return {
    name: `models/${id}`,
    version: id === "text-embedding-004" ? "004" : "001",
    displayName,
    description: "Obtain a distributed representation of a text.",
    inputTokenLimit: 2048,
    outputTokenLimit: 1,
    supportedGenerationMethods: methods,
  };
}

const GEMINI_MODEL_LIST: readonly GeminiModel[] = [
  chatModel(
    "gemini-2.5-flash",
    "001",
    "Gemini 2.5 Flash",
    "Stable version of Gemini 2.5 Flash, our mid-size multimodal model that supports up to 1 million tokens, released in June of 2025.",
  ),
  chatModel("gemini-2.5-pro", "2.5", "Gemini 2.5 Pro", "Stable release (June 17th, 2025) of Gemini 2.5 Pro"),
  chatModel(
    "gemini-2.5-flash-lite",
    "001",
    "Gemini 2.5 Flash-Lite",
    "Stable version of Gemini 2.5 Flash-Lite, released in July of 2025",
  ),
  chatModel("gemini-3-pro-preview", "3-pro-preview-11-2025", "Gemini 3 Pro Preview", "Gemini 3 Pro Preview"),
  {
    ...chatModel("gemini-2.0-flash", "2.0", "Gemini 2.0 Flash", "Gemini 2.0 Flash"),
    outputTokenLimit: 8192,
    topK: 40,
    thinking: undefined,
  },
  embeddingModel("gemini-embedding-001", "Gemini Embedding 001", [
    "embedContent",
    "countTextTokens",
    "countTokens",
    "asyncBatchEmbedContent",
  ]),
  embeddingModel("text-embedding-004", "Text Embedding 004", ["embedContent"]),
];

export const GEMINI_MODELS: ReadonlyMap<string, GeminiModel> = new Map(
  GEMINI_MODEL_LIST.map((model) => [model.name.slice("models/".length), model]),
);

/** How a model the catalogue does not hold is listed: as a chat model of its name. */
export function genericModel(id: string): GeminiModel {
  return {
    name: id.startsWith("tunedModels/") ? id : `models/${id}`,
    version: "001",
    displayName: id,
    description: `${id}, served by Understudy from fixtures.`,
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    supportedGenerationMethods: ["generateContent", "countTokens"],
  };
}
