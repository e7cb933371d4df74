/**
 * CSV with a header row (RFC 4180: commas, optional double quotes, CRLF or LF) as a column table. A
 * column is numeric when every entry is a number, empty, or nan/inf (pandas' spellings); empty and nan
 * entries become NaN and then go through the NaN policy. Any other column is text (e.g. class names).
 */
import type { ColumnTable, TableColumn } from './mapping.ts';

const NAN_WORDS = new Set(['', 'nan', 'NaN', 'NAN', 'NA', 'null']);

const INF = /^[+-]?(inf|Inf|INF|infinity|Infinity)$/;
// Stricter than Number(), which would also accept hex, binary and whitespace-only text.
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function isNumberText(s: string): boolean {
  const t = s.trim();
  return NAN_WORDS.has(t) || INF.test(t) || DECIMAL.test(t);
}

/** Only called on cells that passed isNumberText. */
function toNumber(s: string): number {
  const t = s.trim();
  if (NAN_WORDS.has(t)) return NaN;
  if (INF.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  return Number(t);
}

/** Split CSV text into rows of fields. */
function parseRows(file: string, text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  let line = 1;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      i++;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      row.push(field);
      field = '';
      if (!(row.length === 1 && row[0] === '')) rows.push(row);
      row = [];
      if (ch === '\r' && text[i + 1] === '\n') i++;
      line++;
    } else field += ch;
    i++;
  }
  if (quoted) throw new Error(`${file}: a quoted field opened before line ${line} is never closed; the file is truncated or damaged.`);
  row.push(field);
  if (!(row.length === 1 && row[0] === '')) rows.push(row);
  return rows;
}

export function readCsv(file: string, bytes: Uint8Array): ColumnTable {
  if (bytes.length === 0) throw new Error(`${file}: the file is empty; a CSV file needs a header row and one row per jet.`);
  // Binary files (e.g. a ROOT or Parquet file renamed .csv) hold NUL bytes; text never does.
  if (bytes.includes(0)) throw new Error(`${file}: not a text CSV file (it holds binary data); check the file and its extension.`);
  let text = new TextDecoder('utf-8').decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rows = parseRows(file, text);
  if (rows.length === 0) throw new Error(`${file}: the file holds no header row; a CSV file needs a header row and one row per jet.`);
  const header = rows[0].map((h) => h.trim());
  if (header.some((h) => h === '')) throw new Error(`${file}: the header row has an empty column name (column ${header.indexOf('') + 1}); every column needs a name.`);
  const dup = header.find((h, k) => header.indexOf(h) !== k);
  if (dup) throw new Error(`${file}: column "${dup}" appears twice in the header row.`);
  const n = rows.length - 1;
  for (let r = 1; r < rows.length; r++) {
    if (rows[r].length !== header.length) {
      throw new Error(`${file}: data row ${r} has ${rows[r].length} fields but the header has ${header.length}; the file is truncated or damaged.`);
    }
  }
  const columns = new Map<string, TableColumn>();
  header.forEach((name, c) => {
    const cells = rows.slice(1).map((row) => row[c]);
    if (cells.every(isNumberText)) columns.set(name, Float64Array.from(cells, toNumber));
    else columns.set(name, cells.map((s) => s.trim()));
  });
  return { n, columns };
}
