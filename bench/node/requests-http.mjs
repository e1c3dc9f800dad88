// Node.js side of the request benchmark with node:http and a keep-alive Agent (the fastest
// Node client): the same GETs, IN_FLIGHT at a time, each answer parsed as JSON.
import http from 'node:http';

const [url, total, inFlight] = process.argv.slice(2);
const TOTAL = Number(total);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(inFlight) });
let started = 0;
let failed = 0;

function get() {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => resolve([res.statusCode, Buffer.concat(chunks).toString('utf8')]));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

const begin = Date.now();
async function worker() {
  while (started < TOTAL) {
    started++;
    const [status, text] = await get();
    const data = JSON.parse(text);
    if (status !== 200 || !Array.isArray(data)) failed++;
  }
}
await Promise.all(Array.from({ length: Number(inFlight) }, worker));
agent.destroy();
console.log(JSON.stringify({ ms: Date.now() - begin, failed }));
