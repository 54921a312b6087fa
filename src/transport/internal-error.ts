// What a bug inside a stage becomes: one line on stderr, and the message the client's 500 carries.

/**
 * Reports an exception that escaped a stage (`where` names the request) once on stderr, with its
 * stack, and returns the message for the client's error: the server keeps serving.
 */
export function reportInternalError(failure: unknown, where: string): string {
  const error = failure instanceof Error ? failure : new Error(String(failure));
  console.error(`understudy: internal error while answering ${where}: ${error.stack ?? error.message}`);
  return `Internal error in Understudy: ${error.message}`;
}
