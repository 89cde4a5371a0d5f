/**
 * The Backup screen: "Back up…" writes everything on this kit into one file
 * sealed under a passphrase the organizer types twice (saved through the
 * desktop's save dialog, or downloaded by the browser), and "Restore…" reads
 * one back on this or another laptop: the file, its passphrase, then what it
 * holds, before one explicit "Replace everything".
 */
import { useState } from 'react';
import { MIN_BACKUP_PASSPHRASE } from '../../../shared/schemas';
import type { BackupSummary } from '../../../shared/types';
import { kit, saveFile } from '../client';
import { passphraseStrength } from '../lib/passphrase-strength';
import { Dialog } from '../ui/dialog';
import { TextField } from '../ui/form';
import { PageHead } from '../ui/page';
import { Banner } from '../ui/states';
import { useToast } from '../ui/toast';
import { BackupSummaryView } from './backup-summary-view';
import { BACKUP_FILTER, RestoreDialog } from './restore-dialog';

function StrengthHint({ passphrase }: { passphrase: string }) {
  const s = passphraseStrength(passphrase);
  return (
    <span className={`strength ${s.level}`} data-testid="strength">
      <span className="strength-bar" aria-hidden="true" />
      {s.hint}
    </span>
  );
}

function BackupDialog(props: { onClose: () => void; onSaved: (name: string, summary: BackupSummary) => void }) {
  const [pass, setPass] = useState('');
  const [again, setAgain] = useState('');
  const [errors, setErrors] = useState<{ passphrase?: string; again?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);

  async function save() {
    const next: typeof errors = {};
    if ([...pass].length < MIN_BACKUP_PASSPHRASE) next.passphrase = `Use at least ${MIN_BACKUP_PASSPHRASE} characters.`;
    else if (again !== pass) next.again = 'The two passphrases differ.';
    setErrors(next);
    if (next.passphrase || next.again) return;
    setBusy(true);
    try {
      const file = await kit.backup.create({ passphrase: pass });
      const saved = await saveFile(
        {
          name: file.name,
          base64: file.base64,
          extension: BACKUP_FILTER.extensions[0] as string,
          label: BACKUP_FILTER.label,
        },
        'application/octet-stream',
      );
      if (saved) props.onSaved(file.name, file.summary);
      else setBusy(false);
    } catch (e) {
      setErrors({ form: (e as Error).message });
      setBusy(false);
    }
  }

  return (
    <Dialog
      title="Back up this kit"
      description="One file with every resource (upstream secrets included), event, attendee, ownership record and usage count. It is sealed under the passphrase you choose now: the kit does not keep it, and nobody can open the file without it."
      onClose={props.onClose}
      footer={
        <>
          <button type="button" onClick={props.onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" form="backup-form" className="primary" disabled={busy}>
            {busy ? 'Sealing…' : 'Back up'}
          </button>
        </>
      }
    >
      <form
        id="backup-form"
        className="form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        {errors.form && <Banner kind="error">{errors.form}</Banner>}
        <div className="form-grid">
          <TextField
            label="Passphrase"
            type="password"
            autoComplete="new-password"
            value={pass}
            onChange={(v) => {
              setPass(v);
              // The hint comes back as the organizer types a new one.
              setErrors({ ...errors, passphrase: undefined });
            }}
            error={errors.passphrase}
            hint={<StrengthHint passphrase={pass} />}
            full
          />
          <TextField
            label="The same passphrase again"
            type="password"
            autoComplete="new-password"
            value={again}
            onChange={(v) => {
              setAgain(v);
              setErrors({ ...errors, again: undefined });
            }}
            error={errors.again}
            full
          />
        </div>
      </form>
    </Dialog>
  );
}

export function Backup() {
  const toast = useToast();
  const [dialog, setDialog] = useState<'backup' | 'restore'>();
  const [last, setLast] = useState<{ name: string; summary: BackupSummary }>();
  const [restored, setRestored] = useState<{ previousStore?: string; secretsToEnter: string[] }>();
  return (
    <>
      <PageHead
        title="Backup"
        subtitle="Everything on this kit in one sealed file: to keep after the event, or to move to another laptop."
      />
      <div className="grid cols-2 backup-grid">
        <section className="card stack" aria-label="Back up">
          <div>
            <h2>Back up</h2>
            <p className="muted">
              Resources with their upstream secrets, events, attendees, who owns which thread or file, and all usage.
              Secrets and names are sealed under a passphrase (scrypt and AES-256-GCM); this computer's own secret key
              never leaves it.
            </p>
          </div>
          <div>
            <button type="button" className="primary" onClick={() => setDialog('backup')}>
              Back up…
            </button>
          </div>
          {last && (
            <div className="stack" data-testid="last-backup">
              <Banner kind="info">
                Saved {last.name}. Keep the passphrase with it: without it the file cannot be opened.
              </Banner>
              <BackupSummaryView summary={last.summary} />
            </div>
          )}
        </section>
        <section className="card stack" aria-label="Restore">
          <div>
            <h2>Restore</h2>
            <p className="muted">
              Replaces everything on this kit with a backup's contents, after showing you what it holds. The store it
              replaces is kept in the data folder's snapshots. Restored upstream secrets are sealed again with this
              computer's key.
            </p>
          </div>
          <div>
            <button type="button" onClick={() => setDialog('restore')}>
              Restore…
            </button>
          </div>
          {restored && (
            <div data-testid="restored">
              <Banner kind="info">
                Restored.
                {restored.previousStore && ` The previous store is kept as ${restored.previousStore}.`}
                {restored.secretsToEnter.length > 0 &&
                  ` Enter the upstream secret again for: ${restored.secretsToEnter.join(', ')} (Resources).`}
              </Banner>
            </div>
          )}
        </section>
      </div>
      {dialog === 'backup' && (
        <BackupDialog
          onClose={() => setDialog(undefined)}
          onSaved={(name, summary) => {
            setDialog(undefined);
            setLast({ name, summary });
            toast(`${name} saved.`);
          }}
        />
      )}
      {dialog === 'restore' && (
        <RestoreDialog
          onClose={() => setDialog(undefined)}
          onRestored={(result) => {
            setDialog(undefined);
            setRestored(result);
            toast('Backup restored.');
          }}
        />
      )}
    </>
  );
}
