/**
 * HTTPS on the LAN, decided at start: the organizer's own certificate files
 * when given, else a certificate from the kit's local CA for the addresses it
 * has now. Also says which HTTPS endpoint to hand an attendee, from the host
 * they reached the kit by (their device can reach that name again).
 */
import { lanAddresses } from '../net/addresses.js';
import type { TlsMaterial } from '../net/local-ca.js';

export interface LanTlsOptions {
  dataDir: string;
  /** Undefined: no HTTPS listener. */
  httpsPort?: number;
  host: string;
  certFile?: string;
  keyFile?: string;
  /** Collects what the organizer should hear (a damaged local CA made again). */
  notes?: string[];
}

export async function lanTls(o: LanTlsOptions): Promise<TlsMaterial | undefined> {
  if (o.httpsPort === undefined) return undefined;
  // The certificate library (and its crypto polyfills, ~20 MB of memory) is loaded only when HTTPS is on.
  const { issueServerCert, loadOrCreateCa, organizerTls, serverNames } = await import('../net/local-ca.js');
  if (o.certFile || o.keyFile) {
    if (!o.certFile || !o.keyFile) throw new Error('HTTPS with your own certificate needs both a cert and a key file');
    return organizerTls(o.certFile, o.keyFile);
  }
  const ca = await loadOrCreateCa(o.dataDir, o.notes);
  const bound = o.host !== '0.0.0.0' && o.host !== '::' && /^\d+\.\d+\.\d+\.\d+$/.test(o.host) ? [o.host] : [];
  return issueServerCert(ca, serverNames([...bound, ...lanAddresses().map((a) => a.address)]));
}

const hostPattern = /^[A-Za-z0-9.-]+(:\d+)?$|^\[[0-9a-fA-F:]+\](:\d+)?$/;

/** `https://<the host the attendee used>:<https port>/api/v1`, or the first LAN HTTPS URL. */
export function secureEndpoint(hostHeader: string | undefined, httpsPort: number, fallbackBase: string): string {
  if (hostHeader && hostPattern.test(hostHeader)) {
    const name = new URL(`http://${hostHeader}`).hostname;
    return `https://${name}:${httpsPort}/api/v1`;
  }
  return `${fallbackBase}/api/v1`;
}
