// One value (or a few edge values) of every D-Bus type, shared by the unit and live round-trip tests.

/** Values in the form the decoder produces, so a round trip can be compared with deepEqual. */
export const EVERY_TYPE: [string, unknown][] = [
  ['y', 0], ['y', 255],
  ['b', true], ['b', false],
  ['n', -32768], ['n', 32767], ['q', 0], ['q', 65535],
  ['i', -2147483648], ['i', 2147483647], ['u', 0], ['u', 4294967295],
  ['x', -(1n << 63n)], ['x', (1n << 63n) - 1n], ['t', 0n], ['t', (1n << 64n) - 1n],
  ['d', 3.5], ['d', -0], ['d', Number.MAX_VALUE], ['d', -Infinity],
  ['s', ''], ['s', 'héllo wörld ✓ 🚀'], ['o', '/'], ['o', '/com/example/A_1'], ['g', ''], ['g', 'a{sv}(iay)'],
  ['v', { signature: 's', value: 'inside' }], ['v', { signature: 'v', value: { signature: 'ai', value: [1, 2] } }],
  ['ay', Buffer.from([1, 2, 3])], ['ay', Buffer.alloc(0)],
  ['as', ['a', '', 'c']], ['ax', []], ['ad', []], ['a(ii)', []], ['at', [1n, 2n]],
  ['(ybx)', [7, true, -5n]], ['a(sv)', [['k', { signature: 'u', value: 1 }]]],
  ['a{sv}', new Map<string, unknown>([['one', { signature: 'i', value: -1 }], ['two', { signature: 'as', value: ['x'] }]])],
  ['a{ia{st}}', new Map([[1, new Map([['z', 9n]])], [-2, new Map()]])],
  ['aai', [[1], [], [2, 3]]],
  ['(y(xa{yd}))', [1, [2n, new Map([[3, 4.5]])]]],
];
