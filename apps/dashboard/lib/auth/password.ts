import 'server-only';
import bcrypt from 'bcryptjs';

/** bcrypt cost: 2^12 rounds, about a quarter of a second per check here (a slow hash on purpose). */
export const BCRYPT_COST = 12;

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 200;

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, BCRYPT_COST);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}

/** A hash to compare against when the email is unknown, so timing does not reveal which emails exist. */
let dummyHash: Promise<string> | undefined;

export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= bcrypt.hash('reachline-no-such-user', BCRYPT_COST);
  await bcrypt.compare(password, await dummyHash);
}

/** Null when acceptable, else the problem as a message key. */
export function passwordProblem(password: string): 'passwordTooShort' | 'passwordTooLong' | null {
  if (password.length < PASSWORD_MIN_LENGTH) return 'passwordTooShort';
  if (password.length > PASSWORD_MAX_LENGTH) return 'passwordTooLong';
  return null;
}
