// The peer of the fault bus benchmark: the cheapest proxy Node can be, a byte pipe between two unix
// sockets with no framing and no recording. What the fault bus adds over it is what its own work costs.
// Usage: node bench/barePipe.cjs LISTEN_PATH UPSTREAM_PATH; prints "ready" once listening.
'use strict';
const net = require('node:net');

const [, , listen, upstream] = process.argv;
net
  .createServer((program) => {
    const bus = net.createConnection({ path: upstream });
    program.pipe(bus);
    bus.pipe(program);
    program.on('error', () => bus.destroy());
    bus.on('error', () => program.destroy());
  })
  .listen(listen, () => console.log('ready'));
