// wxrun side of the transfer benchmark: one wx.downloadFile of URL into a temp file.
const [url, expected] = require('wxrun').args;
const begin = Date.now();
wx.downloadFile({
  url,
  success(res) {
    const size = wx.getFileSystemManager().statSync(res.tempFilePath).size;
    wx.getFileSystemManager().unlinkSync(res.tempFilePath);
    console.log(JSON.stringify({ ms: Date.now() - begin, failed: size === Number(expected) && res.statusCode === 200 ? 0 : 1 }));
  },
  fail(err) {
    console.log(JSON.stringify({ error: err.errMsg }));
  },
});
