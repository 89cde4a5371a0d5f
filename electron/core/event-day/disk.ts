/**
 * Will the disk hold the day? Free space on the data dir's file system
 * (`fs.statfs`) against what the store needs: the store file grown to the
 * events' capacity, times the copies the store keeps on disk (the live file,
 * the temporary copy every atomic write makes, the rotating snapshots), and,
 * for the running warning, what the next hour of writes needs at the pace the
 * store is growing now.
 */
import { stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import type { DiskFacts } from '../../../shared/types.js';
import type { StoredAttendee, UsageCounter } from '../store/schema.js';
import { KEEP_SNAPSHOTS } from '../store/snapshots.js';

/** The live store file, one temporary copy while a write is under way, and the snapshots the store keeps. */
export const STORE_COPIES = 2 + KEEP_SNAPSHOTS;
/** Planned attendees for an event that sets no capacity. */
export const DEFAULT_PLANNED_ATTENDEES = 500;
/** Room the rest of the machine (and the kit's own small files) needs besides the store. */
export const SYSTEM_RESERVE_BYTES = 64 * 1024 * 1024;
/** Upstream objects an attendee typically creates in a day (threads, messages, files, responses). */
const OBJECTS_PER_ATTENDEE = 40;

/**
 * Bytes one attendee adds to the store, measured on the store's own record shapes: the attendee,
 * a usage row for a few deployments on two days, and the ownership rows of the objects they create.
 */
export function perAttendeeBytes(deployments = 3): number {
  const attendee: StoredAttendee = {
    id: 'att_0123456789abcdef01',
    eventId: 'evt_0123456789abcdef01',
    name: 'An attendee with a longish name',
    keyHash: 'f'.repeat(64),
    keyHint: 'apk-0123',
    revoked: false,
    issued: false,
    deviceHash: 'e'.repeat(64),
    createdAt: new Date(0).toISOString(),
  };
  const usage: UsageCounter = {
    eventId: attendee.eventId,
    attendeeId: attendee.id,
    deployment: 'gpt-4o-mini-deployment',
    day: '2026-01-01',
    requests: 1000,
    promptTokens: 1_000_000,
    completionTokens: 1_000_000,
    totalTokens: 2_000_000,
    errors: 10,
  };
  const object = {
    id: 'thread_0123456789abcdefghijklmn',
    type: 'thread',
    attendeeId: attendee.id,
    eventId: attendee.eventId,
    resourceId: 'res_0123456789abcdef01',
    createdAt: new Date(0).toISOString(),
    parentId: 'asst_0123456789abcdefghijklmn',
  };
  // +1 per record for the separating comma; pretty-printing would add more, the store writes compact JSON.
  const size = (v: unknown) => Buffer.byteLength(JSON.stringify(v)) + 1;
  return size(attendee) + deployments * 2 * size(usage) + OBJECTS_PER_ATTENDEE * size(object);
}

/** Store sizes over the last hour, to see how fast it grows. Bounded: one sample a minute at most. */
export class GrowthMeter {
  readonly #samples: Array<{ at: number; bytes: number }> = [];

  add(at: number, bytes: number): void {
    const last = this.#samples[this.#samples.length - 1];
    if (last && at - last.at < 60_000) return;
    this.#samples.push({ at, bytes });
    while (this.#samples.length > 1 && at - (this.#samples[0] as { at: number }).at > 3600_000) this.#samples.shift();
  }

  /** Bytes per hour the store grew by over the samples kept (0 when it shrank or there is too little to tell). */
  perHour(): number {
    const first = this.#samples[0];
    const last = this.#samples[this.#samples.length - 1];
    if (!first || !last || last.at - first.at < 5 * 60_000) return 0;
    return Math.max(0, ((last.bytes - first.bytes) / (last.at - first.at)) * 3600_000);
  }
}

export interface DiskInput {
  dataDir: string;
  /** Attendees still to come: planned capacity minus those registered. */
  plannedAttendees: number;
  registered: number;
  growth: GrowthMeter;
  now: number;
}

export async function diskFacts(input: DiskInput): Promise<DiskFacts | null> {
  let fsInfo: Awaited<ReturnType<typeof statfs>>;
  try {
    fsInfo = await statfs(input.dataDir);
  } catch {
    return null;
  }
  const storeBytes = await stat(join(input.dataDir, 'store.json')).then(
    (s) => s.size,
    () => 0,
  );
  input.growth.add(input.now, storeBytes);
  const per = perAttendeeBytes();
  const toCome = Math.max(0, input.plannedAttendees - input.registered);
  const atCapacity = storeBytes + toCome * per;
  return {
    path: input.dataDir,
    freeBytes: Number(fsInfo.bavail) * Number(fsInfo.bsize),
    totalBytes: Number(fsInfo.blocks) * Number(fsInfo.bsize),
    storeBytes,
    perAttendeeBytes: per,
    plannedAttendees: input.plannedAttendees,
    // Free space is what is left besides the live file, so it is not counted twice.
    neededBytes: Math.round(atCapacity * STORE_COPIES - storeBytes),
    nextHourBytes: Math.round((storeBytes + input.growth.perHour()) * STORE_COPIES - storeBytes + SYSTEM_RESERVE_BYTES),
  };
}
