// The targets of the bench and how to talk to each: the built kit started
// headless with the upstream's deployments and issued attendee keys, and how
// direct, the floor, Portkey and the kit each spell a chat, stream or
// embeddings request. Shared by `bench.mjs` and ad-hoc profiling scripts.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KIT_NODE_FLAGS } from '../node-flags.mjs';
import { client, closedLoop, cpuMsOf, startProcess } from './load.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const node = process.execPath;
export const UPSTREAM_KEY = 'bench-upstream-key';
export const API_VERSION = '2024-10-21';

const chatBody = (extra = {}) =>
  JSON.stringify({
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: 'Who won the world series in 2020?' },
    ],
    ...extra,
  });
const bodies = {
  chat: chatBody(),
  stream: chatBody({ stream: true }),
  embeddings: JSON.stringify({
    model: 'text-embedding-3-small',
    input: 'The food was delicious and the waiter was kind.',
  }),
};

/** A 2 MiB audio upload with the form's `model` before or after the file (past the kit's 1 MiB memory window). */
const UPLOAD_BYTES = 2 * 1024 * 1024;
const BOUNDARY = 'bench-boundary-7MA4YWxkTrZu0gW';
function uploadForm(modelFirst) {
  const audio = Buffer.alloc(UPLOAD_BYTES, 0x5a);
  const model = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="model"\r\n\r\nwhisper\r\n`);
  const file = Buffer.concat([
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="talk.wav"\r\nContent-Type: audio/wav\r\n\r\n`,
    ),
    audio,
    Buffer.from('\r\n'),
  ]);
  return Buffer.concat([...(modelFirst ? [model, file] : [file, model]), Buffer.from(`--${BOUNDARY}--\r\n`)]);
}
const uploads = { 'upload-model-first': uploadForm(true), 'upload-file-first': uploadForm(false) };
export const uploadOps = Object.keys(uploads);

