/**
 * A QR code as an <img> with an SVG data URL, drawn in the page by the
 * `qrcode` package: no network, and allowed by the console's CSP (img-src data:).
 */
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';

export function useQrDataUrl(text: string, margin = 1): string | undefined {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    let live = true;
    QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin }).then(
      (svg) => live && setUrl(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`),
      () => live && setUrl(undefined),
    );
    return () => {
      live = false;
    };
  }, [text, margin]);
  return url;
}

export function Qr({ text, label, margin }: { text: string; label: string; margin?: number }) {
  const url = useQrDataUrl(text, margin);
  return url ? <img src={url} alt={label} /> : <div className="spinner" role="status" aria-label="Drawing QR code" />;
}
