// `npm run bench -- --backup`: what a backup and a restore's reading cost, with the built kit's own
// modules (out/) in this process: a store of 1,000 and of 10,000 attendees (ten usage counters each,
// a thread each), sealed and opened again with the real scrypt parameters. Per size: the store's JSON
// size, the file's size, the time to write and to read (scrypt included), and the longest the event
// loop was held meanwhile (a timer every 5 ms measures its own lateness): what a running kit's LAN
// traffic would wait while the organizer backs up. The key derivation and the compression run on libuv's
// pool; JSON and AES run on the loop.
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

function storeOf(attendees) {
  const day = (i) => `2026-06-${String(1 + (i % 3)).padStart(2, '0')}`;
  const at = new Date('2026-06-01T09:00:00Z').toISOString();
  return {
    resources: [
      {
        id: 'res_1',
        name: 'Azure OpenAI',
        kind: 'azure-openai',
        endpoint: 'https://x.openai.azure.com',
        deployment: 'gpt-4o-mini',
        auth: { type: 'api-key', key: 'k'.repeat(32) },
        enabled: true,
        createdAt: at,
      },
    ],
    events: [
      {
        id: 'evt_1',
        name: 'Bench event',
        code: 'bench',
        startsAt: at,
        endsAt: '2026-06-03T17:00:00Z',
        timeZone: 'Europe/Paris',
        dailyRequestCap: 0,
        maxTokenCap: 0,
        resourceIds: ['res_1'],
        enabled: true,
        createdAt: at,
      },
    ],
    attendees: Array.from({ length: attendees }, (_, i) => ({
      id: `att_${i}`,
      eventId: 'evt_1',
      name: `Attendee ${i}`,
      keyHash: (i.toString(16) + 'f'.repeat(64)).slice(0, 64),
      keyHint: `apk-…${String(i).padStart(4, '0')}`,
      revoked: false,
      issued: false,
      createdAt: at,
    })),
    objects: Array.from({ length: attendees }, (_, i) => ({
      id: `thread_${i}`,
      type: 'thread',
      attendeeId: `att_${i}`,
      eventId: 'evt_1',
      resourceId: 'res_1',
      createdAt: at,
    })),
    usage: Array.from({ length: attendees * 10 }, (_, i) => ({
      eventId: 'evt_1',
      attendeeId: `att_${i % attendees}`,
      deployment: `dep-${i % 4}`,
      day: day(i),
      requests: 1 + (i % 50),
      promptTokens: 100 + i,
      completionTokens: 40 + (i % 300),
      totalTokens: 140 + i + (i % 300),
      errors: i % 7 === 0 ? 1 : 0,
      firstCallAt: at,
      lastCallAt: at,
    })),
  };
}

/** Runs `work` while a 5 ms timer measures how late it fires: the longest the loop was held. */
async function timed(work) {
  let worst = 0;
  let expected = performance.now() + 5;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - expected);
    expected = now + 5;
  }, 5);
  const t = performance.now();
  try {
    const out = await work();
    return { out, ms: performance.now() - t, loopMs: worst };
  } finally {
    clearInterval(timer);
  }
}

export async function backupBench({ log, rounds = 3 }) {
  const mod = await import(pathToFileURL(join(root, 'out/main/electron/core/backup/backup-file.js')).href);
  const rows = [];
  for (const attendees of [1_000, 10_000]) {
    const contents = storeOf(attendees);
    const storeBytes = Buffer.byteLength(JSON.stringify(contents));
    const best = { write: Infinity, read: Infinity, writeLoop: 0, readLoop: 0, fileBytes: 0 };
    for (let r = 0; r < rounds; r++) {
      log(`backup: ${attendees} attendees, round ${r + 1}/${rounds}`);
      const w = await timed(() =>
        mod.writeBackup(contents, 'bench passphrase, long enough', { now: Date.now(), kitVersion: 'bench' }),
      );
      const rd = await timed(() => mod.readBackup(w.out.bytes, 'bench passphrase, long enough'));
      best.write = Math.min(best.write, w.ms);
      best.read = Math.min(best.read, rd.ms);
      best.writeLoop = Math.max(best.writeLoop, w.loopMs);
      best.readLoop = Math.max(best.readLoop, rd.loopMs);
      best.fileBytes = w.out.bytes.length;
    }
    rows.push({ attendees, usageCounters: contents.usage.length, storeBytes, ...best });
  }
  return rows;
}

const mb = (n) => `${(n / 1024 / 1024).toFixed(2)} MiB`;
const ms = (n) => `${Math.round(n)} ms`;

export function backupReport(rows) {
  const lines = [
    'Backup and restore (best of the rounds; event loop: the longest it was held during the operation)',
    '',
    '| attendees | usage counters | store JSON | backup file | write | loop held (write) | read | loop held (read) |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows)
    lines.push(
      `| ${r.attendees} | ${r.usageCounters} | ${mb(r.storeBytes)} | ${mb(r.fileBytes)} | ${ms(r.write)} | ${ms(r.writeLoop)} | ${ms(r.read)} | ${ms(r.readLoop)} |`,
    );
  return lines.join('\n');
}
