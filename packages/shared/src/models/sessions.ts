import { Schema, type Types } from 'mongoose';
import { USER_ROLES, type UserRole } from './users';

/**
 * A dashboard sign-in (collection `sessions`), server-side: the browser holds only a random token;
 * the store keeps its SHA-256 as `_id`, so every request reads its session by `_id` (cheap on both
 * stores) and a leaked database does not yield usable cookies.
 */
export interface SessionDoc {
  /** hex SHA-256 of the cookie's token. */
  _id: string;
  userId: Types.ObjectId;
  /** The role when signed in; the user's current role is re-read on every request. */
  role: UserRole;
  expiresAt: Date;
  createdAt?: Date;
  updatedAt?: Date;
}

export const sessionSchema = new Schema<SessionDoc>(
  {
    _id: { type: String, required: true, match: /^[0-9a-f]{64}$/ },
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    role: { type: String, enum: USER_ROLES, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'sessions', autoIndex: false, timestamps: true, versionKey: false },
);

/**
 * A read-only token for other systems (collection `api_tokens`): `Authorization: Bearer <token>`
 * on `/api/v1/*`. As with sessions, only the token's SHA-256 is stored, as `_id`.
 */
export interface ApiTokenDoc {
  _id: string;
  name: string;
  /** The first characters of the token, so an admin can tell tokens apart without the secret. */
  prefix: string;
  createdBy: Types.ObjectId;
  lastUsedAt: Date | null;
  revoked: boolean;
  createdAt?: Date;
  updatedAt?: Date;
}

export const apiTokenSchema = new Schema<ApiTokenDoc>(
  {
    _id: { type: String, required: true, match: /^[0-9a-f]{64}$/ },
    name: { type: String, required: true, trim: true, minlength: 1, maxlength: 100 },
    prefix: { type: String, required: true, maxlength: 16 },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    lastUsedAt: { type: Date, default: null },
    revoked: { type: Boolean, default: false },
  },
  { collection: 'api_tokens', autoIndex: false, timestamps: true, versionKey: false },
);
