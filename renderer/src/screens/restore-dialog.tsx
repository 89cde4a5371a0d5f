/**
 * "Restore…": choose a backup file, type its passphrase, see what it holds,
 * then replace everything with one explicit button. Opening and looking
 * change nothing; every refusal (wrong passphrase, a damaged or foreign file,
 * one from a newer kit) is said in the dialog, beside the field it concerns.
 */
import { useState } from 'react';
import type { BackupSummary, RestoreResult } from '../../../shared/types';
import { AdminError, kit, openFile } from '../client';
import { Dialog } from '../ui/dialog';
import { TextField } from '../ui/form';
import { Banner } from '../ui/states';
import { BackupSummaryView } from './backup-summary-view';

export const BACKUP_FILTER = { extensions: ['aipkbackup'], label: 'AI Proxy Kit backup' };

export function RestoreDialog(props: { onClose: () => void; onRestored: (r: RestoreResult) => void }) {
  const [file, setFile] = useState<{ name: string; base64: string }>();
  const [pass, setPass] = useState('');
  const [summary, setSummary] = useState<BackupSummary>();
  const [errors, setErrors] = useState<{ passphrase?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);

  async function choose() {
    setErrors({});
    try {
      const picked = await openFile(BACKUP_FILTER);
      if (picked) {
        setFile(picked);
        setSummary(undefined);
      }
    } catch (e) {
      setErrors({ form: (e as Error).message });
    }
  }

  async function run<T>(work: () => Promise<T>): Promise<T | undefined> {
    setBusy(true);
    setErrors({});
    try {
      return await work();
    } catch (e) {
      const code = e instanceof AdminError ? e.code : '';
      if (code === 'wrong_passphrase') setErrors({ passphrase: (e as Error).message });
      else setErrors({ form: (e as Error).message });
      return undefined;
    } finally {
      setBusy(false);
    }
  }

  async function look() {
    if (!file) return setErrors({ form: 'Choose a backup file first.' });
    if (!pass) return setErrors({ passphrase: 'Enter the passphrase the backup was made with.' });
    const s = await run(() => kit.backup.inspect({ file: file.base64, passphrase: pass }));
    if (s) setSummary(s);
  }

  async function replace() {
    if (!file) return;
    const r = await run(() => kit.backup.restore({ file: file.base64, passphrase: pass }));
    if (r) props.onRestored(r);
  }

  return (
    <Dialog
      title={summary ? 'Replace everything with this backup?' : 'Restore a backup'}
      description={
        summary
          ? 'Every resource, event, attendee and usage count on this kit is replaced by the backup’s. The current store is kept in the data folder’s snapshots.'
          : 'Nothing changes until you have seen what the backup holds and confirmed.'
      }
      onClose={props.onClose}
      footer={
        <>
          <button type="button" onClick={props.onClose} disabled={busy}>
            Cancel
          </button>
          {summary ? (
            <button type="button" className="danger solid" disabled={busy} onClick={() => void replace()}>
              {busy ? 'Restoring…' : 'Replace everything'}
            </button>
          ) : (
            <button type="submit" form="restore-form" className="primary" disabled={busy || !file}>
              {busy ? 'Opening…' : 'Open backup'}
            </button>
          )}
        </>
      }
    >
      {errors.form && <Banner kind="error">{errors.form}</Banner>}
      {summary ? (
        <BackupSummaryView summary={summary} />
      ) : (
        <form
          id="restore-form"
          className="form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void look();
          }}
        >
          <div className="form-grid">
            <div className="field full">
              <span className="label">Backup file</span>
              <div className="row">
                <button type="button" onClick={() => void choose()} disabled={busy}>
                  {file ? 'Choose another…' : 'Choose backup file…'}
                </button>
                <span className="small" data-testid="restore-file">
                  {file?.name ?? <span className="muted">No file chosen (.aipkbackup)</span>}
                </span>
              </div>
            </div>
            <TextField
              label="Passphrase"
              type="password"
              autoComplete="current-password"
              value={pass}
              onChange={setPass}
              error={errors.passphrase}
              hint="The one typed when the backup was made."
              full
            />
          </div>
        </form>
      )}
    </Dialog>
  );
}
