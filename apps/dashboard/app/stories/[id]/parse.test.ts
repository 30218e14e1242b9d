import { describe, expect, it } from 'vitest';
import { parseBangkokLocal, parseReach } from './parse';

describe('parseReach', () => {
  it.each([
    ['0', 0],
    ['4321', 4321],
    ['4,321', 4321],
    ['1,234,567', 1234567],
    ['10000000000', 1e10],
  ])('reads %s as %d', (text, value) => {
    expect(parseReach(text)).toBe(value);
  });

  it.each(['', '-5', 'abc', '1e99', '1e3', '12.5', '4,32', '43,21', '+7', '10000000001', ' 5'])(
    'refuses %j',
    (text) => {
      expect(parseReach(text)).toBeNull();
    },
  );
});

describe('parseBangkokLocal', () => {
  const fallback = new Date('2026-01-01T00:00:00Z');
  it('reads a datetime-local value as Bangkok time', () => {
    expect(parseBangkokLocal('2021-04-29T10:00', fallback)?.toISOString()).toBe(
      '2021-04-29T03:00:00.000Z',
    );
  });
  it('gives the fallback for an empty field', () => {
    expect(parseBangkokLocal('', fallback)).toBe(fallback);
  });
  it.each(['2021-02-31T10:00', '2021-04-29T24:00', '2021-04-29 10:00', 'yesterday'])(
    'refuses %j',
    (text) => {
      expect(parseBangkokLocal(text, fallback)).toBeNull();
    },
  );
});
