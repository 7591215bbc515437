import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { byteSize, envBoolean, envInteger, envStringList, envUrl, formatByteSize } from '../src/options.js';

function messageOf(schema: z.ZodType, input: unknown): string | undefined {
  const result = schema.safeParse(input);
  return result.success ? undefined : result.error.issues.map((issue) => issue.message).join('; ');
}

describe('envBoolean', () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    [' Yes ', true],
    ['on', true],
    ['1', true],
    [true, true],
    ['false', false],
    ['No', false],
    ['OFF', false],
    ['0', false],
    [false, false],
  ])('reads %j as %s', (input, expected) => {
    expect(envBoolean.parse(input)).toBe(expected);
  });

  it.each(['maybe', '', 2, null])('refuses %j saying what it accepts', (input) => {
    expect(messageOf(envBoolean, input)).toBe('expected a boolean (true/false, 1/0, yes/no or on/off)');
  });
});

describe('envInteger', () => {
  it('reads integers from strings and numbers', () => {
    expect(envInteger().parse('42')).toBe(42);
    expect(envInteger().parse(' -7 ')).toBe(-7);
    expect(envInteger().parse(12)).toBe(12);
  });

  it.each(['abc', '1.5', 1.5, '', '1e3', '12abc', true])('refuses %j', (input) => {
    expect(messageOf(envInteger(), input)).toBe('expected an integer');
  });

  it('enforces bounds and says which', () => {
    expect(envInteger({ min: 1, max: 10 }).parse('10')).toBe(10);
    expect(messageOf(envInteger({ min: 1, max: 10 }), '11')).toBe('expected an integer between 1 and 10');
    expect(messageOf(envInteger({ min: 1 }), 0)).toBe('expected an integer of at least 1');
    expect(messageOf(envInteger({ max: 5 }), '6')).toBe('expected an integer of at most 5');
  });

  it('reports a missing required value as a missing value', () => {
    const issue = z.strictObject({ sockets: envInteger() }).safeParse({}).error?.issues[0];
    expect(issue).toMatchObject({ code: 'invalid_type', path: ['sockets'] });
  });

  it('leaves optional and default handling to zod', () => {
    expect(z.strictObject({ n: envInteger().optional() }).parse({})).toEqual({});
    expect(z.strictObject({ n: envInteger().default(3) }).parse({})).toEqual({ n: 3 });
  });
});

describe('byteSize', () => {
  it.each([
    [1024, 1024],
    ['1024', 1024],
    ['10MB', 10 * 1024 ** 2],
    ['10 MiB', 10 * 1024 ** 2],
    ['1.5GB', 1.5 * 1024 ** 3],
    ['512kb', 512 * 1024],
    ['5TiB', 5 * 1024 ** 4],
    ['64k', 64 * 1024],
    ['100B', 100],
    ['0.1KB', 102],
  ])('reads %j as %i bytes (binary units, floored)', (input, expected) => {
    expect(byteSize().parse(input)).toBe(expected);
  });

  it.each(['ten', '-1', '10 XB', '1.5.2MB', -5, Number.NaN, ''])('refuses %j', (input) => {
    expect(messageOf(byteSize(), input)).toBe('expected a byte size like 1024, 512KB or 1.5GiB');
  });

  it('enforces bounds, naming them in units', () => {
    expect(messageOf(byteSize({ min: 5 * 1024 ** 2 }), '1MB')).toBe(
      'expected a byte size like 1024, 512KB or 1.5GiB of at least 5 MiB',
    );
    expect(byteSize({ min: 5 * 1024 ** 2, max: 5 * 1024 ** 3 }).parse('5GB')).toBe(5 * 1024 ** 3);
  });

  it('formats sizes for messages', () => {
    expect(formatByteSize(5 * 1024 ** 2)).toBe('5 MiB');
    expect(formatByteSize(1536)).toBe('1536 bytes');
  });
});

describe('envStringList', () => {
  it('splits on commas, trims, drops empty items', () => {
    expect(envStringList.parse(' a, b ,,c, ')).toEqual(['a', 'b', 'c']);
    expect(envStringList.parse(['x', 'y'])).toEqual(['x', 'y']);
  });

  it('refuses other types', () => {
    expect(messageOf(envStringList, 3)).toBe('expected a comma-separated list');
  });
});

describe('envUrl', () => {
  it('accepts http and https URLs as given', () => {
    expect(envUrl.parse('http://127.0.0.1:7480')).toBe('http://127.0.0.1:7480');
    expect(envUrl.parse(' https://s3.example.com/base ')).toBe('https://s3.example.com/base');
  });

  it.each(['ftp://host', 'localhost:9000', 'not a url', 42])('refuses %j', (input) => {
    expect(messageOf(envUrl, input)).toBe('expected an http:// or https:// URL');
  });
});
