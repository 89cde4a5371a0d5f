/**
 * The docs that travel with the console (the event-day checklist), rendered
 * from their Markdown: the venue may have no internet, and the organizer
 * needs the troubleshooting page most exactly then. A small subset on
 * purpose: headings (with GitHub's anchor slugs), paragraphs, one level of
 * lists, bold, italics, code and links. Links to a section stay in the
 * console (`#/help/<section>`); web links open outside it.
 */
import type { ReactNode } from 'react';

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .trim()
    .replace(/\s/g, '-');
}

function inline(text: string, key = 0): ReactNode[] {
  const out: ReactNode[] = [];
  const re = /(`[^`]+`)|(\*\*[^*]+\*\*)|(_[^_]+_)|(\[[^\]]+\]\([^)]+\))/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    const t = m[0];
    const k = `${key}-${m.index}`;
    if (m[1]) out.push(<code key={k}>{t.slice(1, -1)}</code>);
    else if (m[2]) out.push(<strong key={k}>{inline(t.slice(2, -2), key + 1)}</strong>);
    else if (m[3]) out.push(<em key={k}>{inline(t.slice(1, -1), key + 1)}</em>);
    else {
      const [, label = '', target = ''] = /^\[([^\]]+)\]\(([^)]+)\)$/.exec(t) ?? [];
      const href = target.startsWith('#') ? `#/help/${target.slice(1)}` : target;
      const external = /^https?:/.test(target);
      out.push(
        <a key={k} href={href} {...(external ? { target: '_blank', rel: 'noreferrer' } : {})}>
          {inline(label, key + 1)}
        </a>,
      );
    }
    last = m.index + t.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

type Block =
  | { kind: 'h'; level: number; text: string }
  | { kind: 'p'; text: string }
  | { kind: 'ul' | 'ol'; items: string[] };

function blocks(md: string): Block[] {
  const out: Block[] = [];
  let para: string[] = [];
  let list: { kind: 'ul' | 'ol'; items: string[] } | undefined;
  const flush = () => {
    if (para.length) out.push({ kind: 'p', text: para.join(' ') });
    if (list) out.push(list);
    para = [];
    list = undefined;
  };
  for (const line of md.split('\n')) {
    const h = /^(#{1,3}) (.*)$/.exec(line);
    const li = /^(?:[-*]|(\d+)\.) (.*)$/.exec(line);
    if (h) {
      flush();
      out.push({ kind: 'h', level: (h[1] as string).length, text: h[2] as string });
    } else if (li) {
      const kind = li[1] ? 'ol' : 'ul';
      if (para.length || (list && list.kind !== kind)) flush();
      list ??= { kind, items: [] };
      list.items.push(li[2] as string);
    } else if (!line.trim()) flush();
    else if (list && /^\s+\S/.test(line)) list.items[list.items.length - 1] += ` ${line.trim()}`;
    else {
      if (list) flush();
      para.push(line.trim());
    }
  }
  flush();
  return out;
}

export function Markdown({ source }: { source: string }) {
  return (
    <div className="doc">
      {blocks(source).map((b, i) => {
        const key = `${b.kind}-${i}`;
        if (b.kind === 'h') {
          const id = slug(b.text);
          if (b.level === 1) return <h1 key={key}>{inline(b.text)}</h1>;
          if (b.level === 2)
            return (
              <h2 key={key} id={id}>
                {inline(b.text)}
              </h2>
            );
          return (
            <h3 key={key} id={id}>
              {inline(b.text)}
            </h3>
          );
        }
        if (b.kind === 'p') return <p key={key}>{inline(b.text)}</p>;
        const items = b.items.map((t) => <li key={t}>{inline(t)}</li>);
        return b.kind === 'ol' ? <ol key={key}>{items}</ol> : <ul key={key}>{items}</ul>;
      })}
    </div>
  );
}
