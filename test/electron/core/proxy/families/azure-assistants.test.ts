/**
 * The Azure OpenAI Assistants API through the kit with `AzureOpenAI().beta`
 * and a preview api-version: assistants (the deployment renamed for
 * upstream), threads, messages, runs polled and streamed with the event's
 * token cap on the field runs take, run steps and create-and-run; and with
 * two attendees, every assistant and thread is its creator's alone, down to
 * messages, runs and steps, and another's ids in a body are 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { all, GA, PREVIEW, refused, type SurfaceKit, startSurfaceKit } from '../../../../support/surface-kit.js';

let t: SurfaceKit;
beforeAll(async () => {
  t = await startSurfaceKit();
  await t.kit.call('events.update', { id: t.eventId, maxTokenCap: 300 });
});
afterAll(() => t?.stop());

const last = () => t.emu.received.at(-1);

describe('assistants, threads and runs on the Azure OpenAI resource', () => {
  it('assistant → thread → message → run (polled) → reply and run steps', async () => {
    const ada = t.dated(t.keys.ada).beta;
    const assistant = await ada.assistants.create({ model: 'gpt-4o-mini', name: 'helper', instructions: 'Be brief.' });
    expect(last()?.path).toBe('/openai/assistants');
    expect(last()?.query.get('api-version')).toBe(PREVIEW);
    expect(last()?.headers['api-key']).toBe('aoai-account-key');
    expect((last()?.json as { model?: string } | undefined)?.model).toBe('gpt-4o-mini-eu');
    const thread = await ada.threads.create();
    await ada.threads.messages.create(thread.id, { role: 'user', content: 'Hello?' });
    const run = await ada.threads.runs.createAndPoll(thread.id, { assistant_id: assistant.id }, { pollIntervalMs: 10 });
    expect(run.status).toBe('completed');
    // The event's cap reaches upstream on the field runs take.
    expect(run.max_completion_tokens).toBe(300);
    const messages = await all(ada.threads.messages.list(thread.id));
    expect(messages.map((m) => m.role)).toContain('assistant');
    const steps = await all(ada.threads.runs.steps.list(run.id, { thread_id: thread.id }));
    expect(steps).toHaveLength(1);
    expect((await ada.threads.runs.steps.retrieve(steps[0]!.id, { thread_id: thread.id, run_id: run.id })).status).toBe(
      'completed',
    );
  });

  it('a streamed run, and a streamed create-and-run whose new thread becomes the caller’s', async () => {
    const ada = t.dated(t.keys.ada).beta;
    const assistant = await ada.assistants.create({ model: 'gpt-4o-mini' });
    const thread = await ada.threads.create();
    const events: string[] = [];
    for await (const e of await ada.threads.runs.create(thread.id, { assistant_id: assistant.id, stream: true })) {
      events.push(e.event);
    }
    expect(events).toContain('thread.run.completed');
    let made: string | undefined;
    const stream = await ada.threads.createAndRun({
      assistant_id: assistant.id,
      thread: { messages: [{ role: 'user', content: 'hi' }] },
      stream: true,
    });
    for await (const e of stream) if (e.event === 'thread.created') made = e.data.id;
    expect(made).toBeTruthy();
    expect((await ada.threads.retrieve(made!)).id).toBe(made);
    expect(await refused(t.dated(t.keys.bob).beta.threads.retrieve(made!))).toEqual({ status: 404, code: 'not_found' });
  });

  it('upstream refusals pass through: a model the account does not deploy, a GA api-version', async () => {
    expect(await refused(t.dated(t.keys.ada).beta.assistants.create({ model: 'gpt-9' }))).toMatchObject({
      status: 404,
    });
    expect(await refused(t.dated(t.keys.ada, GA).beta.assistants.create({ model: 'gpt-4o-mini' }))).toMatchObject({
      status: 404,
    });
  });
});

describe('two attendees: assistants and threads are their creator’s alone', () => {
  let ids: {
    assistant: string;
    thread: string;
    message: string;
    run: string;
    step: string;
    file: string;
    store: string;
  };

  beforeAll(async () => {
    const ada = t.dated(t.keys.ada);
    const assistant = await ada.beta.assistants.create({ model: 'gpt-4o-mini', name: 'private' });
    const thread = await ada.beta.threads.create();
    const message = await ada.beta.threads.messages.create(thread.id, { role: 'user', content: 'secret' });
    const run = await ada.beta.threads.runs.createAndPoll(
      thread.id,
      { assistant_id: assistant.id },
      { pollIntervalMs: 10 },
    );
    const step = (await all(ada.beta.threads.runs.steps.list(run.id, { thread_id: thread.id })))[0]!;
    const file = await ada.files.create({
      file: new File(['notes'], 'notes.txt', { type: 'text/plain' }),
      purpose: 'assistants',
    });
    const store = await ada.vectorStores.create({ name: 'ada' });
    ids = {
      assistant: assistant.id,
      thread: thread.id,
      message: message.id,
      run: run.id,
      step: step.id,
      file: file.id,
      store: store.id,
    };
    await t.dated(t.keys.bob).beta.assistants.create({ model: 'gpt-4o-mini', name: 'bobs' });
    await t.dated(t.keys.bob).beta.threads.create();
  });

  it('lists show only the caller’s assistants', async () => {
    expect((await all(t.dated(t.keys.bob).beta.assistants.list())).map((a) => a.name)).toEqual(['bobs']);
    expect((await all(t.dated(t.keys.ada).beta.assistants.list())).map((a) => a.id)).toContain(ids.assistant);
  });

  it('every call on another’s assistant, thread, message, run or step → 404, nothing forwarded', async () => {
    const bob = t.dated(t.keys.bob).beta;
    const { assistant, thread, message, run, step } = ids;
    const mark = t.emu.received.length;
    const cases: Array<[string, () => PromiseLike<unknown>]> = [
      ['get assistant', () => bob.assistants.retrieve(assistant)],
      ['update assistant', () => bob.assistants.update(assistant, { name: 'mine' })],
      ['delete assistant', () => bob.assistants.delete(assistant)],
      ['get thread', () => bob.threads.retrieve(thread)],
      ['update thread', () => bob.threads.update(thread, { metadata: { a: 'b' } })],
      ['delete thread', () => bob.threads.delete(thread)],
      ['messages', () => all(bob.threads.messages.list(thread))],
      ['a message', () => bob.threads.messages.retrieve(message, { thread_id: thread })],
      ['post a message', () => bob.threads.messages.create(thread, { role: 'user', content: 'hi' })],
      ['runs', () => all(bob.threads.runs.list(thread))],
      ['a run', () => bob.threads.runs.retrieve(run, { thread_id: thread })],
      ['cancel a run', () => bob.threads.runs.cancel(run, { thread_id: thread })],
      ['run on the thread', () => bob.threads.runs.create(thread, { assistant_id: assistant })],
      ['steps', () => all(bob.threads.runs.steps.list(run, { thread_id: thread }))],
      ['a step', () => bob.threads.runs.steps.retrieve(step, { thread_id: thread, run_id: run })],
    ];
    for (const [what, p] of cases) expect(await refused(p()), what).toEqual({ status: 404, code: 'not_found' });
    expect(t.sentSince(mark)).toEqual([]);
  });

  it('another’s ids in a body → 404: assistant in a run or create-and-run, file attachments, vector stores', async () => {
    const bob = t.dated(t.keys.bob).beta;
    const own = (await all(bob.assistants.list()))[0]!.id;
    const bobThread = (await bob.threads.create()).id;
    const mark = t.emu.received.length;
    const cases: Array<[string, () => PromiseLike<unknown>]> = [
      ['run with another’s assistant', () => bob.threads.runs.create(bobThread, { assistant_id: ids.assistant })],
      ['create-and-run with another’s assistant', () => bob.threads.createAndRun({ assistant_id: ids.assistant })],
      [
        'attachment',
        () =>
          bob.threads.messages.create(bobThread, {
            role: 'user',
            content: 'see',
            attachments: [{ file_id: ids.file, tools: [{ type: 'file_search' }] }],
          }),
      ],
      [
        'assistant with another’s store',
        () =>
          bob.assistants.create({
            model: 'gpt-4o-mini',
            tools: [{ type: 'file_search' }],
            tool_resources: { file_search: { vector_store_ids: [ids.store] } },
          }),
      ],
      [
        'thread with another’s store',
        () => bob.threads.create({ tool_resources: { file_search: { vector_store_ids: [ids.store] } } }),
      ],
      [
        'update own assistant with another’s store',
        () => bob.assistants.update(own, { tool_resources: { file_search: { vector_store_ids: [ids.store] } } }),
      ],
    ];
    for (const [what, p] of cases) expect(await refused(p()), what).toEqual({ status: 404, code: 'not_found' });
    expect(t.sentSince(mark)).toEqual([]);
  });

  it('a delete forgets the record: the thread is then nobody’s', async () => {
    const ada = t.dated(t.keys.ada).beta;
    const thread = await ada.threads.create();
    await ada.threads.delete(thread.id);
    expect(t.kit.store.objects.some((o) => o.id === thread.id)).toBe(false);
    expect(await refused(ada.threads.retrieve(thread.id))).toEqual({ status: 404, code: 'not_found' });
  });
});
