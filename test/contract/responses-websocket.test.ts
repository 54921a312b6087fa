// The surface contract for the Responses WebSocket: `response.create` frames on /v1/responses.
import { runContract } from "./run-contract.js";
import { responsesSpec } from "./responses-spec.js";
import { websocket } from "./wire.js";

runContract({
  ...responsesSpec,
  name: "responses over WebSocket",
  transport: websocket,
  headers: false,
  // A WebSocket answer is always a stream of events.
  modes: ["stream"],
  skip: {
    ...responsesSpec.skip,
    tokenFlags: "its frames are the Responses surface's own events, whose flags the HTTP suite checks",
  },
});
