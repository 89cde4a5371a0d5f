/**
 * Legacy completions, images and audio as Azure OpenAI serves them, on the
 * v1 API (model in the body or form) and on deployment paths, for the
 * emulators (test fixtures). Answers carry what tests check end to end (the
 * sha256 of an uploaded file, the model upstream was asked for) and the
 * usage the real service reports (tokens for gpt-image and gpt-4o-transcribe,
 * seconds for whisper, none for dall-e). It refuses what the service
 * refuses: a missing prompt, input, voice or file, a size the model does
 * not make, a body that is not multipart where an upload is expected, a
 * model the resource does not deploy.
 */
import type { ServerResponse } from 'node:http';
import { json, type Received } from './emulator.js';
import { apiError, body, fileOf, formOf, missing, requireJson } from './openai-wire.js';
import { sha256, speechBytes } from './services.js';

export interface MediaApiOptions {
  deployments: readonly string[];
}

const sizes = (model: string) =>
  model.includes('gpt-image')
    ? ['auto', '1024x1024', '1536x1024', '1024x1536']
    : ['1024x1024', '1792x1024', '1024x1792'];

export function mediaApi(opts: MediaApiOptions) {
  const known = (res: ServerResponse, model: unknown): model is string => {
    if (typeof model !== 'string') {
      missing(res, 'model');
      return false;
    }
    if (opts.deployments.includes(model)) return true;
    apiError(res, 404, `The API deployment for this resource does not exist: '${model}'.`, {
      code: 'DeploymentNotFound',
    });
    return false;
  };

  const imageAnswer = (model: string, prompt: string, seed: string) =>
    model.includes('gpt-image')
      ? {
          created: 1_700_000_000,
          data: [{ b64_json: Buffer.from(`${model}:${seed}`).toString('base64') }],
          usage: {
            input_tokens: 50,
            output_tokens: 272,
            total_tokens: 322,
            input_tokens_details: { text_tokens: 10, image_tokens: 40 },
          },
        }
      : { created: 1_700_000_000, data: [{ url: `https://images.example/${seed}.png`, revised_prompt: prompt }] };

  function completions(r: Received, res: ServerResponse, model: unknown) {
    if (!requireJson(r, res) || !known(res, model)) return;
    const b = body(r);
    if (b.prompt === undefined) return missing(res, 'prompt');
    if ('max_completion_tokens' in b) {
      return apiError(res, 400, 'Unrecognized request argument supplied: max_completion_tokens', {
        param: 'max_completion_tokens',
      });
    }
    json(res, 200, {
      id: 'cmpl-emulated',
      object: 'text_completion',
      created: 1_700_000_000,
      model,
      choices: [{ index: 0, text: ` completes "${String(b.prompt)}"`, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 },
    });
  }

  function generations(r: Received, res: ServerResponse, model: unknown) {
    if (!requireJson(r, res) || !known(res, model)) return;
    const b = body(r);
    if (typeof b.prompt !== 'string') return missing(res, 'prompt');
    if (b.size !== undefined && !sizes(model).includes(String(b.size))) {
      return apiError(res, 400, `Invalid size '${String(b.size)}' for ${model}.`, {
        param: 'size',
        code: 'invalid_value',
      });
    }
    json(res, 200, imageAnswer(model, b.prompt, 'generated'));
  }

  async function edits(r: Received, res: ServerResponse, pathModel: string | undefined) {
    const form = await formOf(r, res);
    if (!form) return;
    const model = pathModel ?? form.get('model');
    if (!known(res, model)) return;
    const images = [...form.getAll('image'), ...form.getAll('image[]')].filter((v) => typeof v === 'object') as File[];
    if (!images.length) return missing(res, 'image');
    const prompt = form.get('prompt');
    if (typeof prompt !== 'string') return missing(res, 'prompt');
    const bytes = Buffer.concat(await Promise.all(images.map(async (f) => Buffer.from(await f.arrayBuffer()))));
    json(res, 200, imageAnswer(model, prompt, sha256(bytes)));
  }

  function speech(r: Received, res: ServerResponse, model: unknown) {
    if (!requireJson(r, res) || !known(res, model)) return;
    const b = body(r);
    if (typeof b.input !== 'string') return missing(res, 'input');
    if (typeof b.voice !== 'string') return missing(res, 'voice');
    const bytes = speechBytes(b.input);
    res.writeHead(200, { 'content-type': 'audio/mpeg' });
    // Two writes, so the kit has a real stream to pass on.
    res.write(bytes.subarray(0, bytes.length / 2));
    setTimeout(() => res.end(bytes.subarray(bytes.length / 2)), 10);
  }

  async function hear(r: Received, res: ServerResponse, pathModel: string | undefined) {
    const form = await formOf(r, res);
    if (!form) return;
    const model = pathModel ?? form.get('model');
    if (!known(res, model)) return;
    const file = fileOf(form, 'file');
    if (!file) return missing(res, 'file');
    const bytes = Buffer.from(await file.arrayBuffer());
    const text = `heard ${file.name}: ${bytes.length} bytes sha256=${sha256(bytes)} by ${model}`;
    if (form.get('response_format') === 'text') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(text);
      return;
    }
    const usage = model.includes('whisper')
      ? { type: 'duration', seconds: 3 }
      : { type: 'tokens', input_tokens: 30, output_tokens: 12, total_tokens: 42 };
    json(res, 200, { text, usage });
  }

  /** Answers an operation (`completions`, `images/edits`…) for the model in the body, or the path's deployment. */
  return async function handle(r: Received, res: ServerResponse, op: string, pathModel?: string): Promise<boolean> {
    if (r.method !== 'POST') return false;
    const model = () => pathModel ?? body(r).model;
    switch (op) {
      case 'completions':
        completions(r, res, model());
        return true;
      case 'images/generations':
        generations(r, res, model());
        return true;
      case 'images/edits':
        await edits(r, res, pathModel);
        return true;
      case 'audio/speech':
        speech(r, res, model());
        return true;
      case 'audio/transcriptions':
      case 'audio/translations':
        await hear(r, res, pathModel);
        return true;
      default:
        return false;
    }
  };
}
