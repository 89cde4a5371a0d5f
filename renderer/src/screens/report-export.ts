/** Saving an export: the shell's save dialog in the desktop app, a download in the headless console. */
import { useCallback } from 'react';
import { saveFile, toBase64 } from '../client';
import { useToast } from '../ui/toast';

const labels: Record<string, string> = { csv: 'CSV file', json: 'JSON file' };

/** Saves `text` as `name`; errors and a cancelled dialog are the caller's toast to show (or not). */
export async function exportText(name: string, text: string, mime: string): Promise<boolean> {
  const extension = name.split('.').pop() ?? 'txt';
  return saveFile({ name, base64: toBase64(text), extension, label: labels[extension] ?? 'File' }, mime);
}

/** `save(name, text, mime)` that says in a toast what was saved, or why not. */
export function useExport(): (name: string, text: string, mime: string) => Promise<void> {
  const toast = useToast();
  return useCallback(
    (name, text, mime) =>
      exportText(name, text, mime).then(
        (saved) => {
          if (saved) toast(`${name} saved.`);
        },
        (e: Error) => toast(e.message, true),
      ),
    [toast],
  );
}
