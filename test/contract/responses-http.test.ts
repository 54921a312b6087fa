// The surface contract for POST /v1/responses, as JSON and as a stream.
import { responsesSpec } from "./responses-spec.js";
import { OPENAI_HEADERS } from "./openai-errors.js";
import { runContract } from "./run-contract.js";
import { http } from "./wire.js";

runContract({
  ...responsesSpec,
  name: "responses over HTTP",
  transport: http,
  headers: OPENAI_HEADERS,
  modes: ["json", "stream"],
});
