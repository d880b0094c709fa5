// The web view's gate, pure: the page can run commands as root in the lab's nodes, so every request must carry the
// random token printed with the URL, and a WebSocket must come from a page this server served (its Origin).

import { randomBytes, timingSafeEqual } from 'node:crypto';

/** 24 random bytes, URL-safe (32 characters): what the printed URL carries as `?token=`. */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** The token a request carries: `?token=` in its URL (the page passes it on to its own requests). */
export function requestToken(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url, 'http://x').searchParams.get('token') ?? undefined;
  } catch {
    return undefined;
  }
}

/** Constant-time comparison, so that the token cannot be guessed a character at a time from response times. */
export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The origins a page served by this server has: the listening address and, on loopback, the names of loopback.
 * Fixed when the server starts, never taken from the request's Host header: a page on a rebound DNS name
 * (evil.example resolving to 127.0.0.1) sends Host and Origin that agree with each other, and must still be refused.
 */
export function allowedOrigins(listen: string, port: number): Set<string> {
  const host = (h: string) => (h.includes(':') ? `[${h}]` : h);
  const names = listen === '127.0.0.1' || listen === '::1' || listen === 'localhost' ? ['127.0.0.1', 'localhost', '::1'] : [listen];
  return new Set(names.map((n) => `http://${host(n)}:${port}`));
}

/**
 * Whether a WebSocket upgrade may proceed. A browser always sends Origin; a foreign one is refused. A client that
 * is not a browser (no Origin header) may connect with the token: it could forge any Origin anyway.
 */
export function originAllowed(origin: string | undefined, allowed: Set<string>): boolean {
  return origin === undefined || allowed.has(origin.toLowerCase());
}

export type GateVerdict = { ok: true } | { ok: false; status: 403; reason: string };

/** The check every HTTP request and WebSocket upgrade goes through. */
export function gate(req: { url?: string; origin?: string; websocket: boolean }, token: string, allowed: Set<string>): GateVerdict {
  if (!tokenMatches(token, requestToken(req.url))) return { ok: false, status: 403, reason: 'missing or wrong token' };
  if (req.websocket && !originAllowed(req.origin, allowed)) return { ok: false, status: 403, reason: `origin ${req.origin} not allowed` };
  return { ok: true };
}
