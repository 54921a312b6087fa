// One seedable source for ids and timestamps, so a test can pin a whole response byte for byte.
import { randomBytes } from "node:crypto";

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const HEX_PAIRS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
const BASE62_PAIRS = Array.from({ length: 62 * 62 }, (_, i) => ALPHANUMERIC[Math.floor(i / 62)] + ALPHANUMERIC[i % 62]);

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
  // Ids are on every request's hot path, so each random word becomes characters by table look-ups:
  // two hex digits per byte, or two base-62 digits per 16 bits (a tiny bias, irrelevant for ids).
  return {
    next(prefix, length, alphabet = "alphanumeric") {
      let out = "";
      while (out.length < length) {
        const word = nextUint32();
        out +=
          alphabet === "hex"
            ? HEX_PAIRS[word & 0xff] + HEX_PAIRS[(word >>> 8) & 0xff] + HEX_PAIRS[(word >>> 16) & 0xff] + HEX_PAIRS[word >>> 24]
            : BASE62_PAIRS[(word & 0xffff) % BASE62_PAIRS.length] + BASE62_PAIRS[(word >>> 16) % BASE62_PAIRS.length];
      }
      return prefix + (out.length === length ? out : out.slice(0, length));
    },
  };
}

export const systemClock: Clock = { now: () => Date.now() };
