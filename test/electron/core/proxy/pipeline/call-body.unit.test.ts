/** How the kit edits a JSON body on its way upstream: added members are spliced in, anything else re-serialized. */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ProxyDeps } from '../../../../../electron/core/proxy/deps.js';
import { CallSignal, ProxyCall, withMembers } from '../../../../../electron/core/proxy/pipeline/call.js';

function callWithBody(text: string): ProxyCall {
  const req = new PassThrough() as unknown as IncomingMessage;
  (req as unknown as { headers: Record<string, string>; method: string }).headers = {};
  (req as unknown as { method: string }).method = 'POST';
  (req as unknown as PassThrough).end(Buffer.from(text));
  const caller = { event: { id: 'e' }, attendee: { id: 'a', name: 'A' } } as never;
  const deps = { maxBodyBytes: 1 << 20 } as ProxyDeps;
  return new ProxyCall(req, {} as ServerResponse, deps, caller, '/x', {}, new URLSearchParams(), 0, '/x');
}

describe('withMembers', () => {
  it('writes members after the opening brace, keeping the rest byte for byte', () => {
    const body = Buffer.from('  {"model":"m",  "messages":[{"role":"user","content":"{}"}]}');
    const out = withMembers(body, ['"max_tokens":64']);
    expect(out.toString()).toBe('{"max_tokens":64,"model":"m",  "messages":[{"role":"user","content":"{}"}]}');
    expect(JSON.parse(out.toString())).toEqual({
      max_tokens: 64,
      model: 'm',
      messages: [{ role: 'user', content: '{}' }],
    });
  });

  it('handles an empty object, with or without whitespace inside', () => {
    expect(JSON.parse(withMembers(Buffer.from('{}'), ['"a":1', '"b":{"c":true}']).toString())).toEqual({
      a: 1,
      b: { c: true },
    });
    expect(JSON.parse(withMembers(Buffer.from('{ \n\t}'), ['"a":1']).toString())).toEqual({ a: 1 });
  });
});

describe('ProxyCall JSON edits', () => {
  it('splices new members into the client bytes without re-serializing them', async () => {
    const raw = '{"messages":[{"role":"user","content":"caf\\u00e9"}],  "stream":true}';
    const call = callWithBody(raw);
    const json = await call.json();
    call.setJsonMembers({ max_tokens: 100 });
    call.setJsonMembers({ stream_options: { include_usage: true } });
    expect(json.max_tokens).toBe(100);
    const sent = (await call.body()).toString();
    // The client's own spelling survives (an escaped é), which a parse-and-serialize would not keep.
    expect(sent).toBe(`{"max_tokens":100,"stream_options":{"include_usage":true},${raw.slice(1)}`);
    expect(JSON.parse(sent)).toEqual({ ...JSON.parse(raw), max_tokens: 100, stream_options: { include_usage: true } });
  });

  it('re-serializes when a member already exists, even as null, so no duplicate key can win upstream', async () => {
    const call = callWithBody('{"max_tokens":null,"model":"m"}');
    await call.json();
    call.setJsonMembers({ max_tokens: 50 });
    const sent = JSON.parse((await call.body()).toString());
    expect(sent).toEqual({ max_tokens: 50, model: 'm' });
    expect((await call.body()).toString().match(/max_tokens/g)).toHaveLength(1);
  });

  it('keeps spliced members when a later edit re-serializes the body', async () => {
    const call = callWithBody('{"stream_options":{"x":1}}');
    await call.json();
    call.setJsonMembers({ max_tokens: 7 });
    call.setJsonMembers({ stream_options: { x: 1, include_usage: true } });
    expect(JSON.parse((await call.body()).toString())).toEqual({
      max_tokens: 7,
      stream_options: { x: 1, include_usage: true },
    });
  });

  it('changes or takes back a member it spliced in, without touching the client bytes', async () => {
    const raw = '{"messages":[],"stream":true}';
    const call = callWithBody(raw);
    const json = await call.json();
    call.setJsonMembers({ max_completion_tokens: 10, stream_options: { include_usage: true } });
    call.setJsonMembers({ max_completion_tokens: undefined, max_tokens: 10, stream_options: undefined });
    expect(json).toEqual({ messages: [], stream: true, max_tokens: 10 });
    expect((await call.body()).toString()).toBe(`{"max_tokens":10,${raw.slice(1)}`);
  });

  it('re-serializes to remove a member the client sent, and again for an edit after the body went out', async () => {
    const call = callWithBody('{"max_tokens":20,"model":"m"}');
    await call.json();
    call.setJsonMembers({ max_tokens: undefined, max_completion_tokens: 20 });
    expect(JSON.parse((await call.body()).toString())).toEqual({ model: 'm', max_completion_tokens: 20 });
    // A failover to a resource that takes the other field: the body is fitted again.
    call.setJsonMembers({ max_completion_tokens: undefined, max_tokens: 20 });
    const again = (await call.body()).toString();
    expect(JSON.parse(again)).toEqual({ model: 'm', max_tokens: 20 });
    expect(again).not.toContain('max_completion_tokens');
  });

  it('ignores taking back a member the body never had', async () => {
    const raw = '{"a":1}';
    const call = callWithBody(raw);
    await call.json();
    call.setJsonMembers({ b: undefined });
    expect((await call.body()).toString()).toBe(raw);
  });
});

describe('CallSignal', () => {
  it('tells its listeners once, forgets removed ones, and ignores listeners added after the abort', () => {
    const s = new CallSignal();
    const heard: string[] = [];
    const a = () => heard.push('a');
    const b = () => heard.push('b');
    s.addEventListener('abort', a);
    s.addEventListener('abort', b);
    s.removeEventListener('abort', a);
    s.abort();
    s.abort();
    s.addEventListener('abort', a);
    expect(heard).toEqual(['b']);
    expect(s.aborted).toBe(true);
  });
});
