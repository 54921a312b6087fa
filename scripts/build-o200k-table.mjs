// Writes src/core/o200k_base.bin: gpt-tokenizer's o200k_base vocabulary in a compact form that loads in
// a few milliseconds (see src/core/compact-vocabulary.ts), instead of the library's 2.4 MB JavaScript
// array, which takes ~150 ms and ~65 MB to load. `npm run build` runs it first (the table is generated,
// never committed), so it always matches the installed gpt-tokenizer; a test checks that it does.
// Layout: u32le count, u32le text bytes, count bytes of kinds (0 unused, 1 text, 2 raw bytes), count
// bytes of lengths (UTF-16 units for text, bytes for raw), then the text tokens' UTF-8 in rank order
// (one region, decoded at once), then the raw tokens' bytes in rank order.
import { writeFileSync } from "node:fs";
import ranks from "gpt-tokenizer/bpeRanks/o200k_base";

const kinds = new Uint8Array(ranks.length);
const lengths = new Uint8Array(ranks.length);
const texts = [];
const raws = [];
ranks.forEach((entry, rank) => {
  if (entry === undefined) return;
  const length = typeof entry === "string" ? entry.length : entry.length;
  if (length > 255) throw new Error(`token ${rank} is ${length} long: the table stores lengths in one byte`);
  kinds[rank] = typeof entry === "string" ? 1 : 2;
  lengths[rank] = length;
  if (typeof entry === "string") texts.push(entry);
  else raws.push(Buffer.from(entry));
});
const text = Buffer.from(texts.join(""), "utf8");
if (text.toString("utf8") !== texts.join("")) throw new Error("the text tokens do not survive UTF-8");
const header = Buffer.alloc(8);
header.writeUInt32LE(ranks.length, 0);
header.writeUInt32LE(text.length, 4);
const table = Buffer.concat([header, kinds, lengths, text, ...raws]);
writeFileSync(new URL("../src/core/o200k_base.bin", import.meta.url), table);
