// Derived embedding vectors: the same model and text always give the same unit vector, different texts different ones.
//
// How: SHA-256 of the model and the text (length-prefixed, so no two pairs collide by concatenation)
// seeds xoshiro128** with its first 128 bits; Box–Muller turns pairs of its 32-bit outputs into
// normally distributed components, and the vector is scaled to length 1. Normal components make the
// direction uniform on the sphere, so unrelated texts come out nearly orthogonal (cosine ≈ 0), as
// unrelated texts roughly do with real models. SHA-256 rather than a hand-rolled 64-bit hash: node:crypto
// is native (fast on long inputs), stable across platforms and Node versions, and collisions are moot.
//
// The components come from one stream that does not depend on `dimensions`, so a shorter vector is the
// longer one's prefix, scaled to length 1 again: what text-embedding-3 models do (shortening by
// truncation and renormalisation). Components are rounded to float32, so the float and base64
// encodings carry the same numbers.
import { createHash } from "node:crypto";

const TWO_POW_32 = 4294967296;

/** xoshiro128** (Blackman and Vigna): a small, fast generator with a 128-bit state and 32-bit outputs. */
function xoshiro128(seed: Buffer): () => number {
  let a = seed.readUInt32LE(0);
  let b = seed.readUInt32LE(4);
  let c = seed.readUInt32LE(8);
  let d = seed.readUInt32LE(12);
  // The all-zero state would repeat zeros forever; one SHA-256 in 2^128 starts there.
  if ((a | b | c | d) === 0) a = 1;
  return () => {
    const t = b << 9;
    let r = Math.imul(b, 5);
    r = Math.imul((r << 7) | (r >>> 25), 9);
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = (d << 11) | (d >>> 21);
    return r >>> 0;
  };
}

/** The unit vector of `dimensions` components that stands for `text` embedded with `model`. */
export function derivedVector(model: string, text: string, dimensions: number): number[] {
  const seed = createHash("sha256").update(`${model.length}:${model}:`).update(text).digest();
  const next = xoshiro128(seed);
  const vector = new Array<number>(dimensions);
  let sumOfSquares = 0;
  for (let i = 0; i < dimensions; i += 2) {
    // u1 in (0, 1], so the logarithm is finite; u2 in [0, 1).
    const u1 = (next() + 1) / TWO_POW_32;
    const u2 = next() / TWO_POW_32;
    const radius = Math.sqrt(-2 * Math.log(u1));
    const angle = 2 * Math.PI * u2;
    const z0 = radius * Math.cos(angle);
    vector[i] = z0;
    sumOfSquares += z0 * z0;
    if (i + 1 < dimensions) {
      const z1 = radius * Math.sin(angle);
      vector[i + 1] = z1;
      sumOfSquares += z1 * z1;
    }
  }
  // Every component 0 needs every radius 0 (u1 = 1, one output in 2^32 each): then a basis vector.
  const scale = sumOfSquares > 0 ? 1 / Math.sqrt(sumOfSquares) : 1;
  for (let i = 0; i < dimensions; i++) vector[i] = Math.fround(vector[i] * scale);
  if (sumOfSquares === 0) vector[0] = 1;
  return vector;
}
