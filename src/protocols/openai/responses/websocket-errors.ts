// The Responses WebSocket's own refusals of a frame (its envelope, lane and in-flight rules), worded as
// the real API words them: 400 invalid_request_error naming the code and the param at fault.
import type { ApiError } from "../../../core/errors.js";
import { shownValue } from "../content.js";

const refused = (code: string, message: string, param: string | null): ApiError => ({
  status: 400,
  type: "invalid_request_error",
  code,
  message,
  param,
});

export const frameNotJson = (): ApiError => refused("invalid_json", "The message is not valid JSON.", null);

export const frameNotObject = (): ApiError =>
  refused("invalid_type", "Each message must be a JSON object with a 'type'.", "type");

/** A frame whose `type` is missing (undefined) or is not `response.create`. */
export function frameTypeRefused(type: unknown): ApiError {
  if (type === undefined) return refused("missing_required_parameter", "Missing required parameter: 'type'.", "type");
  return refused(
    "invalid_value",
    `Invalid value: '${shownValue(type)}'. Supported values are: 'response.create'.`,
    "type",
  );
}

export const invalidStreamId = (): ApiError =>
  refused(
    "invalid_stream_id",
    "Invalid 'stream_id': expected 1 to 256 characters from A-Z, a-z, 0-9, '_', '.' and '-'.",
    "stream_id",
  );

export const backgroundUnsupported = (): ApiError =>
  refused("unsupported_parameter", "'background' is not supported on the Responses WebSocket.", "background");

export const laneLimitReached = (limit: number): ApiError =>
  refused("websocket_stream_limit_reached", `At most ${limit} lanes may be active on one connection.`, "stream_id");
