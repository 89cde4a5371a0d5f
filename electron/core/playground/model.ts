/**
 * The built-in offline model: deterministic answers to chat completions
 * (a tool call when tools are offered) and embeddings, so a workshop can run
 * with no cloud account and no internet. Token counts come from a real
 * tokenizer (o200k, as GPT-4o-class models use) so limits and usage behave as
 * they would upstream.
 */
import { createHash } from 'node:crypto';
import { countTokens, decode, encode } from 'gpt-tokenizer';

export type Msg = { role?: string; content?: unknown; name?: string };
export type Tool = {
  type?: string;
  function?: { name?: string; parameters?: { properties?: Record<string, { type?: string }>; required?: string[] } };
};

export interface ChatRequest {
  messages?: Msg[];
  tools?: Tool[];
  tool_choice?: unknown;
  max_tokens?: number;
  max_completion_tokens?: number;
  model?: string;
}

export interface ChatAnswer {
  content: string | null;
  toolCall?: { id: string; name: string; arguments: string };
  finishReason: 'stop' | 'length' | 'tool_calls';
  promptTokens: number;
  completionTokens: number;
}

export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((p) => (p && typeof p === 'object' && 'text' in p && typeof p.text === 'string' ? p.text : ''))
      .filter(Boolean)
      .join(' ');
  }
  return '';
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export function answerChat(req: ChatRequest): ChatAnswer {
  const messages = Array.isArray(req.messages) ? req.messages : [];
  const promptTokens = messages.reduce((n, m) => n + 4 + countTokens(textOf(m.content)), 3);
  const last = messages[messages.length - 1];
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const question = textOf(lastUser?.content).trim();

  const tool = Array.isArray(req.tools) ? req.tools.find((t) => t?.function?.name) : undefined;
  if (tool?.function?.name && last?.role !== 'tool' && req.tool_choice !== 'none') {
    const args: Record<string, unknown> = {};
    const props = tool.function.parameters?.properties ?? {};
    for (const [name, schema] of Object.entries(props)) {
      if (schema?.type === 'number' || schema?.type === 'integer') args[name] = 1;
      else if (schema?.type === 'boolean') args[name] = true;
      else args[name] = question || name;
    }
    const argText = JSON.stringify(args);
    return {
      content: null,
      toolCall: {
        id: `call_${digest(question + tool.function.name)
          .toString('hex')
          .slice(0, 24)}`,
        name: tool.function.name,
        arguments: argText,
      },
      finishReason: 'tool_calls',
      promptTokens,
      completionTokens: countTokens(tool.function.name + argText),
    };
  }

  const text =
    last?.role === 'tool'
      ? `The tool answered: ${textOf(last.content)}`
      : question
        ? `This is the offline playground model. You said: "${question}". It answers without any cloud service, so your code works the same way it will against a real deployment.`
        : 'This is the offline playground model. Send a user message and it will answer.';
  const cap = req.max_completion_tokens ?? req.max_tokens;
  const tokens = encode(text);
  if (typeof cap === 'number' && cap > 0 && tokens.length > cap) {
    return { content: decode(tokens.slice(0, cap)), finishReason: 'length', promptTokens, completionTokens: cap };
  }
  return { content: text, finishReason: 'stop', promptTokens, completionTokens: tokens.length };
}

/** Splits a reply into stream pieces, one per token, as a real model streams. */
export function streamPieces(text: string): string[] {
  return encode(text).map((t) => decode([t]));
}

/** A unit vector derived from the text: equal texts give equal vectors. */
export function embed(text: string, dimensions = 1536): number[] {
  const out = new Array<number>(dimensions);
  let block = digest(text);
  let norm = 0;
  for (let i = 0; i < dimensions; i++) {
    if (i % 16 === 0 && i > 0) block = digest(block.toString('hex'));
    const v = block.readUInt16BE((i % 16) * 2) / 32767.5 - 1;
    out[i] = v;
    norm += v * v;
  }
  const scale = 1 / Math.sqrt(norm || 1);
  return out.map((v) => v * scale);
}

export const countTextTokens = (text: string): number => countTokens(text);
