/**
 * Counts tokens with gpt-tokenizer (o200k_base, the GPT-4o family's encoding)
 * when an upstream reports no usage, so a call is never counted as free. The
 * tokenizer's tables are loaded on first use only: most upstreams report
 * usage and the kit should not pay the start-up cost for nothing.
 */
import type { Json } from './call.js';
import type { TokenUsage } from './usage.js';

type Tokenizer = typeof import('gpt-tokenizer');
let tokenizer: Promise<Tokenizer> | undefined;
const load = (): Promise<Tokenizer> => {
  tokenizer ??= import('gpt-tokenizer');
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

async function count(text: string): Promise<number> {
  if (!text) return 0;
  if (text.length > MAX_TOKENIZE_CHARS) return Math.ceil(text.length / 4);
  return (await load()).countTokens(text);
}

/** Prompt and completion tokens as the tokenizer sees them; chat adds OpenAI's per-message framing (3 + 3). */
export async function estimateUsage(request: Json | undefined, completionText: string): Promise<TokenUsage> {
  const prompt = promptText(request);
  const promptTokens = (await count(prompt.text)) + (prompt.messages ? prompt.messages * 3 + 3 : 0);
  const completionTokens = await count(completionText);
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens, estimated: true };
}
