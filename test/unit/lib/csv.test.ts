import { describe, expect, it } from '@jest/globals';
import { csvRecords, parseCsv } from '../../../src/lib/csv.js';

describe('parseCsv', () => {
  it('splits plain rows, with or without a final line break', () => {
    expect(parseCsv('a,b\n1,2\n')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(parseCsv('a,b\r\n1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('reads quoted fields with commas, line breaks and doubled quotes', () => {
    expect(parseCsv('x,"a, b","say ""hi""","two\r\nlines",\n')).toEqual([
      ['x', 'a, b', 'say "hi"', 'two\r\nlines', ''],
    ]);
  });

  it('keeps empty fields', () => {
    expect(parseCsv(',,\n')).toEqual([['', '', '']]);
  });

  it('reads nothing from nothing', () => {
    expect(parseCsv('')).toEqual([]);
  });
});

describe('csvRecords', () => {
  it('keys every row by the header names and skips blank lines', () => {
    const { header, records } = csvRecords('b,a\n2,1\n\n4,3\n');
    expect(header).toEqual(['b', 'a']);
    expect(records.map((r) => r.get('a'))).toEqual(['1', '3']);
    expect(records.map((r) => r.get('b'))).toEqual(['2', '4']);
  });
});
