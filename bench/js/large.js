// wxrun side of the large-response benchmark: one response as ArrayBuffer or as JSON.
const [url, kind] = require('wxrun').args;
const begin = Date.now();
wx.request({
  url,
  responseType: kind === 'arraybuffer' ? 'arraybuffer' : 'text',
  success(res) {
    const size = kind === 'arraybuffer' ? res.data.byteLength : res.data.length;
    console.log(JSON.stringify({ ms: Date.now() - begin, size }));
  },
  fail(err) {
    console.log(JSON.stringify({ error: err.errMsg }));
  },
});
