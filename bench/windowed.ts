// Calls kept `window` in flight until `total` have been made (window 1: one after the other): the load shape
// of the D-Bus client and fault bus benchmarks.
export type Call = () => Promise<unknown>;

export async function windowed(call: Call, total: number, window: number): Promise<void> {
  if (window === 1) {
    for (let i = 0; i < total; i++) await call();
    return;
  }
  let started = 0;
  const worker = async () => {
    while (started < total) {
      started++;
      await call();
    }
  };
  await Promise.all(Array.from({ length: window }, worker));
}
