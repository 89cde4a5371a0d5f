/**
 * Kit options and their defaults: ports, the data dir (the OS app-data
 * folder for "ai-proxy-kit", as Electron's userData would be), and the admin
 * token (env KIT_ADMIN_TOKEN, else made once and kept 0600 in the data dir).
 */
import { randomBytes } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const APP_NAME = 'ai-proxy-kit';

/** The ports the kit asks for by default (the Windows installer's firewall rule names the same ones). */
export const DEFAULT_PORTS = { lan: 8000, admin: 8001, https: 8443 } as const;

export function defaultDataDir(env = process.env, platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_NAME);
}

export async function adminToken(dataDir: string, env = process.env): Promise<string> {
  if (env.KIT_ADMIN_TOKEN) return env.KIT_ADMIN_TOKEN;
  const file = join(dataDir, 'admin-token');
  try {
    const t = (await readFile(file, 'utf8')).trim();
    if (t) {
      await chmod(file, 0o600);
      return t;
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const token = randomBytes(24).toString('base64url');
  await writeFile(file, token, { mode: 0o600 });
  return token;
}
