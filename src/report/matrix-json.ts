import type { Reachability } from './port-matrix.ts';

/**
 * `np2dfw reach -o json` in pieces (one matrix row each), so that a large matrix is written without ever
 * holding it as one string. Joined, the pieces are exactly
 * `{"ports":[{"protocol":"TCP","port":80,"matrix":{"x/a":{"x/a":true,"x/b":false}}}]}` and a newline.
 * Pods are `namespace/name`, external endpoints their IP; keys keep the endpoint order (the text is built by
 * hand, so no key is ever reordered the way JavaScript reorders integer-like property names).
 */
export function* matrixJsonChunks(r: Reachability): Generator<string> {
  const keys = r.endpoints.map((e) => JSON.stringify(e.id));
  yield '{"ports":[';
  let firstPort = true;
  for (const { query, matrix } of r.ports) {
    yield `${firstPort ? '' : ','}{"protocol":${JSON.stringify(query.protocol)},"port":${query.port},"matrix":{`;
    firstPort = false;
    for (let i = 0; i < keys.length; i++) {
      const cells: string[] = [];
      for (let j = 0; j < keys.length; j++) cells.push(`${keys[j]}:${matrix.get(i, j) ? 'true' : 'false'}`);
      yield `${i ? ',' : ''}${keys[i]}:{${cells.join(',')}}`;
    }
    yield '}}';
  }
  yield ']}\n';
}

/** `np2dfw reach -o json` as one string (see matrixJsonChunks). */
export function formatMatrixJson(r: Reachability): string {
  return [...matrixJsonChunks(r)].join('');
}
