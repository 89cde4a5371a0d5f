/**
 * A small RFC 4180 reader for the tests, written apart from the kit's writer
 * so a test parses exports the way a spreadsheet would: quoted fields with
 * doubled quotes, commas and line breaks inside, CRLF between records.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else if (c === '\n') throw new Error(`bare LF at ${i}: records must end with CRLF`);
    else field += c;
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (field !== '' || row.length) throw new Error('last record not ended by CRLF');
  return rows;
}

/** Records as objects keyed by the header row. */
export function csvRecords(text: string): Record<string, string>[] {
  if (!text.startsWith('\uFEFF')) throw new Error('no UTF-8 byte order mark');
  const [header, ...rows] = parseCsv(text.slice(1));
  if (!header) return [];
  for (const r of rows)
    if (r.length !== header.length) throw new Error(`record of ${r.length} fields, header has ${header.length}`);
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] as string])));
}
