/**
 * A rough strength hint for a backup passphrase, shown while it is typed:
 * an estimate of the guesses it would take (length times the kinds of
 * characters used, a few words counting as words), never a gate beyond the
 * minimum length. It warns about the obvious (one repeated character, a
 * short single word) rather than pretending to measure precisely.
 */
import { MIN_BACKUP_PASSPHRASE } from '../../../shared/schemas';

export type Strength = { level: 'short' | 'weak' | 'fair' | 'strong'; hint: string };

export function passphraseStrength(p: string): Strength {
  const chars = [...p];
  if (chars.length < MIN_BACKUP_PASSPHRASE)
    return { level: 'short', hint: `At least ${MIN_BACKUP_PASSPHRASE} characters (${chars.length} so far).` };
  let pool = 0;
  if (/[a-z]/.test(p)) pool += 26;
  if (/[A-Z]/.test(p)) pool += 26;
  if (/[0-9]/.test(p)) pool += 10;
  if (/[^a-zA-Z0-9]/.test(p)) pool += 33;
  const distinct = new Set(chars).size;
  // Repeats add little: count each character past the distinct ones as half.
  const bits = Math.log2(Math.max(pool, 2)) * (distinct + (chars.length - distinct) / 2);
  const words = p
    .trim()
    .split(/\s+/)
    .filter((w) => w.length >= 3).length;
  if (distinct <= 3) return { level: 'weak', hint: 'Mostly one character repeated: easy to guess.' };
  if (words >= 4 || bits >= 80)
    return { level: 'strong', hint: 'Strong. Keep it somewhere safe: without it the backup cannot be opened.' };
  if (bits >= 55) return { level: 'fair', hint: 'Fair. A few more words make it strong.' };
  return { level: 'weak', hint: 'Weak: use a few unrelated words, e.g. "lantern quiet orbit mango".' };
}
