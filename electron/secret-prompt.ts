/**
 * Asks for a passphrase on the terminal without showing it: the terminal is
 * put in raw mode and each key read by hand (Enter ends, Backspace erases,
 * Ctrl-C and Ctrl-D give up). Nothing typed is echoed or kept in any history.
 */
import type { ReadStream } from 'node:tty';

export class PromptCancelled extends Error {}

export function promptSecret(
  question: string,
  input = process.stdin as ReadStream,
  output = process.stderr,
): Promise<string> {
  return new Promise((resolve, reject) => {
    output.write(question);
    let typed = '';
    const wasRaw = input.isRaw;
    input.setRawMode(true);
    input.resume();
    input.setEncoding('utf8');
    const done = (err?: Error) => {
      input.setRawMode(wasRaw);
      input.pause();
      input.off('data', onData);
      output.write('\n');
      if (err) reject(err);
      else resolve(typed);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003' || ch === '\u0004') return done(new PromptCancelled('cancelled'));
        if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
        else if (ch >= ' ') typed += ch;
      }
    };
    input.on('data', onData);
  });
}

/** A yes/no question on the terminal (the answer is shown); anything but y/yes is no. */
export function promptYes(question: string, input = process.stdin, output = process.stderr): Promise<boolean> {
  return new Promise((resolve) => {
    output.write(question);
    input.resume();
    input.setEncoding('utf8');
    input.once('data', (answer: string) => {
      input.pause();
      resolve(/^\s*y(es)?\s*$/i.test(answer));
    });
  });
}
