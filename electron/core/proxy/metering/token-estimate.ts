/**
 * Counts tokens with gpt-tokenizer (o200k_base, the GPT-4o family's encoding)
 * when an upstream reports no usage, so a call is never counted as free. The
 * tokenizer's tables are loaded on first use only: most upstreams report
 * usage and the kit should not pay the start-up cost for nothing.
 */
import type { Json } from '../pipeline/call.js';
import type { TokenUsage } from './usage.js';

type Tokenizer = typeof import('gpt-tokenizer');
let tokenizer: Promise<Tokenizer> | undefined;
let loaded: Tokenizer | undefined;
const load = (): Promise<Tokenizer> => {
  tokenizer ??= import('gpt-tokenizer').then((t) => {
    loaded = t;
    return t;
  });
  return tokenizer;
};

/** Bounded: a request body is at most what the proxy accepts; text beyond this is counted by length. */
const MAX_TOKENIZE_CHARS = 2 * 1024 * 1024;

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((p) =>
        typeof p === 'string' ? p : typeof (p as Json)?.text === 'string' ? ((p as Json).text as string) : '',
      )
      .join('');
  }
  return '';
}

/** The text a request sends the model: chat messages, a legacy prompt, or embeddings/responses input. */
export function promptText(request: Json | undefined): { text: string; messages: number } {
  if (!request) return { text: '', messages: 0 };
  if (Array.isArray(request.messages)) {
    const parts = (request.messages as Json[]).map(
      (m) => `${typeof m?.role === 'string' ? m.role : ''}\n${textOf(m?.content)}`,
    );
    return { text: parts.join('\n'), messages: parts.length };
  }
  const input = request.input ?? request.prompt;
  if (Array.isArray(input)) {
    return {
      text: input.map((i) => (typeof i === 'string' ? i : textOf((i as Json)?.content))).join('\n'),
      messages: 0,
    };
  }
  return { text: textOf(input), messages: 0 };
}

function count(t: Tokenizer, text: string): number {
  if (!text) return 0;
  if (text.length > MAX_TOKENIZE_CHARS) return Math.ceil(text.length / 4);
  return t.countTokens(text);
}

function estimateWith(t: Tokenizer, request: Json | undefined, completionText: string): TokenUsage {
  const prompt = promptText(request);
  const promptTokens = count(t, prompt.text) + (prompt.messages ? prompt.messages * 3 + 3 : 0);
  const completionTokens = count(t, completionText);
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens, estimated: true };
}

/**
 * Prompt and completion tokens as the tokenizer sees them; chat adds
 * OpenAI's per-message framing (3 + 3). Synchronous once the tokenizer is
 * loaded, so the count lands on the traffic record before it is published.
 */
export function estimateUsage(request: Json | undefined, completionText: string): TokenUsage | Promise<TokenUsage> {
  if (loaded) return estimateWith(loaded, request, completionText);
  return load().then((t) => estimateWith(t, request, completionText));
}
