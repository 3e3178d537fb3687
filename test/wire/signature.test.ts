import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isValidSignature, parseSignature, SignatureError } from '../../wire/src/index';

test('valid signatures parse into complete types with their alignment', () => {
  for (const signature of [
    '',
    'y',
    'ybnqiuxtdhsogv',
    'as',
    'a{sv}',
    'a{oa{sa{sv}}}',
    '(i(s(v)))',
    'aaai',
    'a(yv)',
    'a{ya(ii)}',
  ]) {
    assert.ok(isValidSignature(signature), signature);
  }
  const types = parseSignature('ya{sv}(ix)');
  assert.deepEqual(
    types.map((type) => [type.signature, type.align]),
    [
      ['y', 1],
      ['a{sv}', 4],
      ['(ix)', 8],
    ],
  );
});

test('invalid signatures are SignatureErrors that say why', () => {
  const cases: [string, RegExp][] = [
    ['a', /missing/],
    ['(', /not closed/],
    ['()', /empty struct/],
    ['(i', /not closed/],
    ['i)', /unexpected "\)"/],
    ['{sv}', /outside an array/],
    ['a{vs}', /basic type/],
    ['a{s}', /exactly a key and a value/],
    ['a{sii}', /exactly a key and a value/],
    ['z', /unknown type code "z"/],
    ['a{(i)s}', /basic type/],
    ['m', /unknown/],
  ];
  for (const [signature, pattern] of cases) {
    assert.throws(
      () => parseSignature(signature),
      (error: unknown) => error instanceof SignatureError && pattern.test(error.message),
      signature,
    );
  }
});

test('limits: 255 bytes, 32 nested arrays, 32 nested structs', () => {
  assert.ok(isValidSignature('y'.repeat(255)));
  assert.throws(() => parseSignature('y'.repeat(256)), /longer than 255/);
  assert.ok(isValidSignature('a'.repeat(32) + 'y'));
  assert.throws(() => parseSignature('a'.repeat(33) + 'y'), /more than 32 nested arrays/);
  assert.ok(isValidSignature('('.repeat(32) + 'y' + ')'.repeat(32)));
  assert.throws(() => parseSignature('('.repeat(33) + 'y' + ')'.repeat(33)), /more than 32 nested structs/);
  // Dict entries count as structs.
  assert.throws(() => parseSignature('a{s' + '('.repeat(32) + 'y' + ')'.repeat(32) + '}'), /nested structs/);
  assert.ok(isValidSignature('a'.repeat(32) + '('.repeat(32) + 'y' + ')'.repeat(32)), '64 in total is allowed');
});
