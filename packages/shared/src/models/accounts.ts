import { Schema, type Types } from 'mongoose';
import { PLATFORMS, type Platform, TOKEN_STATUSES, type TokenStatus } from '../platforms';

/** What the platform's usage headers said last; the collector slows down before the limit. */
export interface AccountQuota {
  /** Highest usage percentage seen in the last answer's headers (0..100+). */
  usagePercent: number | null;
  remaining: number | null;
  resetAt: Date | null;
  /** Do not call this account's API before this instant (throttled or near the limit). */
  cooldownUntil: Date | null;
  updatedAt: Date | null;
}

/** A connected page / channel / account on one platform (collection `accounts`). */
export interface AccountDoc {
  _id: Types.ObjectId;
  platform: Platform;
  /** The platform's own id of the page, channel or account. */
  externalId: string;
  displayName: string;
  /** `v1:<iv>:<tag>:<ciphertext>` from tokenCrypto; never the plain token. */
  encryptedToken: string | null;
  tokenStatus: TokenStatus;
  tokenCheckedAt: Date | null;
  tokenExpiresAt: Date | null;
  quota: AccountQuota;
  /** Paging cursor of the last discovery run, so the next one lists only newer posts. */
  discoveryCursor: string | null;
  lastDiscoveredAt: Date | null;
  enabled: boolean;
  createdAt?: Date;
  updatedAt?: Date;
}

const quotaSchema = new Schema<AccountQuota>(
  {
    usagePercent: { type: Number, default: null, min: 0 },
    remaining: { type: Number, default: null, min: 0 },
    resetAt: { type: Date, default: null },
    cooldownUntil: { type: Date, default: null },
    updatedAt: { type: Date, default: null },
  },
  { _id: false },
);

export const accountSchema = new Schema<AccountDoc>(
  {
    platform: { type: String, enum: PLATFORMS, required: true },
    externalId: { type: String, required: true, trim: true, minlength: 1 },
    displayName: { type: String, required: true, trim: true, minlength: 1 },
    encryptedToken: {
      type: String,
      default: null,
      // A plain token here would be a leak waiting for the next database dump.
      validate: {
        validator: (v: string | null) => v === null || /^v1:[^:]+:[^:]+:[^:]*$/.test(v),
        message: 'encryptedToken must be sealed with encryptToken (v1:<iv>:<tag>:<ciphertext>)',
      },
    },
    tokenStatus: { type: String, enum: TOKEN_STATUSES, default: 'ok', required: true },
    tokenCheckedAt: { type: Date, default: null },
    tokenExpiresAt: { type: Date, default: null },
    quota: { type: quotaSchema, default: () => ({}) },
    discoveryCursor: { type: String, default: null },
    lastDiscoveredAt: { type: Date, default: null },
    enabled: { type: Boolean, default: true },
  },
  { collection: 'accounts', autoIndex: false, timestamps: true, versionKey: false },
);

accountSchema.index({ platform: 1, externalId: 1 }, { unique: true });
accountSchema.index({ tokenStatus: 1 });
