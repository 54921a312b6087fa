// The Responses WebSocket's error frame: {"type":"error","status","error":{type,code,message,param}},
// with the request's lane echoed as `stream_id` when it named one.
import type { ApiError } from "../../../core/errors.js";

export function renderErrorFrame(error: ApiError, streamId: string | undefined): string {
  const frame: Record<string, unknown> = {
    type: "error",
    status: error.status,
    error: { type: error.type, code: error.code, message: error.message, param: error.param },
  };
  if (streamId !== undefined) frame.stream_id = streamId;
  return JSON.stringify(frame);
}
