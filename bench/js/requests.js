// wxrun side of the request benchmark: N GETs of a small JSON answer, IN_FLIGHT at a time.
const [url, total, inFlight] = require('wxrun').args;
const TOTAL = Number(total);
let started = 0;
let done = 0;
let failed = 0;
const begin = Date.now();
function next() {
  if (started >= TOTAL) return;
  started++;
  wx.request({
    url,
    success(res) {
      if (res.statusCode !== 200 || !Array.isArray(res.data)) failed++;
    },
    fail() {
      failed++;
    },
    complete() {
      done++;
      if (done === TOTAL) console.log(JSON.stringify({ ms: Date.now() - begin, failed }));
      else next();
    },
  });
}
for (let i = 0; i < Number(inFlight); i++) next();
