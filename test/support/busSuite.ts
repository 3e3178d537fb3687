// Runs a live test suite once per bus kind: dbus-daemon always, dbus-broker when it can start here.
// Tests get the bus from `need(t)`, which skips them (with the reason) when their bus is unavailable.
import { after, before, describe, type TestContext } from 'node:test';
import { BUS_KINDS, startBus, type BusKind, type PrivateBus } from './privateBus';

export interface BusHandle {
  kind: BusKind;
  /** The running bus, or null after skipping the test with the reason the bus could not start. */
  need(this: void, t: TestContext): PrivateBus | null;
}

export function forEachBus(title: string, body: (handle: BusHandle) => void): void {
  for (const kind of BUS_KINDS) {
    describe(`${title} [${kind}]`, () => {
      let bus: PrivateBus | null = null;
      let unavailable = '';
      before(async () => {
        const started = await startBus(kind);
        if (typeof started === 'string') {
          // dbus-daemon is the CI bus: failing to start it is a failure, not a skip.
          if (kind === 'dbus-daemon') throw new Error(started);
          unavailable = started;
          console.log(`# ${kind} unavailable, its tests are skipped: ${started}`);
        } else bus = started;
      });
      after(async () => {
        await bus?.stop();
      });
      body({
        kind,
        need(t) {
          if (!bus) t.skip(`${kind} unavailable: ${unavailable}`);
          return bus;
        },
      });
    });
  }
}
