import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  TokenCryptoError,
  createTokenCipher,
  decryptToken,
  encryptToken,
  parseTokenKey,
} from './tokenCrypto';

const HEX_KEY = '0123456789abcdef'.repeat(4);
const OTHER_KEY = 'fedcba9876543210'.repeat(4);
const TOKEN = 'EAAGm0PX4ZCpsBA-page-token-ไทย';

describe('encryptToken / decryptToken', () => {
  it.each([
    ['a Facebook page token', TOKEN, undefined],
    ['an empty token', '', undefined],
    ['a long token', 'x'.repeat(4096), undefined],
    ['a token bound to its account', TOKEN, 'account:64f0c0ffee'],
  ])('round-trips %s', (_label, plaintext, context) => {
    const sealed = encryptToken(plaintext, HEX_KEY, { context });
    expect(sealed).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]*$/);
    if (plaintext !== '') expect(sealed).not.toContain(plaintext);
    expect(decryptToken(sealed, HEX_KEY, { context })).toBe(plaintext);
  });

  it('accepts the key as 32 raw bytes too', () => {
    const key = randomBytes(32);
    expect(decryptToken(encryptToken(TOKEN, key), key)).toBe(TOKEN);
  });

  it('seals the same token differently each time (fresh IV)', () => {
    expect(encryptToken(TOKEN, HEX_KEY)).not.toBe(encryptToken(TOKEN, HEX_KEY));
  });

  it('createTokenCipher binds one key', () => {
    const cipher = createTokenCipher(HEX_KEY);
    expect(cipher.decrypt(cipher.encrypt(TOKEN))).toBe(TOKEN);
    expect(decryptToken(cipher.encrypt(TOKEN), HEX_KEY)).toBe(TOKEN);
  });
});

describe('tampering and wrong keys fail with TokenCryptoError', () => {
  const sealed = encryptToken(TOKEN, HEX_KEY, { context: 'account-1' });
  const [version, iv, tag, data] = sealed.split(':') as [string, string, string, string];
  const flipFirstByte = (b64: string): string => {
    const bytes = Buffer.from(b64, 'base64');
    bytes[0] = bytes[0]! ^ 0x01;
    return bytes.toString('base64');
  };

  it.each([
    [
      'a flipped ciphertext byte',
      [version, iv, tag, flipFirstByte(data)].join(':'),
      HEX_KEY,
      'account-1',
      /failed authentication/,
    ],
    [
      'a flipped tag byte',
      [version, iv, flipFirstByte(tag), data].join(':'),
      HEX_KEY,
      'account-1',
      /failed authentication/,
    ],
    [
      'a flipped IV byte',
      [version, flipFirstByte(iv), tag, data].join(':'),
      HEX_KEY,
      'account-1',
      /failed authentication/,
    ],
    [
      'a truncated ciphertext',
      [version, iv, tag, data.slice(0, 8)].join(':'),
      HEX_KEY,
      'account-1',
      /failed authentication/,
    ],
    ['the wrong key', sealed, OTHER_KEY, 'account-1', /failed authentication/],
    ['another account', sealed, HEX_KEY, 'account-2', /failed authentication/],
    ['no account given', sealed, HEX_KEY, undefined, /failed authentication/],
    ['an unknown version', ['v2', iv, tag, data].join(':'), HEX_KEY, 'account-1', /format/],
    ['a missing part', [version, iv, data].join(':'), HEX_KEY, 'account-1', /format/],
    ['a plaintext token stored by mistake', TOKEN, HEX_KEY, 'account-1', /format/],
    [
      'non-base64 junk in the tag',
      [version, iv, '!!' + tag, data].join(':'),
      HEX_KEY,
      'account-1',
      /base64/,
    ],
    [
      'a short tag',
      [version, iv, tag.slice(0, 8), data].join(':'),
      HEX_KEY,
      'account-1',
      /altered/,
    ],
  ])('%s', (_label, input, key, context, message) => {
    const attempt = (): string => decryptToken(input, key, { context });
    expect(attempt).toThrow(TokenCryptoError);
    expect(attempt).toThrow(message);
  });
});

describe('parseTokenKey', () => {
  it.each([
    ['63 hex characters', HEX_KEY.slice(1)],
    ['non-hex characters', 'g'.repeat(64)],
    ['16 raw bytes', Buffer.alloc(16)],
  ])('rejects %s', (_label, key) => {
    expect(() => parseTokenKey(key)).toThrow(TokenCryptoError);
  });

  it('never puts the key in its error message', () => {
    const badKey = HEX_KEY.slice(2);
    expect(() => parseTokenKey(badKey)).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(badKey) as unknown }),
    );
  });
});
