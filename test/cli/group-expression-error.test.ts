// A GroupExpressionError that reaches the CLI (an NSX group expression NSX would reject, from any path) is invalid
// input: one paragraph naming the group and the field, exit 2, never a stack trace.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { reportError } from '../../src/cli/main.ts';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { GroupExpressionError } from '../../src/model/group-expression.ts';

it('a GroupExpressionError is reported as invalid input, exit 2, in one paragraph', (t) => {
  const written: string[] = [];
  t.mock.method(process.stderr, 'write', (chunk: string) => { written.push(String(chunk)); return true; });
  const code = reportError(new GroupExpressionError('/infra/domains/default/groups/g', 'expression[1]', 'an expression has 2 entries'));
  t.mock.restoreAll();
  assert.equal(code, EXIT.INVALID_INPUT);
  assert.deepEqual(written, ['error: invalid input: group /infra/domains/default/groups/g: expression[1]: an expression has 2 entries\n']);
});
