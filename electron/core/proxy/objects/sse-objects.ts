/**
 * Finds the objects a streamed answer creates (the thread of a streamed
 * create-and-run, a streamed response) as its events go by. Lines are
 * reassembled across chunks; only complete `data:` lines that mention an
 * object are parsed, and a line is bounded so a runaway stream cannot grow it.
 */
import type { Json } from '../pipeline/call.js';

const MAX_LINE = 1024 * 1024;

export class SseObjectScanner {
  #carry = '';
  #overflow = false;

  /** The JSON payloads of the `data:` lines this chunk completes. */
  push(chunk: Buffer): Json[] {
    const text = this.#carry + chunk.toString('utf8');
    const lines = text.split('\n');
    this.#carry = lines.pop() ?? '';
    if (this.#carry.length > MAX_LINE) {
      this.#carry = '';
      this.#overflow = true;
    }
    const out: Json[] = [];
    for (const raw of lines) {
      if (this.#overflow) {
        // The rest of an oversized line: skip to the next one.
        this.#overflow = false;
        continue;
      }
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (!line.startsWith('data:') || !line.includes('"id"')) continue;
      try {
        const v = JSON.parse(line.slice(5));
        if (v && typeof v === 'object' && !Array.isArray(v)) out.push(v as Json);
      } catch {
        // not JSON ([DONE] and the like)
      }
    }
    return out;
  }
}
