/**
 * Legacy completions, images and audio on the v1 API through the kit with
 * the official `OpenAI` client, and image edits with `AzureOpenAI` (with and
 * without a `deployment`), against an emulated Azure OpenAI account that
 * knows some deployments by other names. Multipart uploads are routed by
 * their form's `model` field whichever order the form has, reach upstream
 * byte for byte with the model renamed, and leave no temporary file behind;
 * every call counts toward the daily cap, with tokens where upstream
 * reports them.
 */
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { toFile } from 'openai';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256, speechBytes } from '../../../../support/services.js';
import { patterned, refused, type SurfaceKit, startSurfaceKit } from '../../../../support/surface-kit.js';

let t: SurfaceKit;

beforeAll(async () => {
  t = await startSurfaceKit();
});
afterAll(() => t?.stop());

const spoolFiles = () => readdirSync(tmpdir()).filter((f) => f.startsWith('ai-proxy-kit-upload-'));
const last = () => t.emu.received.at(-1);
const sentModel = () => (last()?.json as { model?: string } | undefined)?.model;

async function usageOf(name: string) {
  const report = await t.kit.call('usage.report', { eventId: t.eventId });
  return report.deployments.find((d) => d.deployment === name);
}

/** The form fields upstream received (files as their sha256). */
async function upstreamForm(): Promise<Record<string, string>> {
  const got = last();
  const form = await new Response(new Uint8Array(got?.body ?? Buffer.alloc(0)), {
    headers: { 'content-type': String(got?.headers['content-type']) },
  }).formData();
  const out: Record<string, string> = {};
  for (const [k, v] of form.entries()) {
    out[k] = typeof v === 'string' ? v : `sha256:${sha256(Buffer.from(await v.arrayBuffer()))}`;
  }
  return out;
}

describe('JSON calls routed by the body’s model', () => {
  it('completions reach the deployment’s v1 operation under its upstream name', async () => {
    const r = await t.v1(t.keys.ada).completions.create({ model: 'gpt-4o-mini', prompt: 'Once upon' });
    expect(r.object).toBe('text_completion');
    expect(r.choices[0]?.text).toBe(' completes "Once upon"');
    expect(last()?.path).toBe('/openai/v1/completions');
    expect(sentModel()).toBe('gpt-4o-mini-eu');
    expect(last()?.headers['api-key']).toBe('aoai-account-key');
    expect(JSON.stringify(last()?.headers)).not.toContain(t.keys.ada);
  });

  it('images/generations: dall-e answers a URL; gpt-image reports tokens, which are counted', async () => {
    const before = await usageOf('gpt-image-1');
    const dalle = await t
      .v1(t.keys.ada)
      .images.generate({ model: 'dall-e-3', prompt: 'a lighthouse', size: '1024x1024' });
    expect(dalle.data?.[0]?.url).toBe('https://images.example/generated.png');
    expect(sentModel()).toBe('dalle3-prod');
    const img = await t.v1(t.keys.ada).images.generate({ model: 'gpt-image-1', prompt: 'a lighthouse' });
    expect(Buffer.from(img.data?.[0]?.b64_json ?? '', 'base64').toString()).toBe('gpt-image-1:generated');
    const after = await usageOf('gpt-image-1');
    expect((after?.requests ?? 0) - (before?.requests ?? 0)).toBe(1);
    expect((after?.totalTokens ?? 0) - (before?.totalTokens ?? 0)).toBe(322);
    // The upstream's own refusal (a size dall-e does not make) passes through.
    expect(
      await refused(t.v1(t.keys.ada).images.generate({ model: 'dall-e-3', prompt: 'x', size: '256x256' })),
    ).toMatchObject({ status: 400, code: 'invalid_value' });
  });

  it('audio/speech streams the binary answer back byte-identical', async () => {
    const r = await t.v1(t.keys.ada).audio.speech.create({ model: 'tts', voice: 'alloy', input: 'Bonjour' });
    expect(r.headers.get('content-type')).toBe('audio/mpeg');
    expect(sha256(Buffer.from(await r.arrayBuffer()))).toBe(sha256(speechBytes('Bonjour')));
    expect(last()?.path).toBe('/openai/v1/audio/speech');
    expect(sentModel()).toBe('tts-hd');
  });

  it('a model the event does not offer → 404 deployment_not_found, nothing sent', async () => {
    const mark = t.emu.received.length;
    expect(await refused(t.v1(t.keys.ada).completions.create({ model: 'davinci', prompt: 'x' }))).toEqual({
      status: 404,
      code: 'deployment_not_found',
    });
    expect(t.sentSince(mark)).toEqual([]);
  });
});

