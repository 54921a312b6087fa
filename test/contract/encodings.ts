// The tokenizers a contract spec counts with, from gpt-tokenizer directly (not the server's tokenizer
// module), so a count the server gets wrong is not repeated by the test that checks it.
import * as cl100k from "gpt-tokenizer/encoding/cl100k_base";
import * as o200k from "gpt-tokenizer/encoding/o200k_base";

export interface Encoding {
  encode(text: string): number[];
  decode(tokens: number[]): string;
}

export const O200K: Encoding = o200k;
export const CL100K: Encoding = cl100k;

/** OpenAI's models as the suite's cases use them: o200k_base for gpt-4o and gpt-4o-mini, cl100k_base for gpt-4. */
export function openaiEncoding(model: string): Encoding {
  return /^gpt-4o/.test(model) ? O200K : CL100K;
}

/** The tokens of `text` under `encoding`; none for an empty text. */
export const tokenCount = (encoding: Encoding, text: string): number => (text ? encoding.encode(text).length : 0);
