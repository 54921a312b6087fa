// One seedable source for ids and timestamps, so a test can pin a whole response byte for byte.
import { randomBytes } from "node:crypto";

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export interface IdSource {
  /** `prefix` followed by `length` random characters from the alphabet of that id kind. */
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
  const nextUint32 = (): number => {
    let x = s0;
    const y = s1;
    s0 = y;
    x ^= x << 23;
    x ^= x >>> 17;
    x ^= y ^ (y >>> 26);
    s1 = x >>> 0;
    return (s0 + s1) >>> 0;
  };
  // Ids are on every request's hot path, so each random word yields several characters at once.
  return {
    next(prefix, length, alphabet = "alphanumeric") {
      let out = prefix;
      if (alphabet === "hex") {
        while (out.length < prefix.length + length) out += nextUint32().toString(16).padStart(8, "0");
        return out.slice(0, prefix.length + length);
      }
      for (let i = 0; i < length; ) {
        // 62^5 < 2^32: five base-62 digits per word (the tiny bias is irrelevant for ids).
        let word = nextUint32();
        for (let d = 0; d < 5 && i < length; d++, i++) {
          out += ALPHANUMERIC[word % 62];
          word = Math.floor(word / 62);
        }
      }
      return out;
    },
  };
}

export const systemClock: Clock = { now: () => Date.now() };
