/**
 * Drops the usage-only chunk from an event stream whose client did not ask
 * for it (the kit asked upstream on its behalf, to count tokens). Complete
 * events are passed on as the very bytes upstream sent; only an event still
 * missing its end is held until the rest arrives, since a client cannot use
 * half an event anyway.
 */

const LF2 = Buffer.from('\n\n');
const CRLF2 = Buffer.from('\r\n\r\n');

/** Index just past the first event boundary at or after `from`, or -1. */
function eventEnd(buf: Buffer, from: number): number {
  const a = buf.indexOf(LF2, from);
  const b = buf.indexOf(CRLF2, from);
  if (a === -1) return b === -1 ? -1 : b + 4;
  if (b === -1 || a < b) return a + 2;
  return b + 4;
}

/** A chat chunk that carries only usage: `choices` empty and a `usage` object. */
export function isUsageOnlyEvent(event: Buffer): boolean {
  const text = event.toString('utf8');
  if (!text.includes('"usage"')) return false;
  let data = '';
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('data:')) data += line.slice(5);
  }
  try {
    const v = JSON.parse(data) as { choices?: unknown; usage?: unknown };
    return Array.isArray(v.choices) && v.choices.length === 0 && typeof v.usage === 'object' && v.usage !== null;
  } catch {
    return false;
  }
}

export class UsageChunkFilter {
  #pending: Buffer = Buffer.alloc(0);
  /** Set once the usage chunk was dropped: nothing else needs inspecting. */
  #done = false;

  /** The bytes to send on for this upstream chunk (possibly empty). */
  push(chunk: Buffer): Buffer {
    if (this.#done) return chunk;
    const buf = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    let start = 0;
    let kept: Buffer[] | undefined;
    let lastEnd = 0;
    for (let end = eventEnd(buf, 0); end !== -1; end = eventEnd(buf, start)) {
      const event = buf.subarray(start, end);
      if (isUsageOnlyEvent(event)) {
        kept ??= [];
        if (start > lastEnd) kept.push(buf.subarray(lastEnd, start));
        lastEnd = end;
        this.#done = true;
      }
      start = end;
      if (this.#done) break;
    }
    if (this.#done) {
      // Everything after the usage chunk (normally `data: [DONE]`) passes untouched.
      this.#pending = Buffer.alloc(0);
      const parts = kept ?? [];
      if (buf.length > lastEnd) parts.push(buf.subarray(lastEnd));
      return Buffer.concat(parts);
    }
    this.#pending = Buffer.from(buf.subarray(start));
    return buf.subarray(0, start);
  }

  /** Whatever was held at the end of the stream (an unterminated last event), unless it is the usage chunk. */
  end(): Buffer {
    const rest = this.#pending;
    this.#pending = Buffer.alloc(0);
    if (!this.#done && rest.length && isUsageOnlyEvent(rest)) return Buffer.alloc(0);
    return rest;
  }
}
