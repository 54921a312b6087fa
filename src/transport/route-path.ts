// Normalises request paths for routing: `/v1/chat/completions?x=1` and `/chat/completions/` are one route.

export function routePath(url: string): string {
  let path = url;
  const query = path.indexOf("?");
  if (query !== -1) path = path.slice(0, query);
  if (path.startsWith("/v1/") || path === "/v1") path = path.slice(3);
  if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
  return path;
}
