/** A copy-to-clipboard button that says "Copied" for a moment. */
import { useState } from 'react';
import { Icon } from './icons';

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      className="ghost small"
      aria-label={`${label}: ${text}`}
      onClick={() =>
        navigator.clipboard.writeText(text).then(
          () => {
            setDone(true);
            setTimeout(() => setDone(false), 1500);
          },
          () => undefined,
        )
      }
    >
      <Icon name="copy" />
      {done ? 'Copied' : label}
    </button>
  );
}
