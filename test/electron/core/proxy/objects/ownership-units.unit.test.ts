/**
 * The pieces ownership leans on, in isolation: the SSE scanner that spots
 * created objects in a stream however it is chunked, and the walk that finds
 * every object id a request body references.
 */
import { describe, expect, it } from 'vitest';
import { referencesIn } from '../../../../../electron/core/proxy/objects/references.js';
import { SseObjectScanner } from '../../../../../electron/core/proxy/objects/sse-objects.js';

describe('SseObjectScanner', () => {
  it('finds an object whose data line is split across chunks, with CRLF line ends', () => {
    const text =
      'event: thread.created\r\ndata: {"id":"thread_9","object":"thread"}\r\n\r\nevent: done\r\ndata: [DONE]\r\n\r\n';
    const s = new SseObjectScanner();
    const found = [text.slice(0, 20), text.slice(20, 41), text.slice(41, 50), text.slice(50)].flatMap((c) =>
      s.push(Buffer.from(c)),
    );
    expect(found).toEqual([{ id: 'thread_9', object: 'thread' }]);
  });

  it('finds nothing before a line is complete', () => {
    const s = new SseObjectScanner();
    expect(s.push(Buffer.from('data: {"id":"resp_1","object":"response"}'))).toEqual([]);
    expect(s.push(Buffer.from('\n'))).toEqual([{ id: 'resp_1', object: 'response' }]);
  });

  it('skips an oversized line instead of growing without bound', () => {
    const s = new SseObjectScanner();
    const huge = `data: {"id":"x","pad":"${'a'.repeat(1_100_000)}"}`;
    expect(s.push(Buffer.from(huge))).toEqual([]);
    expect(s.push(Buffer.from('\ndata: {"id":"thread_2","object":"thread"}\n'))).toEqual([
      { id: 'thread_2', object: 'thread' },
    ]);
  });
});

describe('referencesIn', () => {
  it('finds ids at any depth: attachments, tool resources, content parts', () => {
    const refs = referencesIn({
      assistant_id: 'asst_1',
      thread: {
        messages: [
          {
            content: [{ type: 'image_file', image_file: { file_id: 'assistant-img' } }],
            attachments: [{ file_id: 'assistant-doc', tools: [] }],
          },
        ],
      },
      tool_resources: {
        code_interpreter: { file_ids: ['assistant-a', 'assistant-b'] },
        file_search: { vector_store_ids: ['vs_1'] },
      },
      previous_response_id: 'resp_0',
      conversation: { id: 'conv_1' },
      agent: { name: 'planner', type: 'agent_reference' },
    });
    expect(refs).toEqual([
      { type: 'assistant', id: 'asst_1' },
      { type: 'file', id: 'assistant-img' },
      { type: 'file', id: 'assistant-doc' },
      { type: 'file', id: 'assistant-a' },
      { type: 'file', id: 'assistant-b' },
      { type: 'vector_store', id: 'vs_1' },
      { type: 'response', id: 'resp_0' },
      { type: 'conversation', id: 'conv_1' },
      { type: 'agent', id: 'planner' },
    ]);
  });

  it('reads `conversation` and `agent` only at the top level, and ignores values that are not ids', () => {
    expect(
      referencesIn({ metadata: { conversation: 'conv_x', agent: 'a' }, assistant_id: 42, file_ids: [1, null] }),
    ).toEqual([]);
    expect(referencesIn({ conversation: 'conv_2' })).toEqual([{ type: 'conversation', id: 'conv_2' }]);
  });

  it('refuses a body too deep to check, rather than forward what it could not see', () => {
    let deep: Record<string, unknown> = { thread_id: 'thread_deep' };
    for (let i = 0; i < 10_000; i++) deep = { x: deep };
    expect(() => referencesIn(deep)).toThrow(/nested too deeply/);
    let ok: Record<string, unknown> = { thread_id: 'thread_ok' };
    for (let i = 0; i < 20; i++) ok = { x: ok };
    expect(referencesIn(ok)).toEqual([{ type: 'thread', id: 'thread_ok' }]);
  });
});
