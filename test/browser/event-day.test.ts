/**
 * Event day in the headless console: the Overview's pre-flight panel with a
 * traffic light per check, the warnings banner (battery low, an upstream
 * failing), the "no devices yet" advice while nobody reaches the laptop, and
 * the device count rising on the Overview and the projector as phones open
 * the join page from other client addresses: real TCP connections from
 * 127.0.0.2 and 127.0.0.3, the kit treating only 127.0.0.1 as itself.
 */
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  desktopContext,
  launchChromium,
  openConsole,
  phoneContext,
  shot,
  startConsoleKit,
} from '../support/browser.js';
import { type Forwarder, forwardFrom } from '../support/from-address.js';
import { eventInput, type TestKit } from '../support/kit.js';

let browser: Browser;
let kit: TestKit;
const phones: Forwarder[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  kit = await startConsoleKit({
    // Every interface, as at a venue (the test only ever connects to loopback).
    host: '0.0.0.0',
    ownAddresses: ['127.0.0.1'],
    quietMs: 0,
    readinessIntervalMs: 300,
    power: async () => ({ onBattery: true, level: 0.15, charging: false, source: 'test' }),
  });
});
afterAll(async () => {
  await Promise.all(phones.map((p) => p.close()));
  await browser?.close();
  await kit?.stop();
});

describe('event day in the console', () => {
  it('shows the checks and warnings, the no-devices advice, and the device count rising', async () => {
    const playground = await kit.call('resources.create', {
      name: 'Playground',
      kind: 'playground',
      deployment: 'playground',
      auth: { type: 'none' },
      enabled: true,
    });
    const down = await kit.call('resources.create', {
      name: 'Sweden Central',
      kind: 'azure-openai',
      endpoint: 'http://127.0.0.1:9',
      deployment: 'gpt-4o-mini',
      auth: { type: 'api-key', key: 'k' },
      enabled: true,
    });
    await kit.call('resources.test', { id: playground.id });
    await kit.call('resources.test', { id: down.id });
    const event = await kit.call(
      'events.create',
      eventInput([playground.id, down.id], { name: 'Agents workshop', code: 'agents', capacity: 120 }),
    );

    const ctx = await desktopContext(browser);
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await openConsole(page, kit);

    // The pre-flight panel: seven checks, each with a light and a line.
    const panel = page.getByRole('region', { name: 'Event-day checks' });
    await panel.waitFor();
    await expect.poll(() => panel.locator('li.check-row').count()).toBe(7);
    const power = panel.locator('li[data-check="power"]');
    await expect.poll(() => power.getAttribute('class')).toContain('red');
    expect(await power.textContent()).toContain('On battery, 15 %.');
    expect(await panel.locator('li[data-check="resources"]').textContent()).toMatch(/“Sweden Central” is failing/);
    expect(await panel.locator('li[data-check="disk"]').textContent()).toMatch(
      /free; the store needs about .* for 120 attendees/,
    );
    expect(await panel.locator('li[data-check="keep-awake"]').textContent()).toMatch(/Cannot keep this computer awake/);

    // Warnings: one banner per episode, red first.
    const warnings = page.getByRole('region', { name: 'Warnings' });
    await warnings.getByText('Battery at 15 % and discharging').waitFor();
    await warnings.getByText('Upstream “Sweden Central” is failing').waitFor();

    // Nobody has reached the laptop: the advice, with what to do and the help page.
    const advice = page.getByRole('alert').filter({ hasText: 'No devices yet' });
    await advice.waitFor();
    expect(await advice.textContent()).toMatch(/client isolation.*phone hotspot.*travel router/s);
    expect(await advice.textContent()).toMatch(/firewall/);
    expect(await page.getByTestId('devices-agents').textContent()).toBe('0');
    await shot(page, '40-overview-preflight-no-devices');

    // Dismissing a warning hides that episode.
    await warnings.getByRole('button', { name: 'Dismiss: Upstream “Sweden Central” is failing' }).click();
    await warnings.getByText('Upstream “Sweden Central” is failing').waitFor({ state: 'detached' });
    await warnings.getByText('Battery at 15 % and discharging').waitFor();

    // Phones on the LAN: each through its own client address, each with its own browser.
    const target = { host: '127.0.0.1', port: Number(new URL(kit.localUrl).port) };
    for (const [i, from] of ['127.0.0.2', '127.0.0.3'].entries()) {
      const fwd = await forwardFrom(from, target);
      phones.push(fwd);
      const phone = await phoneContext(browser);
      const p = await phone.newPage();
      await p.goto(`${fwd.url}/join/agents`);
      await p.getByRole('heading', { name: 'Agents workshop' }).waitFor();
      await p.reload();
      await p.getByRole('heading', { name: 'Agents workshop' }).waitFor();
      await expect
        .poll(() => page.getByTestId('devices-agents').textContent(), { timeout: 15_000 })
        .toBe(String(i + 1));
      await phone.close();
    }
    // The organizer's own browser on the join page changes nothing.
    const own = await ctx.newPage();
    await own.goto(`${kit.localUrl}/join/agents`);
    await own.close();
    await advice.waitFor({ state: 'detached', timeout: 15_000 });
    await expect
      .poll(() => panel.locator('li[data-check="reach"]').textContent())
      .toContain('2 devices have opened the join page.');
    expect(await page.getByTestId('devices-agents').textContent()).toBe('2');
    await shot(page, '41-overview-devices-arriving');

    // The projector says it too.
    await page.evaluate((id) => (location.hash = `#/projector/${id}`), event.id);
    await expect
      .poll(() => page.getByTestId('projector-devices').textContent())
      .toBe('2 devices have opened the join page · 0 registered of 120');
    await shot(page, '42-projector-devices');

    // The help page travels with the console: the advice's link lands on its section.
    await page.evaluate(() => (location.hash = '#/help/no-devices-reach-the-kit'));
    await page.getByRole('heading', { name: 'No devices reach the kit' }).waitFor();
    await page.getByText('Guest Wi-Fi that isolates devices').waitFor();
    await shot(page, '43-help-event-day', { fullPage: false });
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
