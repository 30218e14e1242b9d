/**
 * Platform access tokens are stored encrypted (AES-256-GCM, key from TOKEN_ENCRYPTION_KEY), so a
 * database dump alone does not hand out the office's social accounts. GCM authenticates the
 * ciphertext: a changed byte, a wrong key or a token moved to another account (when a context is
 * given) fails loudly instead of decrypting to garbage.
 *
 * Sealed format: `v1:<iv base64>:<auth tag base64>:<ciphertext base64>`; the version prefix lets
 * us rotate the scheme later without guessing what a stored string is.
 *
 * Server-only (node:crypto); not re-exported from the package's browser-safe index.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12; // the GCM standard nonce size
const TAG_BYTES = 16;
const KEY_BYTES = 32;

export class TokenCryptoError extends Error {
  override name = 'TokenCryptoError';
}

/** A 32-byte key, or its 64-hex-character form as found in TOKEN_ENCRYPTION_KEY. */
export type TokenKey = Buffer | string;

export interface TokenCryptoOptions {
  /**
   * Optional associated data, e.g. the account id: the token then only decrypts for the same
   * account, so a token copied to another account's document is rejected.
   */
  context?: string;
}

/** Turns the hex key from the environment into the 32 bytes AES-256 needs. */
export function parseTokenKey(key: TokenKey): Buffer {
  if (typeof key === 'string') {
    if (!/^[0-9a-fA-F]{64}$/.test(key)) {
      throw new TokenCryptoError(
        'Token encryption key must be 64 hex characters (32 bytes); check TOKEN_ENCRYPTION_KEY',
      );
    }
    return Buffer.from(key, 'hex');
  }
  if (key.length !== KEY_BYTES) {
    throw new TokenCryptoError(`Token encryption key must be 32 bytes, got ${key.length}`);
  }
  return key;
}

/** Encrypts a platform token; a fresh random IV each time, so equal tokens seal differently. */
export function encryptToken(
  plaintext: string,
  key: TokenKey,
  options: TokenCryptoOptions = {},
): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, parseTokenKey(key), iv, { authTagLength: TAG_BYTES });
  if (options.context !== undefined) cipher.setAAD(Buffer.from(options.context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [
    VERSION,
    iv.toString('base64'),
    tag.toString('base64'),
    ciphertext.toString('base64'),
  ].join(':');
}

/** Decrypts a sealed token; throws TokenCryptoError if it was altered or the key is wrong. */
export function decryptToken(
  sealed: string,
  key: TokenKey,
  options: TokenCryptoOptions = {},
): string {
  const parts = sealed.split(':');
  if (parts.length !== 4 || parts[0] !== VERSION) {
    throw new TokenCryptoError(
      `Encrypted token is not in the ${VERSION}:<iv>:<tag>:<ciphertext> format`,
    );
  }
  const [, ivB64, tagB64, dataB64] = parts as [string, string, string, string];
  const iv = strictBase64(ivB64, 'IV');
  const tag = strictBase64(tagB64, 'auth tag');
  const ciphertext = strictBase64(dataB64, 'ciphertext');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new TokenCryptoError('Encrypted token has a wrong-sized IV or auth tag; it was altered');
  }
  const decipher = createDecipheriv(ALGORITHM, parseTokenKey(key), iv, {
    authTagLength: TAG_BYTES,
  });
  decipher.setAuthTag(tag);
  if (options.context !== undefined) decipher.setAAD(Buffer.from(options.context, 'utf8'));
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    // Node says only "Unsupported state or unable to authenticate data"; say what it means.
    throw new TokenCryptoError(
      'Encrypted token failed authentication: it was altered, or TOKEN_ENCRYPTION_KEY (or the account) differs from when it was stored',
    );
  }
}

/** A sealer bound to one key, for code that encrypts many tokens. */
export function createTokenCipher(key: TokenKey): {
  encrypt: (plaintext: string, options?: TokenCryptoOptions) => string;
  decrypt: (sealed: string, options?: TokenCryptoOptions) => string;
} {
  const bytes = parseTokenKey(key);
  return {
    encrypt: (plaintext, options) => encryptToken(plaintext, bytes, options),
    decrypt: (sealed, options) => decryptToken(sealed, bytes, options),
  };
}

/** Node's base64 decoder skips junk silently; insist on canonical base64 so edits are caught. */
function strictBase64(text: string, what: string): Buffer {
  const bytes = Buffer.from(text, 'base64');
  if (text === '' && what !== 'ciphertext') {
    throw new TokenCryptoError(`Encrypted token has an empty ${what}`);
  }
  if (bytes.toString('base64') !== text) {
    throw new TokenCryptoError(`Encrypted token has an invalid base64 ${what}`);
  }
  return bytes;
}
