import type { FieldPath } from '../field-path.ts';
import { invalid, required } from './field-errors.ts';
import type { ProblemSink } from './field-problem.ts';
import { canonicalCidrText, isStrictSubset, parseCidrLiteral, type CidrLiteral } from './ip-literal.ts';
import { listField, objectField, rejectUnknownFields, stringField } from './shape.ts';

const IP_BLOCK_FIELDS: ReadonlySet<string> = new Set(['cidr', 'except']);

/**
 * ValidateIPBlock: a required, valid `cidr`; every `except` a valid CIDR strictly inside it (and so of its family).
 * Like the API server, `except` is not looked at when `cidr` itself is invalid.
 */
export function validateIpBlock(sink: ProblemSink, value: unknown, path: FieldPath): void {
  const block = objectField(sink, value, path);
  if (!block) return;
  rejectUnknownFields(sink, block, path, IP_BLOCK_FIELDS);
  const cidrPath = [...path, 'cidr'];
  const cidrText = stringField(sink, block.cidr, cidrPath);
  const exceptList = listField(sink, block.except, [...path, 'except']);
  if (cidrText === undefined && block.cidr !== undefined && block.cidr !== null) return;
  if (!cidrText) {
    sink.errors.push(required(cidrPath));
    return;
  }
  const cidr = checkCidr(sink, cidrText, cidrPath);
  if (!cidr) return;
  exceptList?.forEach((item, i) => {
    const exceptPath = [...path, 'except', i];
    const text = stringField(sink, item, exceptPath);
    if (text === undefined && item !== null && item !== undefined) return;
    const except = checkCidr(sink, text ?? '', exceptPath);
    if (except && !isStrictSubset(cidr, except)) sink.errors.push(invalid(exceptPath, text ?? '', 'must be a strict subset of `cidr`'));
  });
}

/**
 * IsValidCIDRForLegacyField as Kubernetes runs it by default: sloppy forms are accepted with the API server's
 * warning; what cannot be parsed is an error. IPv4-mapped IPv6 is refused (see ip-literal.ts).
 */
export function checkCidr(sink: ProblemSink, text: string, path: FieldPath): CidrLiteral | undefined {
  const cidr = parseCidrLiteral(text);
  if (!cidr) {
    sink.errors.push(invalid(path, text, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'));
    return undefined;
  }
  if (cidr.mapped) {
    sink.errors.push(invalid(path, text, 'must not have an IPv4-mapped IPv6 address'));
    return undefined;
  }
  const canonical = canonicalCidrText(cidr);
  if (cidr.address !== cidr.network) {
    const single = `${canonicalCidrText({ ...cidr, network: cidr.address, prefix: cidr.family === 4 ? 32 : 128 })}`;
    sink.warnings.push({ path, message: `CIDR value ${JSON.stringify(text)} is ambiguous in this context (should be ${JSON.stringify(canonical)} or ${JSON.stringify(single)}?); np2dfw reads it as ${JSON.stringify(canonical)}, as the API server does` });
  } else if (cidr.leadingZeros) {
    sink.warnings.push({ path, message: `non-standard CIDR value ${JSON.stringify(text)} will be considered invalid in a future Kubernetes release: use ${JSON.stringify(canonical)}` });
  } else if (cidr.family === 6 && canonical !== text) {
    sink.warnings.push({ path, message: `IPv6 CIDR value ${JSON.stringify(text)} should be in RFC 5952 canonical format (${JSON.stringify(canonical)})` });
  }
  return cidr;
}
