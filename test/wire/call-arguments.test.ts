import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CallArgumentError, parseCallArguments } from '../../wire/src/callArguments';

test('basic types as words, containers and variants as JSON', () => {
  assert.deepEqual(
    parseCallArguments('ybnqiuxtdsogvasa{sv}(is)ayaxa{ut}', [
      '0xff',
      'no',
      '-5',
      '65535',
      '-1',
      '7',
      '-9223372036854775808',
      '18446744073709551615',
      '2.5',
      'text',
      '/a/b',
      'a{sv}',
      '{"signature":"(si)","value":["x",1]}',
      '["p","q"]',
      '{"k":{"signature":"x","value":"-2"}}',
      '[3,"s"]',
      '[1,2]',
      '["5", 6]',
      '{"1":"2"}',
    ]),
    [
      255,
      false,
      -5,
      65535,
      -1,
      7,
      -(1n << 63n),
      (1n << 64n) - 1n,
      2.5,
      'text',
      '/a/b',
      'a{sv}',
      { signature: '(si)', value: ['x', 1] },
      ['p', 'q'],
      new Map([['k', { signature: 'x', value: -2n }]]),
      [3, 's'],
      [1, 2],
      [5n, 6n],
      new Map([[1, 2n]]),
    ],
  );
});

test('mistakes are CallArgumentErrors that name the argument and its type', () => {
  const cases: [string, string[], RegExp][] = [
    ['u', ['x'], /argument 1 \(type "u"\): "x" is not an integer/],
    ['b', ['maybe'], /not a boolean/],
    ['as', ['[1'], /written as JSON/],
    ['v', ['{"value":1}'], /a variant is/],
    ['(is)', ['[1]'], /JSON array of 2 fields/],
    ['a{sv}', ['[]'], /a dict is a JSON object/],
    ['ss', ['one'], /takes 2 argument\(s\), got 1/],
    ['a{', [], /--signature: invalid D-Bus signature/],
    ['ax', ['[1e300]'], /not a safe integer/],
  ];
  for (const [signature, words, pattern] of cases) {
    assert.throws(
      () => parseCallArguments(signature, words),
      (error: unknown) => error instanceof CallArgumentError && pattern.test(error.message),
      `${signature} ${words.join(' ')}`,
    );
  }
});
