import { describe, expect, it } from 'vitest';
import { orderForImport, parseCsv, parseUnitList } from './unit-list.ts';

describe('unit lists', () => {
  it('reads CSV with quotes, a BOM, CRLF and columns in any order', () => {
    expect(parseCsv('\uFEFFa,"b ""c"", d"\r\n1,2\n')).toEqual([['a', 'b "c", d'], ['1', '2']]);
    const rows = parseUnitList('name,code,parent\r\n"UBND tỉnh, Mẫu",000.00.00.T01,\nUBND phường 1,000.00.01.W01,000.00.00.T01\n');
    expect(rows).toEqual([
      { row: 1, code: '000.00.00.T01', name: 'UBND tỉnh, Mẫu', parent: null, kind: null },
      { row: 2, code: '000.00.01.W01', name: 'UBND phường 1', parent: '000.00.00.T01', kind: null },
    ]);
  });

  it('reads a JSON array and names the bad row', () => {
    expect(parseUnitList('[{"code":"A.1","name":"A","kind":"province"}]')).toEqual([{ row: 1, code: 'A.1', name: 'A', parent: null, kind: 'province' }]);
    expect(() => parseUnitList('[{"code":"A.1","name":"A"},{"code":"bad code!","name":"B"}]')).toThrow(/^row 2: code "bad code!"/);
    expect(() => parseUnitList('[{"code":"A.1","name":"A"},{"code":"B.1"}]')).toThrow(/^row 2: unit B.1 has no name/);
    expect(() => parseUnitList('code,name\nA.1,A,extra')).toThrow(/^row 1: 3 fields, the header names 2/);
    expect(() => parseUnitList('{"code":"A"}', 'json')).toThrow(/JSON array/);
    expect(() => parseUnitList('id;title\n1;2')).toThrow(/header line/);
  });

  it('puts parents before children, wherever they are in the file', () => {
    const rows = parseUnitList('code,name,parent\nW.1,Ward,D.1\nD.1,District,P.1\nP.1,Province,\nW.2,Ward 2,EXISTING.1');
    const ordered = orderForImport(rows, new Map([['EXISTING.1', null]]));
    expect(ordered.map((r) => r.code)).toEqual(['P.1', 'D.1', 'W.1', 'W.2']);
  });

  it('refuses an unknown parent, a code listed twice and a cycle, naming the row', () => {
    const parse = (csv: string) => parseUnitList(`code,name,parent\n${csv}`);
    expect(() => orderForImport(parse('A.1,A,\nB.1,B,Z.9'), new Map())).toThrow(/^row 2: parent Z.9 of B.1 is neither in the list nor a known unit/);
    expect(() => orderForImport(parse('A.1,A,\nA.1,again,'), new Map())).toThrow(/^row 2: unit A.1 is listed twice \(also row 1\)/);
    expect(() => orderForImport(parse('A.1,A,B.1\nB.1,B,A.1'), new Map())).toThrow(/^row 1: unit A.1 would be below itself/);
    // Through a known unit: X.1 exists below A.1; the list puts A.1 below X.1.
    expect(() => orderForImport(parse('A.1,A,X.1'), new Map([['X.1', 'A.1'], ['A.1', null]]))).toThrow(/would be below itself/);
  });
});
