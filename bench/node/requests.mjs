// Node.js side of the request benchmark: the same GETs with fetch, IN_FLIGHT at a time.
const [url, total, inFlight] = process.argv.slice(2);
const TOTAL = Number(total);
let started = 0;
let failed = 0;
const begin = Date.now();
async function worker() {
  while (started < TOTAL) {
    started++;
    const res = await fetch(url);
    const data = await res.json();
    if (res.status !== 200 || !Array.isArray(data)) failed++;
  }
}
await Promise.all(Array.from({ length: Number(inFlight) }, worker));
console.log(JSON.stringify({ ms: Date.now() - begin, failed }));
