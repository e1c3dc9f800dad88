// Node.js side of the TCP benchmark, with net.
import net from 'node:net';

const [host, port, total, inFlight] = process.argv.slice(2);
const TOTAL = Number(total);
const IN_FLIGHT = Number(inFlight);
const SIZE = 512;
const payload = Buffer.alloc(SIZE, 120);
let sent = 0;
let bytes = 0;
let begin = 0;
const socket = net.connect({ host, port: Number(port), noDelay: true }, () => {
  begin = Date.now();
  for (; sent < IN_FLIGHT; sent++) socket.write(payload);
});
socket.on('data', (chunk) => {
  bytes += chunk.length;
  const done = Math.floor(bytes / SIZE);
  if (done === TOTAL) {
    console.log(JSON.stringify({ ms: Date.now() - begin, failed: 0 }));
    socket.destroy();
    return;
  }
  for (; sent < TOTAL && sent - done < IN_FLIGHT; sent++) socket.write(payload);
});
socket.on('error', (e) => console.log(JSON.stringify({ error: String(e) })));
