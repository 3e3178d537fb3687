// The core runs in any JavaScript host (Node, a worker thread, a browser) and uses nothing of Node's:
// the only global it reads is the monotonic clock every one of them has.
declare const performance: { now(): number };
