import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { KnownCall } from '../../client/src/replay/call';
import type { CallData } from '../../server/src/analysis/types';

// The replay project cannot import the analysis core (the CLI imports the replay), so it restates CallData as
// KnownCall. These assignments make `tsc -b` fail the moment the two shapes drift apart.
const toKnown = (data: CallData): KnownCall => data;
const toData = (known: KnownCall): CallData => known;

it('a finding\'s call data passes to the replay unchanged', () => {
  const data: CallData = { library: 'dbus-next', destination: 'org.freedesktop.DBus', member: 'GetId', args: [1] };
  assert.deepEqual(toData(toKnown(data)), data);
});