describe('multipart uploads routed by the form’s model', () => {
  it('a transcription with the model first streams through, the model renamed, the file byte-identical', async () => {
    const audio = patterned(300 * 1024);
    const r = await t.v1(t.keys.ada).audio.transcriptions.create({
      model: 'whisper',
      file: await toFile(audio, 'talk.wav', { type: 'audio/wav' }),
    });
    expect(r.text).toBe(`heard talk.wav: ${audio.length} bytes sha256=${sha256(audio)} by whisper-eu`);
    expect(last()?.path).toBe('/openai/v1/audio/transcriptions');
    expect(last()?.headers['transfer-encoding']).toBe('chunked');
    expect(await upstreamForm()).toMatchObject({ model: 'whisper-eu', file: `sha256:${sha256(audio)}` });
  });

  it('a file before the model (the JS SDK’s `{ file, model }`) is read past on disk, then sent whole; no temp file stays', async () => {
    const audio = patterned(3 * 1024 * 1024, 7);
    const r = await t.v1(t.keys.ada).audio.translations.create({
      file: await toFile(audio, 'long.mp3', { type: 'audio/mpeg' }),
      model: 'gpt-4o-transcribe',
    });
    expect(r.text).toBe(`heard long.mp3: ${audio.length} bytes sha256=${sha256(audio)} by gpt-4o-transcribe`);
    expect(last()?.path).toBe('/openai/v1/audio/translations');
    expect(spoolFiles()).toEqual([]);
    // gpt-4o-transcribe reports tokens; they are counted.
    expect((await usageOf('gpt-4o-transcribe'))?.totalTokens).toBe(42);
  });

  it('image edits on v1: the image reaches upstream byte-identical, the model renamed', async () => {
    const image = patterned(1536 * 1024, 3);
    const r = await t.v1(t.keys.ada).images.edit({
      image: await toFile(image, 'photo.png', { type: 'image/png' }),
      prompt: 'add a hat',
      model: 'gpt-image-1',
    });
    expect(Buffer.from(r.data?.[0]?.b64_json ?? '', 'base64').toString()).toBe(`gpt-image-1:${sha256(image)}`);
    expect(last()?.path).toBe('/openai/v1/images/edits');
    expect(spoolFiles()).toEqual([]);
  });

  it('image edits with AzureOpenAI and no deployment: /openai/images/edits reaches the deployment’s path', async () => {
    const image = patterned(64 * 1024, 5);
    const r = await t.dated(t.keys.ada).images.edit({
      model: 'dall-e-3',
      image: await toFile(image, 'photo.png', { type: 'image/png' }),
      prompt: 'add a hat',
    });
    expect(r.data?.[0]?.url).toBe(`https://images.example/${sha256(image)}.png`);
    expect(last()?.path).toBe('/openai/deployments/dalle3-prod/images/edits');
    expect(last()?.query.get('api-version')).toBe('2025-04-01-preview');
    expect((await upstreamForm()).model).toBe('dalle3-prod');
  });

  it('image edits with AzureOpenAI made for one deployment go to /openai/deployments/{d}/images/edits', async () => {
    const image = patterned(10 * 1024, 9);
    const r = await t.dated(t.keys.ada, undefined, 'gpt-image-1').images.edit({
      image: await toFile(image, 'photo.png', { type: 'image/png' }),
      prompt: 'add a hat',
    });
    expect(Buffer.from(r.data?.[0]?.b64_json ?? '', 'base64').toString()).toBe(`gpt-image-1:${sha256(image)}`);
    expect(last()?.path).toBe('/openai/deployments/gpt-image-1/images/edits');
  });

  it('refusals before upstream: unknown model, no model, not multipart, a truncated form', async () => {
    const mark = t.emu.received.length;
    const post = (body: BodyInit, contentType: string) =>
      fetch(`${t.kit.apiBase}/openai/v1/audio/transcriptions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.keys.ada}`, 'content-type': contentType },
        body,
      }).then(async (r) => ({ status: r.status, code: ((await r.json()) as { error: { code: string } }).error.code }));
    const form = (fields: string[]) =>
      `${fields.map((f) => `--b\r\nContent-Disposition: form-data; ${f}`).join('\r\n')}\r\n--b--\r\n`;
    const file = 'name="file"; filename="a.wav"\r\nContent-Type: audio/wav\r\n\r\nRIFF....';
    expect(await post(form([file, 'name="model"\r\n\r\nwhisper-2']), 'multipart/form-data; boundary=b')).toEqual({
      status: 404,
      code: 'deployment_not_found',
    });
    expect(await post(form([file]), 'multipart/form-data; boundary=b')).toEqual({
      status: 404,
      code: 'deployment_not_found',
    });
    expect(await post('{"model":"whisper"}', 'application/json')).toEqual({ status: 400, code: 'invalid_request' });
    expect(await post(`--b\r\nContent-Disposition: form-data; ${file}`, 'multipart/form-data; boundary=b')).toEqual({
      status: 400,
      code: 'invalid_request',
    });
    expect(t.sentSince(mark)).toEqual([]);
    expect(spoolFiles()).toEqual([]);
  });

  it('a refused upload read past on disk leaves its keep-alive connection usable', async () => {
    const pool = new Pool(new URL(t.kit.apiBase).origin, { connections: 1 });
    try {
      const big = patterned(3 * 1024 * 1024, 11);
      const body = Buffer.concat([
        Buffer.from('--b\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n\r\n'),
        big,
        Buffer.from('\r\n--b\r\nContent-Disposition: form-data; name="model"\r\n\r\nnot-offered\r\n--b--\r\n'),
      ]);
      const auth = { authorization: `Bearer ${t.keys.ada}` };
      const first = await pool.request({
        method: 'POST',
        path: '/api/v1/openai/v1/audio/transcriptions',
        headers: { ...auth, 'content-type': 'multipart/form-data; boundary=b' },
        body,
      });
      expect(first.statusCode).toBe(404);
      await first.body.text();
      const second = await pool.request({
        method: 'POST',
        path: '/api/v1/openai/v1/completions',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', prompt: 'again' }),
      });
      expect(second.statusCode).toBe(200);
      expect(((await second.body.json()) as { choices: Array<{ text: string }> }).choices[0]?.text).toContain('again');
      expect(spoolFiles()).toEqual([]);
    } finally {
      await pool.close();
    }
  });

  it('the daily cap holds for uploads: 429 before anything is sent', async () => {
    const report = await t.kit.call('usage.report', { eventId: t.eventId });
    const used = report.attendees.find((a) => a.name === 'Bob')?.requests ?? 0;
    await t.kit.call('events.update', { id: t.eventId, dailyRequestCap: used + 1 });
    try {
      const file = async () => toFile(patterned(2048), 'a.wav', { type: 'audio/wav' });
      await t.v1(t.keys.bob).audio.transcriptions.create({ model: 'whisper', file: await file() });
      const mark = t.emu.received.length;
      expect(
        await refused(t.v1(t.keys.bob).audio.transcriptions.create({ model: 'whisper', file: await file() })),
      ).toEqual({ status: 429, code: 'daily_cap_reached' });
      expect(t.sentSince(mark)).toEqual([]);
    } finally {
      await t.kit.call('events.update', { id: t.eventId, dailyRequestCap: 0 });
    }
  });
});

describe('an upload over the body limit, with the file before the model', () => {
  it('is refused with 413 and leaves no temporary file', async () => {
    const small = await startSurfaceKit({ maxBodyBytes: 2 * 1024 * 1024 });
    try {
      const mark = small.emu.received.length;
      const e = await refused(
        small.v1(small.keys.ada).audio.transcriptions.create({
          file: await toFile(patterned(3 * 1024 * 1024), 'big.wav', { type: 'audio/wav' }),
          model: 'whisper',
        }),
      );
      expect(e?.status).toBe(413);
      expect(small.sentSince(mark)).toEqual([]);
      expect(spoolFiles()).toEqual([]);
    } finally {
      await small.stop();
    }
  });
});
