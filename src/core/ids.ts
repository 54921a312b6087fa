// One seedable source for ids and timestamps, so a test can pin a whole response byte for byte.
import { randomBytes } from "node:crypto";

const ALPHANUMERIC = Buffer.from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "latin1");
const HEX = Buffer.from("0123456789abcdef", "latin1");
const BASE62_PAIRS = 62 * 62;

export interface IdSource {
  /** `prefix` (ASCII, such as "chatcmpl-") followed by `length` random characters from the alphabet of that id kind. */
  next(prefix: string, length: number, alphabet?: "alphanumeric" | "hex"): string;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** xorshift128+ over two 32-bit halves: fast, tiny, and reproducible from one seed. */
export function createIdSource(seed?: number): IdSource {
  let s0: number;
  let s1: number;
  if (seed === undefined) {
    const bytes = randomBytes(8);
    s0 = bytes.readUInt32LE(0) | 1;
    s1 = bytes.readUInt32LE(4) | 1;
  } else {
    s0 = (seed ^ 0x9e3779b9) >>> 0 || 1;
    s1 = (Math.imul(seed, 0x85ebca6b) ^ 0xc2b2ae35) >>> 0 || 1;
  }
  // The state and the words are kept as int32 (the same bits as uint32): an int32 is a small integer to
  // V8, where a uint32 above 2^31 is a heap number, allocated afresh each time the state changes.
  s0 |= 0;
  s1 |= 0;
  const nextWord = (): number => {
    let x = s0;
    const y = s1;
    s0 = y;
    x ^= x << 23;
    x ^= x >>> 17;
    x ^= y ^ (y >>> 26);
    s1 = x;
    return (y + x) | 0;
  };
  // Ids are on every request's hot path: the characters are written into one scratch buffer and read
  // out as one flat string. Hex takes two digits per byte; base 62 two digits per 16 bits (a tiny bias,
  // irrelevant for ids).
  let scratch = Buffer.allocUnsafe(128);
  return {
    next(prefix, length, alphabet = "alphanumeric") {
      if (prefix.length + length + 8 > scratch.length) scratch = Buffer.allocUnsafe(2 * (prefix.length + length + 8));
      // Prefixes are short ASCII: a loop here is cheaper than a call into Buffer#write.
      let at = 0;
      for (let i = 0; i < prefix.length; i++) scratch[at++] = prefix.charCodeAt(i);
      const end = at + length;
      while (at < end) {
        const word = nextWord();
        if (alphabet === "hex") {
          for (let shift = 0; shift < 32; shift += 8) {
            const byte = (word >>> shift) & 0xff;
            scratch[at++] = HEX[byte >>> 4];
            scratch[at++] = HEX[byte & 15];
          }
        } else {
          const low = (word & 0xffff) % BASE62_PAIRS;
          const high = (word >>> 16) % BASE62_PAIRS;
          scratch[at++] = ALPHANUMERIC[Math.floor(low / 62)];
          scratch[at++] = ALPHANUMERIC[low % 62];
          scratch[at++] = ALPHANUMERIC[Math.floor(high / 62)];
          scratch[at++] = ALPHANUMERIC[high % 62];
        }
      }
      return scratch.toString("latin1", 0, end);
    },
  };
}

export const systemClock: Clock = { now: () => Date.now() };
