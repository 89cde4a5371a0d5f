/**
 * QR codes from the `qrcode` library, as inline SVG: crisp at any size on a
 * projector, on a phone and on paper, and no image files to serve.
 */
let library: Promise<typeof import('qrcode')> | undefined;

export async function qrSvg(text: string, label: string): Promise<string> {
  // Loaded when the first join page or card sheet is drawn, not with the proxy.
  library ??= import('qrcode').then((m) => (m as { default?: typeof import('qrcode') }).default ?? m);
  const QRCode = await library;
  const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  const safe = label.replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string,
  );
  return svg.replace('<svg ', `<svg role="img" aria-label="${safe}" `).trim();
}
