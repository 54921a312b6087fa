// Reads the fields of an error the pipeline returned (status, type, code, param, message), so unit
// tests assert on what the error says rather than on how the server happens to carry it.

export interface ErrorFields {
  status: number;
  type: string;
  code: string | null;
  param: string | null;
  message: string;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;

/** The fields of an ApiError: one that carries an OpenAI body (`{status, body: {error}}`) or a structured one. */
export function errorFields(error: unknown): ErrorFields {
  if (!isObject(error) || typeof error.status !== "number") throw new Error(`not an error: ${JSON.stringify(error)}`);
  const fields = isObject(error.body) && isObject(error.body.error) ? error.body.error : error;
  return {
    status: error.status,
    type: String(fields.type),
    code: (fields.code ?? null) as string | null,
    param: (fields.param ?? null) as string | null,
    message: String(fields.message),
  };
}
