// Collects uncaught exceptions and unhandled rejections raised while a fuzz run is under way, so a
// crash path inside an in-process server fails the test by name (in the CLI it would end the process).

export interface ProcessErrors {
  readonly errors: string[];
  stop(): void;
}

export function watchProcessErrors(): ProcessErrors {
  const errors: string[] = [];
  const record = (kind: string) => (failure: unknown) =>
    void errors.push(`${kind}: ${(failure as Error)?.stack ?? String(failure)}`);
  const onException = record("uncaught exception");
  const onRejection = record("unhandled rejection");
  process.on("uncaughtException", onException);
  process.on("unhandledRejection", onRejection);
  return {
    errors,
    stop() {
      process.off("uncaughtException", onException);
      process.off("unhandledRejection", onRejection);
    },
  };
}
