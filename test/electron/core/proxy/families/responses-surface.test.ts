/**
 * The Responses API through the kit on both surfaces an attendee's client
 * speaks: `OpenAI` on `/openai/v1/responses` and `AzureOpenAI` with a
 * preview api-version on `/openai/responses`; with input items, input-token
 * counts and compaction, the event's cap on `max_output_tokens`, and two
 * attendees: a response and its input items are their creator's alone, and
 * another's response cannot be built on, counted or compacted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { all, GA, PREVIEW, refused, type SurfaceKit, startSurfaceKit } from '../../../../support/surface-kit.js';

let t: SurfaceKit;
beforeAll(async () => {
  t = await startSurfaceKit();
  await t.kit.call('events.update', { id: t.eventId, maxTokenCap: 256 });
});
afterAll(() => t?.stop());

const last = () => t.emu.received.at(-1);
const sent = () => (last()?.json ?? {}) as Record<string, unknown>;

describe.each([
  ['OpenAI on /openai/v1', (key: string) => t.v1(key), '/openai/v1/responses', null],
  ['AzureOpenAI on /openai (preview)', (key: string) => t.dated(key), '/openai/responses', PREVIEW],
] as const)('responses with %s', (_name, client, path, apiVersion) => {
  it('create → retrieve → input items; the cap on max_output_tokens; the model renamed', async () => {
    const ada = client(t.keys.ada);
    const r = await ada.responses.create({
      model: 'gpt-4o-mini',
      input: [{ role: 'user', content: 'Where is the lighthouse?' }],
    });
    expect(r.output_text).toBe('Model says hi');
    expect(last()?.path).toBe(path);
    expect(last()?.query.get('api-version')).toBe(apiVersion);
    expect(sent()).toMatchObject({ model: 'gpt-4o-mini-eu', max_output_tokens: 256 });
    expect((await ada.responses.retrieve(r.id)).id).toBe(r.id);
    const items = await all(ada.responses.inputItems.list(r.id));
    expect(items).toHaveLength(1);
    expect(last()?.path).toBe(`${path}/${r.id}/input_items`);
    expect(t.kit.store.objects.find((o) => o.id === r.id)?.type).toBe('response');
  });

  it('a streamed response is the caller’s from its response.created event', async () => {
    let id: string | undefined;
    for await (const e of await client(t.keys.ada).responses.create({
      model: 'gpt-4o-mini',
      input: 'hi',
      stream: true,
    })) {
      if (e.type === 'response.created') id = e.response.id;
    }
    expect(id).toBeTruthy();
    expect(await refused(client(t.keys.bob).responses.retrieve(id!))).toEqual({ status: 404, code: 'not_found' });
  });

  it('input tokens and compaction route by model, make nothing to own, and count as requests', async () => {
    const ada = client(t.keys.ada);
    const before = (await t.kit.call('usage.report', { eventId: t.eventId })).attendees.find((a) => a.name === 'Ada');
    const count = await ada.responses.inputTokens.count({ model: 'gpt-4o-mini', input: 'How many tokens is this?' });
    expect(count.object).toBe('response.input_tokens');
    expect(count.input_tokens).toBeGreaterThan(0);
    expect(last()?.path).toBe(`${path}/input_tokens`);
    expect(sent().model).toBe('gpt-4o-mini-eu');
    const compacted = await ada.responses.compact({
      model: 'gpt-4o-mini',
      input: [
        { role: 'user', content: 'Plan a trip.' },
        { role: 'assistant', content: 'Sure: where to?' },
      ],
    });
    expect(compacted.object).toBe('response.compaction');
    expect(compacted.output.at(-1)?.type).toBe('compaction');
    expect(last()?.path).toBe(`${path}/compact`);
    expect(t.kit.store.objects.some((o) => o.id === compacted.id)).toBe(false);
    const after = (await t.kit.call('usage.report', { eventId: t.eventId })).attendees.find((a) => a.name === 'Ada');
    expect((after?.requests ?? 0) - (before?.requests ?? 0)).toBe(2);
    // Compaction reports usage; a token count does not.
    expect((after?.totalTokens ?? 0) - (before?.totalTokens ?? 0)).toBe(compacted.usage.total_tokens);
  });

  it('another attendee’s response cannot be read, listed, deleted, continued, counted or compacted', async () => {
    const r = await client(t.keys.ada).responses.create({ model: 'gpt-4o-mini', input: 'secret' });
    const bob = client(t.keys.bob);
    const mark = t.emu.received.length;
    const cases: Array<[string, () => PromiseLike<unknown>]> = [
      ['retrieve', () => bob.responses.retrieve(r.id)],
      ['input items', () => all(bob.responses.inputItems.list(r.id))],
      ['delete', () => bob.responses.delete(r.id)],
      ['cancel', () => bob.responses.cancel(r.id)],
      ['continue', () => bob.responses.create({ model: 'gpt-4o-mini', previous_response_id: r.id, input: 'x' })],
      ['count', () => bob.responses.inputTokens.count({ model: 'gpt-4o-mini', previous_response_id: r.id })],
      ['compact', () => bob.responses.compact({ model: 'gpt-4o-mini', previous_response_id: r.id })],
    ];
    for (const [what, p] of cases) expect(await refused(p()), what).toEqual({ status: 404, code: 'not_found' });
    expect(t.sentSince(mark)).toEqual([]);
    // The owner continues it, and deleting forgets it.
    const next = await client(t.keys.ada).responses.create({
      model: 'gpt-4o-mini',
      previous_response_id: r.id,
      input: 'more',
    });
    expect(next.previous_response_id).toBe(r.id);
    await client(t.keys.ada).responses.delete(r.id);
    expect(t.kit.store.objects.some((o) => o.id === r.id)).toBe(false);
  });

  it('a model the event does not offer → 404 deployment_not_found before upstream', async () => {
    const mark = t.emu.received.length;
    expect(await refused(client(t.keys.ada).responses.create({ model: 'o9', input: 'x' }))).toEqual({
      status: 404,
      code: 'deployment_not_found',
    });
    expect(await refused(client(t.keys.ada).responses.compact({ model: 'o9' }))).toEqual({
      status: 404,
      code: 'deployment_not_found',
    });
    expect(t.sentSince(mark)).toEqual([]);
  });
});

describe('responses with AzureOpenAI and a GA api-version', () => {
  it('reach /openai/responses with it, and the service’s 404 (no Responses API there) passes through', async () => {
    expect(await refused(t.dated(t.keys.ada, GA).responses.create({ model: 'gpt-4o-mini', input: 'x' }))).toMatchObject(
      {
        status: 404,
      },
    );
    expect(last()?.path).toBe('/openai/responses');
    expect(last()?.query.get('api-version')).toBe(GA);
  });
});
