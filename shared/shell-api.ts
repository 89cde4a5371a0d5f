/**
 * What the desktop shell offers the console besides the kit: files the
 * organizer picks in the system's own dialogs (a report export, a backup to
 * save, a backup to restore). The preload exposes it as `window.kitShell`; the
 * headless console does the same with a browser download and a file input.
 * Contents travel as base64 so binary and text files cross IPC alike.
 */
export interface FileToSave {
  /** Proposed file name (the organizer may change it in the dialog). */
  name: string;
  /** The bytes, base64. */
  base64: string;
  /** For the dialog's file-type filter: `csv`, `json`, `aipkbackup`. */
  extension: string;
  /** The filter's label ("CSV file"). */
  label: string;
}

export interface PickedFile {
  name: string;
  base64: string;
}

export interface KitShell {
  /** Shows a save dialog and writes the file; false when the organizer cancelled. */
  saveFile(file: FileToSave): Promise<{ saved: boolean }>;
  /** Shows an open dialog and reads the file; null when the organizer cancelled. */
  openFile(filter: { extensions: string[]; label: string }): Promise<PickedFile | null>;
}

/** The largest file the console opens (a backup of a big term-long course stays well below). */
export const MAX_OPEN_BYTES = 256 * 1024 * 1024;
