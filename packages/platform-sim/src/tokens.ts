/**
 * Access tokens the simulator issues, one per account, and their state. A test can expire or
 * invalidate a token, or take permissions away, through the admin API.
 */
import { randomBytes } from 'node:crypto';
import type { SimAccount } from './dataset';
import type { Platform } from './types';

export type TokenStatus = 'valid' | 'expired' | 'invalid';

export interface TokenRecord {
  token: string;
  platform: Platform;
  accountId: string;
  /** `page` (Facebook Page token), `user` (IG/X/TikTok user token), `api_key` (YouTube), `channel` (LINE). */
  kind: 'page' | 'user' | 'api_key' | 'channel';
  permissions: string[];
  status: TokenStatus;
}

const DEFAULT_PERMISSIONS: Record<Platform, string[]> = {
  facebook: ['pages_show_list', 'pages_read_engagement', 'read_insights'],
  instagram: ['instagram_basic', 'instagram_manage_insights', 'pages_read_engagement'],
  x: ['tweet.read', 'users.read'],
  youtube: [],
  tiktok: ['user.info.basic', 'video.list'],
  line: [],
};

const KIND: Record<Platform, TokenRecord['kind']> = {
  facebook: 'page',
  instagram: 'user',
  x: 'user',
  youtube: 'api_key',
  tiktok: 'user',
  line: 'channel',
};

function b62(bytes: number): string {
  return randomBytes(bytes)
    .toString('base64')
    .replace(/[+/=]/g, '')
    .slice(0, Math.ceil(bytes * 1.3));
}

function makeToken(platform: Platform): string {
  switch (platform) {
    case 'facebook':
      return `EAAG${b62(120)}`;
    case 'instagram':
      return `EAAI${b62(120)}`;
    case 'x':
      return `${b62(70)}MTp${b62(10)}`;
    case 'youtube':
      return `AIza${randomBytes(27).toString('base64url').slice(0, 35)}`;
    case 'tiktok':
      return `act.${b62(60)}!${randomBytes(2).toString('hex')}.va`;
    case 'line':
      return `${randomBytes(129).toString('base64')}`;
  }
}

export class TokenStore {
  private readonly byToken = new Map<string, TokenRecord>();
  private readonly initial = new Map<string, TokenRecord>();

  constructor(accounts: SimAccount[]) {
    for (const a of accounts) {
      const rec: TokenRecord = {
        token: makeToken(a.platform),
        platform: a.platform,
        accountId: a.accountId,
        kind: KIND[a.platform],
        permissions: [...DEFAULT_PERMISSIONS[a.platform]],
        status: 'valid',
      };
      this.byToken.set(rec.token, rec);
      this.initial.set(rec.token, { ...rec, permissions: [...rec.permissions] });
    }
  }

  get(token: string | undefined): TokenRecord | undefined {
    return token === undefined ? undefined : this.byToken.get(token);
  }

  list(): TokenRecord[] {
    return [...this.byToken.values()].map((r) => ({ ...r, permissions: [...r.permissions] }));
  }

  update(
    token: string,
    patch: { status?: TokenStatus; permissions?: string[] },
  ): TokenRecord | undefined {
    const rec = this.byToken.get(token);
    if (!rec) return undefined;
    if (patch.status !== undefined) rec.status = patch.status;
    if (patch.permissions !== undefined) rec.permissions = [...patch.permissions];
    return { ...rec, permissions: [...rec.permissions] };
  }

  /** Back to every token valid with its default permissions (the token strings stay the same). */
  reset(): void {
    for (const [token, rec] of this.initial) {
      this.byToken.set(token, { ...rec, permissions: [...rec.permissions] });
    }
  }
}

/** The bearer token from an `Authorization: Bearer ...` (or `OAuth ...`) header. */
export function bearer(header: string | string[] | undefined): string | undefined {
  const h = Array.isArray(header) ? header[0] : header;
  if (!h) return undefined;
  const m = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(h.trim());
  return m?.[1]?.trim();
}
