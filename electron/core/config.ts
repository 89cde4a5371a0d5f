/**
 * Kit options and their defaults: ports, the data dir (the OS app-data
 * folder for "ai-proxy-kit", as Electron's userData would be), and the admin
 * token (env KIT_ADMIN_TOKEN, else made once and kept 0600 in the data dir).
 * A token file that is damaged (empty after a power cut, binary junk) or
 * unreadable is moved aside and a new token made: the console link printed
 * at start carries it, so nothing is lost but the old link. A token that
 * cannot be saved (a read-only data dir) works until the kit stops.
 */
import { randomBytes } from 'node:crypto';
import { chmod, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { errnoOf, writeFileDurably } from './store/file-layer.js';
import { moveAside } from './store/move-aside.js';
import { describeWriteFailure } from './store/write-failure.js';

export const APP_NAME = 'ai-proxy-kit';

/** The ports the kit asks for by default (the Windows installer's firewall rule names the same ones). */
export const DEFAULT_PORTS = { lan: 8000, admin: 8001, https: 8443 } as const;

export function defaultDataDir(env = process.env, platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_NAME);
}

/** A token as the kit makes them (base64url), or one an organizer put there: printable, no spaces, not short. */
const plausibleToken = /^[\x21-\x7e]{16,512}$/;

/**
 * The admin token; `notes` collects what the organizer should hear about it (a damaged file replaced, a
 * token that could not be saved).
 */
export async function adminToken(dataDir: string, env = process.env, notes: string[] = []): Promise<string> {
  if (env.KIT_ADMIN_TOKEN) return env.KIT_ADMIN_TOKEN;
  const file = join(dataDir, 'admin-token');
  let problem: string | undefined;
  try {
    const t = (await readFile(file, 'utf8')).trim();
    if (plausibleToken.test(t)) {
      await chmod(file, 0o600).catch(() => undefined);
      return t;
    }
    problem = t ? 'it does not hold a token' : 'it is empty';
  } catch (e) {
    if (errnoOf(e) !== 'ENOENT') problem = `it cannot be read (${errnoOf(e) ?? (e as Error).message})`;
  }
  if (problem) {
    const movedTo = await moveAside(file, 'damaged', Date.now());
    notes.push(
      `The admin token file was damaged (${problem})${movedTo ? ` and was moved aside` : ''}; a new token was made, ` +
        'so use the console link printed at this start.',
    );
  }
  const token = randomBytes(24).toString('base64url');
  try {
    await writeFileDurably(file, token, { mode: 0o600 });
  } catch (e) {
    notes.push(
      `The admin token could not be saved (${describeWriteFailure(e).reason}): the console link printed at this ` +
        'start works until the kit stops.',
    );
  }
  return token;
}
