import type { Reachability } from './port-matrix.ts';

/** Quotes a CSV field when it needs it (RFC 4180). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * `np2dfw reach -o csv` in pieces (one source row each): one line per port and ordered pair of endpoints, ready
 * for a spreadsheet or a script: `protocol,port,source,destination,allowed` with `allowed` as `true`/`false`.
 */
export function* matrixCsvChunks(r: Reachability): Generator<string> {
  yield 'protocol,port,source,destination,allowed\n';
  const ids = r.endpoints.map((e) => csvField(e.id));
  for (const { query, matrix } of r.ports) {
    for (let i = 0; i < ids.length; i++) {
      const lines: string[] = [];
      for (let j = 0; j < ids.length; j++) {
        lines.push(`${query.protocol},${query.port},${ids[i]},${ids[j]},${matrix.get(i, j) ? 'true' : 'false'}\n`);
      }
      yield lines.join('');
    }
  }
}

/** `np2dfw reach -o csv` as one string (see matrixCsvChunks). */
export function formatMatrixCsv(r: Reachability): string {
  return [...matrixCsvChunks(r)].join('');
}
