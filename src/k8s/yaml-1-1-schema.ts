import jsYaml from 'js-yaml';

/**
 * A js-yaml schema that resolves plain scalars as YAML 1.1 does, the way kubectl reads YAML (go-yaml v2 under
 * sigs.k8s.io/yaml) and the way the `yaml` package reads it with `version: '1.1'` (np2dfw's general parser): an
 * unquoted `yes`, `on` or `y` is a boolean, `0777` is octal, `1_000` is 1000, `12:30` is 750 (sexagesimal),
 * `2024-05-01` a timestamp. js-yaml's own schemas follow YAML 1.2, where these are strings.
 *
 * Each type's pattern and value are those of the `yaml` package's YAML 1.1 schema (yaml/dist/schema/yaml-1.1),
 * tried in its order, so that both parsers give the same objects.
 */

const { Type } = jsYaml;

const BOOL_TRUE = new Set(['Y', 'y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const BOOL_FALSE = new Set(['N', 'n', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);

/** `true`/`false` and their YAML 1.1 spellings (`yes`, `No`, `ON`, `y`, ...). */
const bool = new Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (data: string) => {
    if (data.length === 0 || data.length > 5) return false;
    // Every spelling starts with y, n, t, f or o in either case: most plain scalars stop here.
    const c = data.charCodeAt(0) | 32;
    if (c !== 121 && c !== 110 && c !== 116 && c !== 102 && c !== 111) return false;
    return BOOL_TRUE.has(data) || BOOL_FALSE.has(data);
  },
  construct: (data: string) => BOOL_TRUE.has(data),
  predicate: (v: object) => typeof v === 'boolean',
});

/**
 * Whether a plain scalar may be a number or a timestamp: it starts with a sign, a digit or a dot. (The `yaml`
 * package also reads `e5` as a float, NaN; YAML 1.1 and kubectl read it as a string, and so does np2dfw.)
 */
function numeric(data: string): boolean {
  const c = data.charCodeAt(0);
  return (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;
}

const INT_BIN = /^[-+]?0b[0-1_]+$/;
const INT_OCT = /^[-+]?0[0-7_]+$/;
const INT_DEC = /^[-+]?[0-9][0-9_]*$/;
const INT_HEX = /^[-+]?0x[0-9a-fA-F_]+$/;
const INT_TIME = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+$/;

/** An integer written after an optional sign and `prefix` characters, in `radix`, underscores ignored. */
function intValue(text: string, prefix: number, radix: number): number {
  const sign = text[0];
  const offset = sign === '-' || sign === '+' ? prefix + 1 : prefix;
  const n = parseInt(text.substring(offset).replace(/_/g, ''), radix);
  return sign === '-' ? -1 * n : n;
}

/** `[-+]hh:mm:ss(.fff)`: base 60. */
function sexagesimal(text: string): number {
  const sign = text[0];
  const parts = sign === '-' || sign === '+' ? text.substring(1) : text;
  const value = parts.replace(/_/g, '').split(':').reduce((res, p) => res * 60 + Number(p), 0);
  return sign === '-' ? -1 * value : value;
}

/** Integers: binary `0b`, octal `0`, decimal, hexadecimal `0x` (all with `_` allowed), sexagesimal `1:30`. */
const int = new Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (data: string) =>
    numeric(data) && (INT_BIN.test(data) || INT_OCT.test(data) || INT_DEC.test(data) || INT_HEX.test(data) || INT_TIME.test(data)),
  construct: (data: string) => {
    if (INT_BIN.test(data)) return intValue(data, 2, 2);
    if (INT_OCT.test(data)) return intValue(data, 1, 8);
    if (INT_DEC.test(data)) return intValue(data, 0, 10);
    if (INT_HEX.test(data)) return intValue(data, 2, 16);
    return sexagesimal(data);
  },
  predicate: (v: object) => Number.isInteger(v),
});

const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$/;
const FLOAT_TIME = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$/;

/**
 * Floats: `.inf`, `.nan`, exponents, anything with a dot (`.` alone is NaN, as the `yaml` package reads it:
 * managedFields hold many `.: {}` keys, which become "NaN"), sexagesimal `1:30.5`.
 */
const float = new Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (data: string) =>
    numeric(data) && (FLOAT_NAN.test(data) || FLOAT_EXP.test(data) || FLOAT.test(data) || FLOAT_TIME.test(data)),
  construct: (data: string) => {
    if (FLOAT_NAN.test(data)) {
      return data.slice(-3).toLowerCase() === 'nan' ? Number.NaN : data[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    }
    if (FLOAT_EXP.test(data) || FLOAT.test(data)) return parseFloat(data.replace(/_/g, ''));
    return sexagesimal(data);
  },
  predicate: (v: object) => typeof v === 'number',
});

const TIMESTAMP = new RegExp(
  '^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})' + // YYYY-Mm-Dd
    '(?:' + // time is optional
    '(?:t|T|[ \\t]+)' + // t | T | whitespace
    '([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2}(\\.[0-9]+)?)' + // Hh:Mm:Ss(.ss)?
    '(?:[ \\t]*(Z|[-+][012]?[0-9](?::[0-9]{2})?))?' + // Z | +5 | -03:30
    ')?$',
);

/** Timestamps (`2024-05-01`, `2024-05-01T10:00:00Z`, ...): a Date, UTC when no zone is given. */
const timestamp = new Type('tag:yaml.org,2002:timestamp', {
  kind: 'scalar',
  resolve: (data: string) => numeric(data) && TIMESTAMP.test(data),
  construct: (data: string) => {
    const match = TIMESTAMP.exec(data)!;
    const [, year, month, day, hour, minute, second] = match.map(Number);
    const millis = match[7] ? Number((match[7] + '00').substring(1, 4)) : 0;
    let date = Date.UTC(year, month - 1, day, hour || 0, minute || 0, second || 0, millis);
    const zone = match[8];
    if (zone && zone !== 'Z') {
      let d = sexagesimal(zone);
      if (Math.abs(d) < 30) d *= 60;
      date -= 60000 * d;
    }
    return new Date(date);
  },
  instanceOf: Date,
});

/**
 * YAML 1.1 as kubectl reads it, for js-yaml: its default schema (null, merge keys `<<`, and the explicit `!!binary`,
 * `!!omap`, `!!pairs`, `!!set`) with the bool, int, float and timestamp types replaced in place by the ones above.
 */
export const YAML_1_1_SCHEMA = jsYaml.DEFAULT_SCHEMA.extend({ implicit: [bool, int, float, timestamp] });
