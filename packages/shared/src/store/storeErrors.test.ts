import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { isStoreUnavailable } from './storeErrors';

describe('isStoreUnavailable', () => {
  it('recognises the driver and mongoose errors of a store that went away', () => {
    expect(isStoreUnavailable(new mongoose.mongo.MongoNetworkError('read ECONNRESET'))).toBe(true);
    const selection = new Error('Server selection timed out after 5000 ms');
    selection.name = 'MongoServerSelectionError';
    expect(isStoreUnavailable(selection)).toBe(true);
    expect(
      isStoreUnavailable(
        new Error('Operation `posts.findOne()` buffering timed out after 10000ms'),
      ),
    ).toBe(true);
    const labelled = Object.assign(new Error('connection closed'), { errorLabels: ['ResetPool'] });
    expect(isStoreUnavailable(labelled)).toBe(true);
    const wrapped = new Error('bulk write failed', {
      cause: new mongoose.mongo.MongoNetworkError('connection 3 closed'),
    });
    expect(isStoreUnavailable(wrapped)).toBe(true);
  });

  it('leaves other failures alone', () => {
    expect(isStoreUnavailable(new Error('E11000 duplicate key error'))).toBe(false);
    expect(isStoreUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isStoreUnavailable('a string')).toBe(false);
    expect(isStoreUnavailable(undefined)).toBe(false);
  });
});
