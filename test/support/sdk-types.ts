// Conformance against an official SDK's own TypeScript types: each JSON value an answer carried is
// written as an object literal in a virtual file, `const v0: <Type> = <literal>;`, and that file is
// type-checked with the TypeScript compiler against the SDKs in node_modules. An object literal gets
// excess-property checks, so a field the SDK does not declare is caught as well as a missing or
// mistyped one. The SDKs' declaration files are parsed once and reused by every check.
import { join } from "node:path";
import ts from "typescript";

/** A value to check, with the type expression it must have (e.g. `import("openai").OpenAI.ChatCompletion`). */
export interface TypedValue {
  /** How a failure names the value (e.g. `stream event 3 (content_block_delta)`). */
  name: string;
  type: string;
  value: unknown;
}

/** One complaint of the compiler about one value. */
export interface TypeProblem {
  name: string;
  message: string;
  /** The start of the literal text the complaint is about (where a message names no field, this does). */
  at: string;
}

/** How much of the literal a problem quotes. */
const QUOTED = 80;

const ROOT = join(import.meta.dirname, "..", "..");
/** Inside the project, so the SDKs resolve from its node_modules as the tests' own imports do. */
const VIRTUAL_FILE = join(ROOT, "test", "__sdk_type_check__.ts");

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ["lib.es2023.d.ts", "lib.dom.d.ts"],
  types: ["node"],
  strict: true,
  skipLibCheck: true,
  noEmit: true,
};

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A JSON value as a TypeScript literal, its keys bare where they can be, so messages name them as written. */
function literalOf(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(literalOf).join(", ")}]`;
  if (typeof value !== "object" || value === null) return JSON.stringify(value);
  const fields = Object.entries(value).map(
    ([key, field]) => `${IDENTIFIER.test(key) ? key : JSON.stringify(key)}: ${literalOf(field)}`,
  );
  return `{ ${fields.join(", ")} }`;
}

/**
 * The virtual file's text: the prelude on one line, then the values one per line, each on the line after
 * its index, so a diagnostic's line names its value. `export {}` makes it a module, so `import()` types
 * resolve as an ES module's.
 */
function sourceOf(prelude: string, values: readonly TypedValue[]): string {
  const lines = values.map(({ type, value }, i) => `const v${i}: ${type} = ${literalOf(value)}; void v${i};`);
  return `${WIRE} ${prelude.replace(/\r?\n/g, " ")}\n${lines.join("\n")}\nexport {};\n`;
}

/**
 * `Wire<T>`, which every check may name: T with each string enum it holds (the SDK's `FinishReason`,
 * `MediaModality`...) read as the union of its values, as JSON carries them. A JSON string is never of a
 * TypeScript enum type, though it is of that enum's values; everything else, optionality included, is T's.
 */
const WIRE =
  // biome-ignore lint/suspicious/noTemplateCurlyInString: TypeScript source, whose template literal type this is.
  "type Wire<T> = T extends string ? (string extends T ? T : `${T}`) : T extends readonly (infer U)[] ? Wire<U>[] : T extends object ? { [K in keyof T]: Wire<T[K]> } : T;";

/**
 * The declaration files (lib, @types/node, the SDKs), parsed once per test file: every check, and every
 * checker, makes its program over the same parsed files.
 */
const PARSED = new Map<string, ts.SourceFile | undefined>();

export class SdkTypeChecker {
  private program: ts.Program | undefined;
  private readonly host: ts.CompilerHost;
  private source = "export {};\n";

  /**
   * `prelude`: declarations the values' types may name (e.g. `type Data = Omit<...>;`), so a long type
   * expression is written once per test file rather than once per value.
   */
  constructor(private readonly prelude = "") {
    const host = ts.createCompilerHost(OPTIONS, true);
    const getSourceFile = host.getSourceFile.bind(host);
    this.host = {
      ...host,
      fileExists: (file) => file === VIRTUAL_FILE || host.fileExists(file),
      readFile: (file) => (file === VIRTUAL_FILE ? this.source : host.readFile(file)),
      getSourceFile: (file, language, onError) => {
        if (file === VIRTUAL_FILE) return ts.createSourceFile(file, this.source, language, true);
        if (!PARSED.has(file)) PARSED.set(file, getSourceFile(file, language, onError));
        return PARSED.get(file);
      },
    };
  }

  /** Every problem the compiler finds with the values as their types; none when each value is of its type. */
  check(values: readonly TypedValue[]): TypeProblem[] {
    this.source = sourceOf(this.prelude, values);
    this.program = ts.createProgram([VIRTUAL_FILE], OPTIONS, this.host, this.program);
    const file = this.program.getSourceFile(VIRTUAL_FILE);
    if (file === undefined) throw new Error("the virtual file was not part of the program");
    const diagnostics = [...this.program.getSyntacticDiagnostics(file), ...this.program.getSemanticDiagnostics(file)];
    return diagnostics.map((diagnostic) => {
      const line = diagnostic.start === undefined ? 0 : file.getLineAndCharacterOfPosition(diagnostic.start).line;
      const start = diagnostic.start ?? 0;
      return {
        name: values[line - 1]?.name ?? (line === 0 ? "the prelude" : `line ${line + 1}`),
        message: ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"),
        at: file.text.slice(start, start + QUOTED),
      };
    });
  }
}

/** The problems as one readable text per value, for an assertion's failure message. */
export function describeProblems(problems: readonly TypeProblem[]): string {
  return problems.map(({ name, message, at }) => `${name}: ${message}\n  at: ${at}`).join("\n\n");
}
