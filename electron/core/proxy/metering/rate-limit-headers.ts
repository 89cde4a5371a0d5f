/**
 * The rate-limit headers the OpenAI API sends and the SDKs read, in the same
 * spelling: `x-ratelimit-limit-requests`, `x-ratelimit-remaining-requests`,
 * `x-ratelimit-reset-requests` (a Go-style duration such as `1s`, `6m0s`,
 * `120ms`: the time until the allowance is whole again) and the `-tokens`
 * forms; on a refusal also `retry-after` (whole seconds) and `retry-after-ms`
 * (the openai SDKs wait exactly that long before their own retry).
 */

/** Milliseconds as Go's `time.Duration` prints them, to the millisecond: `0s`, `250ms`, `1.5s`, `6m0s`, `1h2m3s`. */
export function goDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms));
  if (total === 0) return '0s';
  if (total < 1000) return `${total}ms`;
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const s = (total % 60_000) / 1000;
  const sec = `${Number.isInteger(s) ? s : s.toFixed(3).replace(/0+$/, '')}s`;
  if (h) return `${h}h${m}m${sec}`;
  if (m) return `${m}m${sec}`;
  return sec;
}

/** One allowance as the headers describe it: its size, what is left now, and how long until it is whole. */
export interface Allowance {
  limit: number;
  remaining: number;
  resetMs: number;
}

export function rateLimitHeaders(
  requests: Allowance | undefined,
  tokens: Allowance | undefined,
  into: Record<string, string> = {},
): Record<string, string> {
  if (requests) {
    into['x-ratelimit-limit-requests'] = String(requests.limit);
    into['x-ratelimit-remaining-requests'] = String(Math.max(0, Math.floor(requests.remaining)));
    into['x-ratelimit-reset-requests'] = goDuration(requests.resetMs);
  }
  if (tokens) {
    into['x-ratelimit-limit-tokens'] = String(tokens.limit);
    into['x-ratelimit-remaining-tokens'] = String(Math.max(0, Math.floor(tokens.remaining)));
    into['x-ratelimit-reset-tokens'] = goDuration(tokens.resetMs);
  }
  return into;
}

/** `retry-after` in whole seconds (at least 1) and `retry-after-ms` for a wait of `ms`. */
export function retryHeaders(ms: number, into: Record<string, string> = {}): Record<string, string> {
  const wait = Math.max(1, Math.ceil(ms));
  into['retry-after'] = String(Math.max(1, Math.ceil(wait / 1000)));
  into['retry-after-ms'] = String(wait);
  return into;
}
