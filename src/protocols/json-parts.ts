// A JSON body produced in parts, for answers too large to build at once: the transport writes each
// part as it comes, yielding to other clients between parts and waiting while the client is behind.

/**
 * The parts, joined in order, are the body's JSON text. Each part is produced only when the transport
 * asks for the next, so producing them (the costly work) is spread over event-loop turns.
 */
export class JsonInParts {
  constructor(readonly parts: Iterable<string>) {}
}
