/**
 * Reads token usage off an upstream response on the side, without holding
 * the response back: JSON bodies are collected (bounded) and parsed at the
 * end; event streams are scanned line by line for a `usage` object.
 */

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

const MAX_JSON_BYTES = 4 * 1024 * 1024;

export function usageFrom(value: unknown): TokenUsage | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const u = (value as { usage?: Record<string, unknown> }).usage;
  if (!u || typeof u !== 'object') return undefined;
  const n = (k: string) => (typeof u[k] === 'number' ? (u[k] as number) : undefined);
  const prompt = n('prompt_tokens') ?? n('input_tokens') ?? 0;
  const completion = n('completion_tokens') ?? n('output_tokens') ?? 0;
  return { promptTokens: prompt, completionTokens: completion, totalTokens: n('total_tokens') ?? prompt + completion };
}

export class UsageTap {
  readonly #sse: boolean;
  #chunks: Buffer[] = [];
  #size = 0;
  #carry = '';
  #usage: TokenUsage | undefined;

  constructor(contentType: string | undefined) {
    this.#sse = (contentType ?? '').includes('text/event-stream');
  }

  push(chunk: Buffer): void {
    if (this.#sse) {
      const text = this.#carry + chunk.toString('utf8');
      const lines = text.split('\n');
      this.#carry = lines.pop() ?? '';
      for (const line of lines) this.#line(line);
    } else if (this.#size + chunk.length <= MAX_JSON_BYTES) {
      this.#chunks.push(chunk);
      this.#size += chunk.length;
    } else {
      this.#chunks = [];
      this.#size = Number.POSITIVE_INFINITY;
    }
  }

  #line(line: string): void {
    if (!line.startsWith('data:') || !line.includes('"usage"')) return;
    try {
      const u = usageFrom(JSON.parse(line.slice(5)));
      // Responses-API streams nest usage in `response`; chat streams put it at the top.
      if (u) this.#usage = u;
    } catch {
      // not JSON: not ours to judge
    }
  }

  end(): TokenUsage | undefined {
    if (this.#sse) {
      if (this.#carry) this.#line(this.#carry);
      return this.#usage;
    }
    if (!Number.isFinite(this.#size) || this.#size === 0) return undefined;
    try {
      const v = JSON.parse(Buffer.concat(this.#chunks).toString('utf8')) as Record<string, unknown>;
      return usageFrom(v) ?? usageFrom(v.response);
    } catch {
      return undefined;
    }
  }
}
