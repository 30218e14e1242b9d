import { Schema, type Types } from 'mongoose';

export const USER_ROLES = ['viewer', 'editor', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** A dashboard login (collection `users`). */
export interface UserDoc {
  _id: Types.ObjectId;
  /** Stored lower-cased and trimmed, so `Ann@City.go.th` and `ann@city.go.th` are one user. */
  email: string;
  passwordHash: string;
  role: UserRole;
  displayName: string;
  lastLoginAt: Date | null;
  disabled: boolean;
  createdAt?: Date;
  updatedAt?: Date;
}

export const userSchema = new Schema<UserDoc>(
  {
    email: {
      type: String,
      required: true,
      lowercase: true,
      trim: true,
      maxlength: 254,
      match: [/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'email must look like name@example.org'],
    },
    passwordHash: { type: String, required: true, minlength: 20 },
    role: { type: String, enum: USER_ROLES, default: 'viewer', required: true },
    displayName: { type: String, default: '', trim: true, maxlength: 200 },
    lastLoginAt: { type: Date, default: null },
    disabled: { type: Boolean, default: false },
  },
  { collection: 'users', autoIndex: false, timestamps: true, versionKey: false },
);

userSchema.index({ email: 1 }, { unique: true });
