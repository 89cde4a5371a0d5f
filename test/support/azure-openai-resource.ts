/**
 * A stateful Azure OpenAI resource for the emulator (a test fixture): one
 * account's files, vector stores, assistants, threads and responses, reached
 * both through the v1 API (`/openai/v1/...`, no dated api-version) and the
 * dated one (`/openai/...?api-version=…`), plus completions, images and
 * audio on v1 and on deployment paths. Like the service, the dated surface
 * answers 404 "Resource not found" without an api-version or with one that
 * does not have the operation (assistants, threads and vector stores are
 * preview-only; responses from 2025-03-01-preview), and the v1 surface
 * refuses a dated api-version.
 */
import type { ServerResponse } from 'node:http';
import { assistantsApi } from './assistants-api.js';
import { type Emulator, json, type Received } from './emulator.js';
import { filesApi, type ObjectsContext } from './files-api.js';
import { mediaApi } from './media-api.js';
import { collections, ids } from './openai-wire.js';
import { responsesApi } from './responses-api.js';

export interface AzureResource {
  ctx: ObjectsContext;
}

const notFound = (res: ServerResponse) => json(res, 404, { error: { code: '404', message: 'Resource not found' } });

/** Which dated api-versions have an operation family. */
function versionHas(family: string, version: string): boolean {
  const preview = version.endsWith('-preview');
  const date = version.slice(0, 10);
  switch (family) {
    case 'files':
      return date >= '2024-02-01';
    case 'responses':
      return preview && date >= '2025-03-01';
    default: // assistants, threads, vector stores
      return preview && date >= '2024-05-01';
  }
}

export function addAzureOpenAIResource(emu: Emulator, deployments: readonly string[]): AzureResource {
  const ctx: ObjectsContext = { coll: collections(), nextId: ids(), uploads: [] };
  const files = filesApi(ctx, {
    idPrefix: (purpose) => (purpose === 'assistants' ? 'assistant-' : 'file-'),
    purposes: ['assistants', 'batch', 'fine-tune', 'user_data', 'vision', 'evals'],
    undownloadable: ['assistants'],
  });
  const assistants = assistantsApi(ctx, { deployments });
  const responses = responsesApi(ctx, { deployments });
  const media = mediaApi({ deployments });

  async function v1(r: Received, res: ServerResponse): Promise<void> {
    const version = r.query.get('api-version');
    if (version && version !== 'preview' && version !== 'latest' && version !== 'v1') {
      return json(res, 400, {
        error: { code: 'BadRequest', message: `API version '${version}' is not supported on /openai/v1.` },
      });
    }
    const path = r.path.slice('/openai/v1'.length);
    if (await media(r, res, path.slice(1))) return;
    if ((await files(r, res, path)) || (await responses(r, res, path))) return;
    notFound(res);
  }

  async function dated(r: Received, res: ServerResponse): Promise<void> {
    const version = r.query.get('api-version') ?? '';
    const path = r.path.slice('/openai'.length);
    const dep = /^\/deployments\/([^/]+)\/(.+)$/.exec(path);
    if (dep) {
      if (version && (await media(r, res, dep[2] ?? '', decodeURIComponent(dep[1] ?? '')))) return;
      return notFound(res);
    }
    const family = /^\/(files|vector_stores|assistants|threads|responses)\b/.exec(path)?.[1];
    if (!family || !version || !versionHas(family, version)) return notFound(res);
    if ((await files(r, res, path)) || (await assistants(r, res, path)) || (await responses(r, res, path))) return;
    notFound(res);
  }

  // Only these paths: chat and embeddings stay with the emulator's own routes.
  const mediaOps = '(completions|images/(generations|edits)|audio/(speech|transcriptions|translations))';
  for (const method of ['GET', 'POST', 'DELETE']) {
    emu.route(method, /^\/openai\/(files|vector_stores|assistants|threads|responses)(\/|$)/, dated);
    emu.route(method, new RegExp(`^/openai/deployments/[^/]+/${mediaOps}$`), dated);
    emu.route(method, new RegExp(`^/openai/v1/(files|vector_stores|responses)(/|$)|^/openai/v1/${mediaOps}$`), v1);
  }
  return { ctx };
}
