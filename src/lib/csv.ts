/** CSV as RFC 4180 writes it: quoted fields may hold commas, line breaks and doubled quotes. */

/** The rows of `text`; a trailing line break does not make an empty last row. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

/** Rows as records keyed by the header row's names, so columns are found by name. */
export function csvRecords(text: string): { header: string[]; records: Map<string, string>[] } {
  const [header = [], ...rows] = parseCsv(text);
  const records = rows
    .filter((row) => row.some((value) => value !== ''))
    .map((row) => new Map(header.map((name, i) => [name, row[i] ?? ''])));
  return { header, records };
}
