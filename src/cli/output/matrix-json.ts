import type { Reachability } from './port-matrix.ts';

/**
 * `np2dfw reach -o json`, exactly:
 * `{"ports":[{"protocol":"TCP","port":80,"matrix":{"x/a":{"x/a":true,"x/b":false}}}]}` and a newline.
 * Pods are `namespace/name`, external endpoints their IP; keys keep the endpoint order (the string is built
 * by hand, so no key is ever reordered the way JavaScript reorders integer-like property names).
 */
export function formatMatrixJson(r: Reachability): string {
  const keys = r.endpoints.map((e) => JSON.stringify(e.id));
  const ports: string[] = [];
  for (const { query, matrix } of r.ports) {
    const rows: string[] = [];
    for (let i = 0; i < keys.length; i++) {
      const cells: string[] = [];
      for (let j = 0; j < keys.length; j++) cells.push(`${keys[j]}:${matrix.get(i, j) ? 'true' : 'false'}`);
      rows.push(`${keys[i]}:{${cells.join(',')}}`);
    }
    ports.push(`{"protocol":${JSON.stringify(query.protocol)},"port":${query.port},"matrix":{${rows.join(',')}}}`);
  }
  return `{"ports":[${ports.join(',')}]}\n`;
}
