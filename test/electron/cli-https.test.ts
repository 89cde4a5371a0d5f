/** The HTTPS flags of `ai-proxy-kit serve`, and what the banner says when HTTPS is on. */
import { describe, expect, it } from 'vitest';
import { parseServeArgs, startupBanner } from '../../electron/cli.js';
import { startKit } from '../support/kit.js';

describe('serve --https-port', () => {
  it('is off unless asked, and takes the organizer certificate files as a pair', () => {
    expect(parseServeArgs([])).not.toHaveProperty('httpsPort');
    expect(parseServeArgs(['--https-port', '8443'])).toMatchObject({ httpsPort: 8443 });
    expect(parseServeArgs(['--https-port', '0', '--tls-cert', 'c.pem', '--tls-key', 'k.pem'])).toMatchObject({
      httpsPort: 0,
      tlsCertFile: 'c.pem',
      tlsKeyFile: 'k.pem',
    });
    expect(() => parseServeArgs(['--https-port', '8443', '--tls-cert', 'c.pem'])).toThrow(/go together/);
    expect(() => parseServeArgs(['--tls-cert', 'c.pem', '--tls-key', 'k.pem'])).toThrow(/need --https-port/);
    expect(() => parseServeArgs(['--https-port', 'yes'])).toThrow(/--https-port/);
  });

  it('prints the HTTPS endpoint and where the CA certificate is', async () => {
    const kit = await startKit({ httpsPort: 0 });
    try {
      const banner = startupBanner(kit);
      expect(banner).toContain(`https://127.0.0.1:${kit.info().httpsPort}/api/v1`);
      expect(banner).toContain(kit.info().caFile);
    } finally {
      await kit.stop();
    }
  });
});
