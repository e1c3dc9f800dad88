// wxrun side of the transfer benchmark: one wx.uploadFile of a sandbox file to URL.
const [url, filePath, expected] = require('wxrun').args;
const begin = Date.now();
wx.uploadFile({
  url,
  filePath,
  name: 'file',
  success(res) {
    const received = JSON.parse(res.data).size;
    console.log(JSON.stringify({ ms: Date.now() - begin, failed: received >= Number(expected) && res.statusCode === 200 ? 0 : 1 }));
  },
  fail(err) {
    console.log(JSON.stringify({ error: err.errMsg }));
  },
});
