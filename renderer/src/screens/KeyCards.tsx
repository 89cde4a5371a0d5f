/**
 * Pre-issued keys on printable cards, for attendees without a phone handy:
 * each card has the event, the key and a QR code of its claim link. Keys are
 * returned once by the kit, so this dialog is the only place they appear.
 */
import { useState } from 'react';
import type { EventView } from '../../../shared/contract';
import type { IssuedKey } from '../../../shared/types';
import { kit } from '../client';
import { fmtRange } from '../lib/format';
import { Dialog } from '../ui/dialog';
import { TextField } from '../ui/form';
import { Icon } from '../ui/icons';
import { Qr } from '../ui/qr';
import { Banner } from '../ui/states';

export function KeyCards(props: { event: EventView; onClose: () => void; onIssued: () => void }) {
  const [count, setCount] = useState('10');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [keys, setKeys] = useState<IssuedKey[]>();
  const { event } = props;

  async function issue() {
    const n = Number(count);
    if (!Number.isInteger(n) || n < 1 || n > 500) {
      setError('Between 1 and 500 cards at a time.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      setKeys(await kit.attendees.issue({ eventId: event.id, count: n }));
      props.onIssued();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  if (!keys)
    return (
      <Dialog
        narrow
        title="Issue key cards"
        description={`Printable cards with a ready key for ${event.name}. Each card counts as one attendee.`}
        onClose={props.onClose}
        footer={
          <>
            <button type="button" onClick={props.onClose} disabled={busy}>
              Cancel
            </button>
            <button type="submit" form="issue-form" className="primary" disabled={busy}>
              {busy ? 'Issuing…' : 'Issue keys'}
            </button>
          </>
        }
      >
        <form
          id="issue-form"
          className="form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void issue();
          }}
        >
          <TextField label="Number of cards" type="number" min={1} value={count} onChange={setCount} error={error} />
        </form>
      </Dialog>
    );

  return (
    <Dialog
      title={`${keys.length} key card${keys.length === 1 ? '' : 's'} for ${event.name}`}
      description="Print them now: the keys are shown only this once."
      onClose={props.onClose}
      className="print-area"
      footer={
        <>
          <button type="button" onClick={props.onClose}>
            Done
          </button>
          <button type="button" className="primary" onClick={() => window.print()}>
            <Icon name="print" />
            Print cards
          </button>
        </>
      }
    >
      <Banner kind="warn">Keep these cards safe: anyone holding one can call the API until the event ends.</Banner>
      <div className="cards-sheet" style={{ marginTop: 16 }}>
        {keys.map((k, i) => (
          <div className="key-card" key={k.attendeeId}>
            <Qr text={k.claimUrl} label={`Claim link for card ${i + 1}`} />
            <div className="stack" style={{ gap: 4 }}>
              <strong>{event.name}</strong>
              <span className="small muted">{fmtRange(event.startsAt, event.endsAt, event.timeZone)}</span>
              <span className="small">Scan to get your key, or use:</span>
              <span className="key">{k.apiKey}</span>
            </div>
          </div>
        ))}
      </div>
    </Dialog>
  );
}
