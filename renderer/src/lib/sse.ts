/**
 * Server-Sent Events framing for the headless console's traffic stream
 * (a streamed response read in the client, because the browser's built-in SSE
 * object cannot send the admin token header).
 */

/** Splits an SSE byte stream into `data:` payloads. */
export function sseFrames(onData: (data: string) => void): (chunk: string) => void {
  let buf = '';
  return (chunk) => {
    buf += chunk.replace(/\r\n/g, '\n');
    let i = buf.indexOf('\n\n');
    while (i !== -1) {
      const frame = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const data = frame
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).replace(/^ /, ''))
        .join('\n');
      if (data) onData(data);
      i = buf.indexOf('\n\n');
    }
  };
}
