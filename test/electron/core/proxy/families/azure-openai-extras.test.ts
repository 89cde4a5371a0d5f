/**
 * The rest of the Azure OpenAI deployment surface through the kit with the
 * official `openai` AzureOpenAI client: completions, chat with extensions,
 * images, vision content parts, audio transcription/translation (multipart,
 * streamed up, byte-identical) and speech (binary, streamed back, byte-identical).
 */
import { AzureOpenAI, toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../../../support/emulator.js';
import { azureSetup, startKit, type TestKit } from '../../../../support/kit.js';
import { addAzureOpenAIExtras, sha256, speechBytes } from '../../../../support/services.js';

const API_VERSION = '2025-01-01-preview';
let emu: Emulator;
let kit: TestKit;
let apiKey: string;

const client = () => new AzureOpenAI({ endpoint: kit.apiBase, apiKey, apiVersion: API_VERSION, maxRetries: 0 });
const lastReceived = () => emu.received.at(-1);

beforeAll(async () => {
  emu = await startEmulator();
  addAzureOpenAIExtras(emu);
  kit = await startKit();
  ({ apiKey } = await azureSetup(kit, emu.url, 'gpt-4o-mini'));
});
afterAll(async () => {
  await kit?.stop();
  await emu?.close();
});

describe('Azure OpenAI deployment operations', () => {
  it('completions', async () => {
    const r = await client().completions.create({ model: 'gpt-4o-mini', prompt: 'Once upon' });
    expect(r.choices[0]?.text).toBe(' completes "Once upon"');
    expect(lastReceived()?.path).toBe('/openai/deployments/gpt-4o-mini/completions');
    expect(lastReceived()?.query.get('api-version')).toBe(API_VERSION);
    expect(lastReceived()?.headers['api-key']).toBe('upstream-secret-key-123');
  });

  it('chat with extensions (REST, as the service documents it)', async () => {
    const body = {
      messages: [{ role: 'user', content: 'What do my docs say?' }],
      data_sources: [
        { type: 'azure_search', parameters: { endpoint: 'https://s.search.windows.net', index_name: 'docs' } },
      ],
    };
    const r = await fetch(
      `${kit.apiBase}/openai/deployments/gpt-4o-mini/extensions/chat/completions?api-version=${API_VERSION}`,
      {
        method: 'POST',
        headers: { 'api-key': apiKey, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      },
    );
    expect(r.status).toBe(200);
    expect((await r.json()).choices[0].message.content).toBe('grounded answer');
    expect(lastReceived()?.path).toBe('/openai/deployments/gpt-4o-mini/extensions/chat/completions');
    expect(lastReceived()?.json).toEqual(body);
  });

  it('vision content parts pass through untouched', async () => {
    const content = [
      { type: 'text' as const, text: 'What is in this image?' },
      { type: 'image_url' as const, image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' as const } },
    ];
    await client().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] });
    expect(
      (lastReceived()?.json as { messages?: Array<{ content: unknown }> } | undefined)?.messages?.[0]?.content,
    ).toEqual(content);
  });

  it('images/generations', async () => {
    const r = await client().images.generate({ model: 'gpt-4o-mini', prompt: 'a lighthouse', size: '1024x1024' });
    expect(r.data?.[0]?.url).toBe('https://images.example/1.png');
    expect(lastReceived()?.path).toBe('/openai/deployments/gpt-4o-mini/images/generations');
  });

  it('audio/speech streams the binary answer back byte-identical', async () => {
    const r = await client().audio.speech.create({
      model: 'gpt-4o-mini',
      voice: 'alloy',
      input: 'Bonjour tout le monde',
    });
    expect(r.headers.get('content-type')).toBe('audio/mpeg');
    const got = Buffer.from(await r.arrayBuffer());
    expect(sha256(got)).toBe(sha256(speechBytes('Bonjour tout le monde')));
    expect(got.length).toBe(64 * 1024);
  });

  // Every byte value, and a size that spans many network chunks.
  const audio = Buffer.alloc(300 * 1024);
  for (let i = 0; i < audio.length; i++) audio[i] = (i * 7 + (i >> 8)) & 0xff;

  it('audio/transcriptions: the multipart upload reaches upstream byte-identical, streamed', async () => {
    const r = await client().audio.transcriptions.create({
      model: 'gpt-4o-mini',
      file: await toFile(audio, 'talk.wav', { type: 'audio/wav' }),
    });
    const got = lastReceived();
    expect(got?.path).toBe('/openai/deployments/gpt-4o-mini/audio/transcriptions');
    expect(got?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    // Forwarded as a stream: chunked, not a re-measured buffer.
    expect(got?.headers['transfer-encoding']).toBe('chunked');
    expect(got?.body.indexOf(audio)).toBeGreaterThan(0);
    expect(r.text).toBe(`heard ${got?.body.length} bytes sha256=${sha256(got?.body ?? Buffer.alloc(0))}`);
  });

  it('audio/translations: a hand-built multipart body arrives upstream exactly as sent', async () => {
    const boundary = '----kit-test-boundary-42';
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.mp3"\r\nContent-Type: audio/mpeg\r\n\r\n`,
      ),
      audio,
      Buffer.from(
        `\r\n--${boundary}\r\nContent-Disposition: form-data; name="model"\r\n\r\nwhisper\r\n--${boundary}--\r\n`,
      ),
    ]);
    const r = await fetch(
      `${kit.apiBase}/openai/deployments/gpt-4o-mini/audio/translations?api-version=${API_VERSION}`,
      {
        method: 'POST',
        headers: { 'api-key': apiKey, 'content-type': `multipart/form-data; boundary=${boundary}` },
        body,
      },
    );
    expect(r.status).toBe(200);
    expect(sha256(lastReceived()?.body ?? Buffer.alloc(0))).toBe(sha256(body));
    expect((await r.json()).text).toContain(sha256(body));
  });

  it('a multipart upload over the body limit is refused with 413', async () => {
    const small = await startKit({ maxBodyBytes: 64 * 1024 });
    try {
      const { apiKey: key } = await azureSetup(small, emu.url, 'gpt-4o-mini');
      const before = emu.received.length;
      // No content-length: the limit has to hold while streaming.
      const stream = new ReadableStream({
        start(c) {
          for (let i = 0; i < 4; i++) c.enqueue(audio.subarray(i * 32 * 1024, (i + 1) * 32 * 1024));
          c.close();
        },
      });
      const r = await fetch(`${small.apiBase}/openai/deployments/gpt-4o-mini/audio/transcriptions`, {
        method: 'POST',
        headers: { 'api-key': key, 'content-type': 'multipart/form-data; boundary=x' },
        body: stream,
        duplex: 'half',
      } as RequestInit);
      expect(r.status).toBe(413);
      expect((await r.json()).error.code).toBe('body_too_large');
      // Whatever reached upstream was cut short, never a whole over-limit body.
      for (const x of emu.received.slice(before)) expect(x.body.length).toBeLessThan(128 * 1024);
    } finally {
      await small.stop();
    }
  });
});
