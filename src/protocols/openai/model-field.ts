// The `model` field every OpenAI request requires: present, a string, and not empty.
import type { ApiError } from "../types.js";
import { invalidRequest } from "./errors.js";

export function requireModel(body: Record<string, unknown>): string | ApiError {
  const { model } = body;
  if (model === undefined || model === null || model === "")
    return invalidRequest("Missing required parameter: 'model'.", "model", "missing_required_parameter");
  if (typeof model !== "string")
    return invalidRequest("Invalid type for 'model': expected a string.", "model", "invalid_type");
  return model;
}
