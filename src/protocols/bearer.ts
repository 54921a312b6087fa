// The Bearer scheme of an Authorization header (RFC 6750), which several providers' clients send:
// OpenAI's, Azure's with an Entra ID token, Vertex AI's with an OAuth access token.

/**
 * The key of a Bearer credential, or undefined for another scheme or none. The scheme is matched in
 * any case (RFC 7235) and any spaces may follow it; the exact-case "Bearer " is tested first as the
 * one form nearly every client sends.
 */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (header.startsWith("Bearer ") || (header.charCodeAt(6) === 32 && header.slice(0, 6).toLowerCase() === "bearer"))
    return header.slice(7).trim();
  return undefined;
}
