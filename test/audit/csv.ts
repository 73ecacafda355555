/**
 * A strict RFC 4180 reader for checking exports: quoted cells may hold commas, doubled quotes and line breaks;
 * records end in CRLF. Deliberately independent of the writer it checks.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), (i += 1);
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') {
      if (cell !== '') throw new Error(`quote inside an unquoted cell at ${i}`);
      quoted = true;
    } else if (ch === ',') {
      record.push(cell), (cell = '');
    } else if (ch === '\r' && text[i + 1] === '\n') {
      record.push(cell), records.push(record), (record = []), (cell = ''), (i += 1);
    } else if (ch === '\n' || ch === '\r') {
      throw new Error(`bare line break at ${i}`);
    } else {
      cell += ch;
    }
  }
  if (quoted) throw new Error('unterminated quoted cell');
  if (cell !== '' || record.length) throw new Error('last record does not end in CRLF');
  return records;
}
