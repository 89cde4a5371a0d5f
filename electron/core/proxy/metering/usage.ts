/**
 * Reads token usage off an upstream response on the side, without holding
 * the response back: JSON bodies are collected (bounded) and parsed at the
 * end; event streams are scanned line by line for a `usage` object. When the
 * upstream reports no usage (some OpenAI-compatible servers, a cut stream),
 * the generated text is kept (bounded) so the tokenizer can count it instead.
 * Usage that belongs to an agent run or a response (which may finish long
 * after the call that started it, and be read again by every poll) comes
 * with the object it belongs to, so it can be counted once.
 */
import type { Json } from '../pipeline/call.js';

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** Counted by the kit's tokenizer, not reported by upstream. */
  estimated?: boolean;
}

/** The object a usage report belongs to, when it is a run's or a response's (counted once per object). */
export interface UsageOwner {
  type: 'run' | 'response';
  id: string;
  /** A run's thread. */
  parentId?: string;
}

/** A run, a response, or a Responses-API stream event carrying one. */
export function usageOwner(v: Json): UsageOwner | undefined {
  if (v.object === 'thread.run' && typeof v.id === 'string') {
    return { type: 'run', id: v.id, ...(typeof v.thread_id === 'string' ? { parentId: v.thread_id } : {}) };
  }
  const r = v.object === 'response' ? v : (v.response as Json | undefined);
  if (r && typeof r === 'object' && r.object === 'response' && typeof r.id === 'string') {
    return { type: 'response', id: r.id };
  }
  return undefined;
}

const MAX_JSON_BYTES = 4 * 1024 * 1024;
/** Event-stream data kept for a tokenizer count when no usage shows up. */
const MAX_STREAM_TEXT = 1024 * 1024;

export function usageFrom(value: unknown): TokenUsage | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const u = (value as { usage?: Record<string, unknown> }).usage;
  if (!u || typeof u !== 'object') return undefined;
  const n = (k: string) => (typeof u[k] === 'number' ? (u[k] as number) : undefined);
  const prompt = n('prompt_tokens') ?? n('input_tokens') ?? 0;
  const completion = n('completion_tokens') ?? n('output_tokens') ?? 0;
  return { promptTokens: prompt, completionTokens: completion, totalTokens: n('total_tokens') ?? prompt + completion };
}

/** Generated text in a chat/completions/responses body or chunk, for the tokenizer. */
export function generatedText(value: unknown): string {
  if (!value || typeof value !== 'object') return '';
  const v = value as Json;
  let out = '';
  if (Array.isArray(v.choices)) {
    for (const c of v.choices as Json[]) {
      const m = (c?.message ?? c?.delta) as Json | undefined;
      if (typeof m?.content === 'string') out += m.content;
      if (typeof m?.reasoning_content === 'string') out += m.reasoning_content;
      for (const call of (Array.isArray(m?.tool_calls) ? m.tool_calls : []) as Json[]) {
        const f = call?.function as Json | undefined;
        if (typeof f?.name === 'string') out += f.name;
        if (typeof f?.arguments === 'string') out += f.arguments;
      }
      if (typeof c?.text === 'string') out += c.text;
    }
  }
  // Responses API: `response.output_text.delta` events and finished `output` items.
  if (v.type === 'response.output_text.delta' && typeof v.delta === 'string') out += v.delta;
  if (typeof v.output_text === 'string') out += v.output_text;
  return out;
}

/**
 * A large JSON answer's usage read from its tail, without parsing the rest
 * (an embeddings answer is mostly numbers). `{` + the text from the last
 * `"usage"` key parses only when that key is a member of the top-level object
 * (Azure and OpenAI put it last, so the parse is a few bytes); anything else
 * falls back to the full parse.
 */
export function tailUsage(body: Buffer): TokenUsage | undefined {
  const at = body.lastIndexOf('"usage"');
  if (at < 0) return undefined;
  try {
    return usageFrom(JSON.parse(`{${body.subarray(at).toString('utf8')}`));
  } catch {
    return undefined;
  }
}

export class UsageTap {
  readonly #sse: boolean;
  /** Usage here may be a run's or a response's: learn whose (a JSON answer is then parsed whole). */
  readonly #owned: boolean;
  #owner: UsageOwner | undefined;
  /** Only JSON answers carry usage; audio, images and files are not held. */
  readonly #json: boolean;
  #chunks: Buffer[] = [];
  #size = 0;
  #carry = '';
  #usage: TokenUsage | undefined;
  #text = '';

  constructor(contentType: string | undefined, owned = false) {
    this.#owned = owned;
    this.#sse = (contentType ?? '').includes('text/event-stream');
    this.#json = !this.#sse && (contentType ?? '').includes('json');
  }

  push(chunk: Buffer): void {
    if (this.#sse) {
      const text = this.#carry + chunk.toString('utf8');
      const lines = text.split('\n');
      this.#carry = lines.pop() ?? '';
      for (const line of lines) this.#line(line);
    } else if (!this.#json) {
      return;
    } else if (this.#size + chunk.length <= MAX_JSON_BYTES) {
      this.#chunks.push(chunk);
      this.#size += chunk.length;
    } else {
      this.#chunks = [];
      this.#size = Number.POSITIVE_INFINITY;
    }
  }

  #line(raw: string): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!line.startsWith('data:')) return;
    if (line.includes('"usage"')) {
      try {
        const v = JSON.parse(line.slice(5)) as Json;
        // A run step reports its own share; the run that holds it reports the whole, once it is over.
        if (v.object !== 'thread.run.step') {
          // Responses-API streams nest usage in `response`; chat streams put it at the top.
          const u = usageFrom(v) ?? usageFrom(v.response);
          if (u) {
            this.#usage = u;
            if (this.#owned) this.#owner = usageOwner(v);
          }
        }
      } catch {
        // not JSON: not ours to judge
      }
    }
    // Keep the data for a tokenizer count until upstream proves it reports usage.
    if (!this.#usage && this.#text.length < MAX_STREAM_TEXT) this.#text += `${line.slice(5)}\n`;
  }

  /** Usage as upstream reported it (and whose it is), else what a tokenizer count needs. */
  end(): { usage?: TokenUsage; completionText: string; owner?: UsageOwner } {
    if (this.#sse) {
      if (this.#carry) this.#line(this.#carry);
      if (this.#usage)
        return { usage: this.#usage, completionText: '', ...(this.#owner ? { owner: this.#owner } : {}) };
      let text = '';
      for (const data of this.#text.split('\n')) {
        if (!data.trim() || data.trim() === '[DONE]') continue;
        try {
          text += generatedText(JSON.parse(data));
        } catch {
          // a partial or foreign line: nothing to count
        }
      }
      return { completionText: text };
    }
    if (!Number.isFinite(this.#size) || this.#size === 0) return { completionText: '' };
    const body = this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks, this.#size);
    const fast = this.#owned ? undefined : tailUsage(body);
    if (fast) return { usage: fast, completionText: '' };
    try {
      const v = JSON.parse(body.toString('utf8')) as Json;
      const usage = usageFrom(v) ?? usageFrom(v.response);
      if (!usage) return { completionText: generatedText(v) };
      const owner = this.#owned ? usageOwner(v) : undefined;
      return { usage, completionText: '', ...(owner ? { owner } : {}) };
    } catch {
      return { completionText: '' };
    }
  }
}
