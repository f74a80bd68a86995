/**
 * NSX's password rules (its default authentication policy), applied to every password np2dfw takes: the API,
 * `np2dfw user add` and the first administrator from NP2DFW_ADMIN_PASSWORD.
 * - 12 to 128 characters (NSX: minimum_password_length 12, maximum 128);
 * - at least one lowercase letter, one uppercase letter, one digit and one special character;
 * - at least five different characters;
 * - no sequence of more than four monotonic characters (`abcde`, `54321`).
 */
export const PASSWORD_RULES = {
  minLength: 12,
  maxLength: 128,
  minDistinct: 5,
  maxMonotonic: 4,
} as const;

/** The rules in one sentence, for help texts and errors. */
export const PASSWORD_RULES_TEXT = `${PASSWORD_RULES.minLength}-${PASSWORD_RULES.maxLength} characters with a lowercase letter, an uppercase letter, a digit and a special character, at least ${PASSWORD_RULES.minDistinct} different characters, and no run of more than ${PASSWORD_RULES.maxMonotonic} monotonic characters`;

/** What is wrong with a password under NSX's rules (empty when nothing is). */
export function passwordProblems(password: string): string[] {
  const out: string[] = [];
  const chars = [...password];
  if (chars.length < PASSWORD_RULES.minLength) out.push(`it has ${chars.length} characters; at least ${PASSWORD_RULES.minLength} are needed`);
  if (chars.length > PASSWORD_RULES.maxLength) out.push(`it has more than ${PASSWORD_RULES.maxLength} characters`);
  if (!/\p{Ll}/u.test(password)) out.push('it needs a lowercase letter');
  if (!/\p{Lu}/u.test(password)) out.push('it needs an uppercase letter');
  if (!/\p{Nd}/u.test(password)) out.push('it needs a digit');
  if (!/[^\p{L}\p{Nd}\s]/u.test(password)) out.push('it needs a special character (not a letter, digit or space)');
  if (new Set(chars).size < PASSWORD_RULES.minDistinct) out.push(`it needs at least ${PASSWORD_RULES.minDistinct} different characters`);
  let run = 1;
  let step = 0;
  for (let i = 1; i < chars.length && run <= PASSWORD_RULES.maxMonotonic; i++) {
    const d = chars[i].codePointAt(0)! - chars[i - 1].codePointAt(0)!;
    run = d === 1 || d === -1 ? (d === step ? run + 1 : 2) : 1;
    step = d;
  }
  if (run > PASSWORD_RULES.maxMonotonic) out.push(`it has a run of more than ${PASSWORD_RULES.maxMonotonic} monotonic characters (like abcde or 54321)`);
  return out;
}

/** The problem of a password as one message, or undefined when it follows the rules. */
export function passwordProblem(password: string, what = 'the password'): string | undefined {
  const p = passwordProblems(password);
  return p.length ? `${what} does not follow the password rules (${PASSWORD_RULES_TEXT}): ${p.join('; ')}` : undefined;
}
