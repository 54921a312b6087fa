// A request's `tools` as the canonical tool definitions: each functionDeclaration (its name, description and
// `parameters`, an OpenAPI-style schema, or `parametersJsonSchema`). Google's own tools (googleSearch,
// codeExecution, urlContext) declare no function a fixture could be matched by, so they are passed over.
import type { ToolDefinition } from "../../core/conversation.js";
import { type GoogleApiError, invalidArgument, invalidValue } from "./errors.js";
import { isRecord } from "../json-values.js";
import { field } from "./json.js";

const TOOL_TYPE = "type.googleapis.com/google.ai.generativelanguage.v1beta.Tool";

// Google's rule for function names, and its words for a name that breaks it.
const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/;
const nameRefusal = (path: string): GoogleApiError =>
  invalidArgument(
    `* GenerateContentRequest.${path}.name: Invalid function name. Must start with a letter or an underscore. Must be alphameric (a-z, A-Z, 0-9), underscores (_), dots (.), colons (:), or dashes (-), with a maximum length of 64.\n`,
    `${path}.name`,
  );

function declarationOf(declaration: unknown, path: string): ToolDefinition | GoogleApiError {
  if (!isRecord(declaration) || typeof declaration.name !== "string" || !FUNCTION_NAME.test(declaration.name))
    return nameRefusal(path);
  const parameters =
    declaration.parameters ?? field(declaration, "parametersJsonSchema", "parameters_json_schema") ?? undefined;
  return {
    name: declaration.name,
    description: typeof declaration.description === "string" ? declaration.description : undefined,
    parameters: parameters === null ? undefined : parameters,
  };
}

/** The function declarations of `tools`, in order, or the 400 for a declaration Google would refuse. */
export function parseTools(tools: unknown): ToolDefinition[] | GoogleApiError {
  if (tools === undefined || tools === null) return [];
  if (!Array.isArray(tools)) return invalidValue("tools", TOOL_TYPE, tools);
  const definitions: ToolDefinition[] = [];
  for (let i = 0; i < tools.length; i++) {
    const tool = tools[i];
    if (!isRecord(tool)) return invalidValue(`tools[${i}]`, TOOL_TYPE, tool);
    const declarations = field(tool, "functionDeclarations", "function_declarations");
    if (!Array.isArray(declarations)) continue;
    for (let j = 0; j < declarations.length; j++) {
      const definition = declarationOf(declarations[j], `tools[${i}].function_declarations[${j}]`);
      if ("status" in definition) return definition;
      definitions.push(definition);
    }
  }
  return definitions;
}

const CALLING_MODES = new Set(["MODE_UNSPECIFIED", "AUTO", "ANY", "NONE", "VALIDATED"]);
const MODE_TYPE = "type.googleapis.com/google.ai.generativelanguage.v1beta.FunctionCallingConfig.Mode";

/**
 * `toolConfig`, read only to refuse a calling mode that is not one of Gemini's: which function a fixture
 * calls is the fixture's to say, whatever mode the request asks for.
 */
export function checkToolConfig(config: unknown): GoogleApiError | null {
  if (!isRecord(config)) return null;
  const calling = field(config, "functionCallingConfig", "function_calling_config");
  const mode = isRecord(calling) ? calling.mode : undefined;
  if (mode === undefined || mode === null || (typeof mode === "string" && CALLING_MODES.has(mode))) return null;
  return invalidValue("tool_config.function_calling_config.mode", MODE_TYPE, mode);
}
