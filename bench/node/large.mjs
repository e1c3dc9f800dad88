// Node.js side of the large-response benchmark.
const [url, kind] = process.argv.slice(2);
const begin = Date.now();
const res = await fetch(url);
const data = kind === 'arraybuffer' ? await res.arrayBuffer() : await res.json();
const size = kind === 'arraybuffer' ? data.byteLength : data.length;
console.log(JSON.stringify({ ms: Date.now() - begin, size }));