export function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export async function admin(kit, method, input = {}) {
  const r = await fetch(`${kit.adminUrl}/admin/api/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${kit.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = await r.json();
  if (!r.ok) throw new Error(`${method}: ${r.status} ${JSON.stringify(body)}`);
  return body;
}

/**
 * The built kit, headless, with the upstream's deployments and `attendees` issued keys. `storeUrl`: its
 * store in PostgreSQL; `joining`: another kit on that database whose event it serves too (its secret key is
 * copied over, as an organizer would, and nothing is created again).
 */
export async function startKit(upstream, attendees, nodeArgs = [], kitRoot = root, { storeUrl, joining } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'kit-bench-'));
  if (joining) copyFileSync(join(joining.dataDir, 'secret.key'), join(dataDir, 'secret.key'));
  const token = 'bench-admin-token';
  const p = await startProcess(
    'kit',
    node,
    [
      ...KIT_NODE_FLAGS,
      ...nodeArgs,
      'bin/ai-proxy-kit.js',
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--admin-port',
      '0',
      '--data-dir',
      dataDir,
      '--no-demo',
      ...(storeUrl ? ['--store', storeUrl] : []),
    ],
    {
      cwd: kitRoot,
      ready: /(http:\/\/127\.0\.0\.1:\d+)\/#token=/,
      env: { KIT_ADMIN_TOKEN: token },
      timeoutMs: 30_000,
    },
  );
  const lan = /(http:\/\/127\.0\.0\.1:\d+)\/api\/v1/.exec(p.output())?.[1];
  const kit = { ...p, adminUrl: p.match[1], token, origin: lan, dataDir };
  const stop = p.stop;
  kit.stop = async () => {
    await stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  if (joining) {
    kit.keys = joining.keys;
    return kit;
  }
  const resourceIds = [];
  for (const deployment of ['gap0', 'gap5', 'embed', 'whisper']) {
    const r = await admin(kit, 'resources.create', {
      name: deployment,
      kind: 'azure-openai',
      endpoint: upstream,
      deployment,
      auth: { type: 'api-key', key: UPSTREAM_KEY },
      enabled: true,
    });
    resourceIds.push(r.id);
  }
  const now = Date.now();
  const event = await admin(kit, 'events.create', {
    name: 'Bench event',
    startsAt: new Date(now - 3600_000).toISOString(),
    endsAt: new Date(now + 12 * 3600_000).toISOString(),
    timeZone: 'UTC',
    // Limits on, as at a real event: every request is counted and capped.
    dailyRequestCap: 1_000_000,
    maxTokenCap: 4096,
    resourceIds,
    enabled: true,
  });
  kit.eventId = event.id;
  kit.resourceIds = resourceIds;
  kit.keys = [];
  for (let left = attendees; left > 0; left -= 500) {
    const issued = await admin(kit, 'attendees.issue', { eventId: event.id, count: Math.min(500, left) });
    kit.keys.push(...issued.map((k) => k.apiKey));
  }
  return kit;
}

/** How each target spells an operation: path and headers. Keys rotate through the kit's attendees. */
export function spell(target, op, deployment) {
  if (uploads[op]) return spellUpload(target, uploads[op]);
  const azurePath = `/openai/deployments/${deployment}/${op === 'embeddings' ? 'embeddings' : 'chat/completions'}?api-version=${API_VERSION}`;
  const body = bodies[op];
  const json = { 'content-type': 'application/json' };
  switch (target.spelling ?? target.name) {
    case 'direct':
    case 'floor':
      return () => ({ path: azurePath, headers: { ...json, 'api-key': UPSTREAM_KEY }, body });
    case 'kit':
    case 'base': {
      const keys = target.keys;
      return (i) => ({ path: `/api/v1${azurePath}`, headers: { ...json, 'api-key': keys[i % keys.length] }, body });
    }
    case 'portkey':
      return () => ({
        path: op === 'embeddings' ? '/v1/embeddings' : '/v1/chat/completions',
        headers: {
          ...json,
          'x-portkey-provider': 'azure-openai',
          'x-portkey-custom-host': `${target.upstream}/openai`,
          'x-portkey-azure-deployment-id': deployment,
          'x-portkey-azure-api-version': API_VERSION,
          authorization: `Bearer ${UPSTREAM_KEY}`,
        },
        body,
      });
  }
}

/** A v1 transcription upload (model in the form): straight to upstream for direct and the floor. */
function spellUpload(target, body) {
  const path = '/openai/v1/audio/transcriptions';
  const headers = { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` };
  if (target.name === 'kit') {
    const keys = target.keys;
    return (i) => ({ path: `/api/v1${path}`, headers: { ...headers, 'api-key': keys[i % keys.length] }, body });
  }
  return () => ({ path, headers: { ...headers, 'api-key': UPSTREAM_KEY }, body });
}

/** Portkey must answer a plain and a streamed request correctly before it is measured. */
export async function checkTarget(target) {
  const pool = client(target.origin, 1);
  try {
    for (const [op, dep] of [
      ['chat', 'gap0'],
      ['stream', 'gap0'],
      ['embeddings', 'embed'],
    ]) {
      const req = spell(target, op, dep)(0);
      const { statusCode, body } = await pool.request({ method: 'POST', ...req });
      const text = await body.text();
      const ok =
        statusCode === 200 &&
        (op === 'stream'
          ? text.includes('word19') && text.includes('[DONE]')
          : text.includes(op === 'chat' ? 'Dodgers' : 'embedding'));
      if (!ok) throw new Error(`${target.name} ${op}: HTTP ${statusCode} ${text.slice(0, 300)}`);
    }
  } finally {
    await pool.close();
  }
}

/**
 * One measured round of `op` on a target at concurrency `c`: the closed loop's samples and the CPU the
 * target's process(es) used while they were recorded (a target behind several processes sums theirs).
 */
export async function measuredRound(t, op, deployment, c, { ms, warmMs }) {
  const cpuOf = () => (t.pids ?? [t.pid]).reduce((sum, pid) => sum + cpuMsOf(pid), 0);
  const pool = t.connect ? t.connect(c) : client(t.origin, c);
  let before = 0;
  try {
    const r = await closedLoop(pool, spell(t, op, deployment), {
      workers: c,
      ms,
      warmMs,
      onRecord: () => {
        before = cpuOf();
      },
    });
    return { ...r, cpuMs: cpuOf() - before };
  } finally {
    await pool.close();
  }
}
