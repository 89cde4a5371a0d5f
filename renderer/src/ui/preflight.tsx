/**
 * The Overview's event-day panel: each pre-flight check as a traffic light
 * with one line of what to do, and, when an event has been live a while with
 * no other device reaching the laptop, what usually causes that and what to
 * do about it (with the troubleshooting page the console carries offline).
 */
import type { KitInfo, PreflightCheck } from '../../../shared/types';
import { href } from '../lib/router';
import { AddressPicker } from './address-picker';
import { Icon } from './icons';
import { Pill } from './page';

const pillKind = { green: 'ok', amber: 'warn', red: 'bad' } as const;
const word = { green: 'Ready', amber: 'Check', red: 'Fix now' } as const;

function CheckRow({ c }: { c: PreflightCheck }) {
  return (
    <li className={`check-row ${c.level}`} data-check={c.id}>
      <span className="light" aria-hidden="true" />
      <div>
        <div className="check-title">
          {c.title}
          <Pill kind={pillKind[c.level]}>{word[c.level]}</Pill>
        </div>
        <p className="check-summary">{c.summary}</p>
        {c.action && <p className="check-action">{c.action}</p>}
      </div>
    </li>
  );
}

export function PreflightPanel({ info }: { info?: KitInfo }) {
  const checks = info?.preflight.checks ?? [];
  const worst = checks.some((c) => c.level === 'red')
    ? 'red'
    : checks.some((c) => c.level === 'amber')
      ? 'amber'
      : 'green';
  return (
    <section className="card" aria-labelledby="ov-preflight">
      <div className="card-head">
        <h2 id="ov-preflight">Event-day checks</h2>
        <div className="row">
          {info && (
            <Pill kind={pillKind[worst]}>
              {worst === 'green' ? 'All clear' : worst === 'amber' ? 'Look before doors open' : 'Needs you now'}
            </Pill>
          )}
          <a href={href({ screen: 'help' })}>Checklist</a>
        </div>
      </div>
      {info ? (
        <ul className="checks">
          {checks.map((c) => (
            <CheckRow key={c.id} c={c} />
          ))}
        </ul>
      ) : (
        <p className="muted">Checking…</p>
      )}
    </section>
  );
}

export function NoDevicesAdvice({ info, reload }: { info: KitInfo; reload: () => void }) {
  const quiet = info.preflight.reach.noDevices;
  if (!quiet) return null;
  return (
    <section className="card advice" aria-labelledby="ov-no-devices" role="alert">
      <div className="advice-icon" aria-hidden="true">
        <Icon name="alert" />
      </div>
      <div className="stack" style={{ gap: 10 }}>
        <h2 id="ov-no-devices">No devices yet</h2>
        <p>
          An event is live and no phone or laptop has reached this computer
          {quiet.minutes >= 1 ? ` in ${quiet.minutes} minute${quiet.minutes === 1 ? '' : 's'}` : ' yet'}. The kit is
          running: the network is in the way. Usually it is one of these:
        </p>
        <ol className="advice-list">
          <li>
            <strong>Guest Wi-Fi that keeps devices apart</strong> (client isolation). Put everyone on your own network:
            a phone hotspot for a small room, a travel router for a large one.
          </li>
          <li>
            <strong>A firewall prompt that was dismissed.</strong> Allow AI Proxy Kit for private networks in the
            system's firewall settings.
          </li>
          <li>
            <strong>The wrong network on the QR code.</strong> Pick the address of the attendees' network
            {info.preflight.network.addresses.length > 1 ? ':' : '.'} <AddressPicker info={info} onChange={reload} />
          </li>
        </ol>
        <p className="small muted">
          Test it: scan the QR code with your own phone on the attendees' Wi-Fi; the device count rises within seconds.{' '}
          <a href={href({ screen: 'help', section: 'no-devices-reach-the-kit' })}>What else to try</a>
        </p>
      </div>
    </section>
  );
}
