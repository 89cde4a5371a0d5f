/**
 * The schema's migrations, in order. A migration is a file of SQL kept as a
 * module (so the built and packaged kit carries it without copying files);
 * each runs once, in its own transaction, and is recorded in
 * `kit_migrations`. A new one is a new file with the next version, added here.
 */
import initial from './001-initial.js';
import allowances from './002-allowances.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [initial, allowances];
