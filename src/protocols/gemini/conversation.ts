// The canonical conversation as a Gemini request makes it, with what only Gemini's answers and usage read:
// whether thoughts are shown, whether the model thinks at all, and the prompt's non-text parts.
import type { Conversation } from "../../core/conversation.js";

/** The two hosts of the generateContent API, whose answers differ in small ways (see render-candidates.ts). */
export type GeminiFlavor = "gemini" | "vertex";

/** A modality of prompt parts, as usage details name them. */
export type Modality = "TEXT" | "IMAGE" | "AUDIO" | "VIDEO" | "DOCUMENT";

export interface GeminiConversation extends Conversation {
  /** `thinkingConfig.includeThoughts`: the reply's reasoning goes out as parts with `thought: true`. */
  includeThoughts: boolean;
  /** `thinkingConfig.thinkingBudget: 0`: the model does not think, so no thoughts are counted. */
  thinkingOff: boolean;
  /** The modality of each non-text part of the prompt (inlineData, fileData): dropped from the text, counted apart. */
  media: readonly Modality[];
}

/** The modality of a part by its MIME type: images, audio and video by their top type, the rest (PDF) documents. */
export function modalityOf(mimeType: unknown): Modality {
  if (typeof mimeType !== "string") return "DOCUMENT";
  if (mimeType.startsWith("image/")) return "IMAGE";
  if (mimeType.startsWith("audio/")) return "AUDIO";
  if (mimeType.startsWith("video/")) return "VIDEO";
  return mimeType.startsWith("text/") ? "TEXT" : "DOCUMENT";
}

const PUBLISHER_MODEL = /^publishers\/[^/]+\/models\//;

/**
 * The model a resource name names, as fixtures and the model list know it: `models/gemini-2.5-flash` and
 * Vertex AI's `publishers/google/models/gemini-2.5-flash` are `gemini-2.5-flash`. A tuned model keeps its
 * collection (`tunedModels/my-model`), which is how the API names it back.
 */
export function modelName(resource: string): string {
  if (resource.startsWith("models/")) return resource.slice(7);
  return PUBLISHER_MODEL.test(resource) ? resource.replace(PUBLISHER_MODEL, "") : resource;
}
