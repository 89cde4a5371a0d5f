// Live traffic at a steady rate: `rate` records a second for `seconds` pushed into a kit's traffic feed,
// paced by the clock rather than by timer ticks (which drift on a busy machine). The feed batches them
// exactly as it batches the proxy's records. Used by the console's browser test and its benchmark.
const names = ['Ada', 'Grace', 'Linus', 'Margaret', 'Barbara', 'Ken'];
const deployments = ['gpt-4o-mini', 'text-embedding-3-small', 'playground'];

/** Resolves with the number of records pushed and the seconds it took. */
export function feedAtRate(feed, rate, seconds) {
  let n = 0;
  const started = Date.now();
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(rate * seconds, Math.floor(((Date.now() - started) / 1000) * rate));
      for (; n < due; n++) {
        const status = n % 50 === 0 ? 502 : n % 17 === 0 ? 429 : 200;
        feed.push({
          at: new Date().toISOString(),
          method: 'POST',
          route: '/openai/deployments/:deployment/chat/completions',
          path: '/openai/deployments/gpt-4o-mini/chat/completions',
          status,
          durationMs: 20 + ((n * 37) % 400),
          attendeeId: `att_${n % names.length}`,
          attendeeName: names[n % names.length],
          deployment: deployments[n % deployments.length],
          totalTokens: status === 200 ? 40 + (n % 60) : undefined,
        });
      }
      if (n >= rate * seconds) {
        clearInterval(timer);
        resolve({ records: n, seconds: (Date.now() - started) / 1000 });
      }
    }, 50);
  });
}
