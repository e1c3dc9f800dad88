// limits.maxDownloadFileSize (1000 bytes here): beyond it the download stops (603301) and the
// partial file is removed.
const fs = wx.getFileSystemManager();

function download(options) {
  return new Promise((resolve) => wx.downloadFile(Object.assign({}, options, { complete: resolve })));
}

test('a known length above the cap fails before writing', async () => {
  fs.mkdirSync('wxfile://usr/cap1', true);
  const result = await download({ url: 'https://download.wxrun.test/bytes/5000', filePath: 'wxfile://usr/cap1/x' });
  expect(result).toEqual({ errMsg: 'downloadFile:fail exceed max file size', errno: 603301 });
  expect(fs.readdirSync('wxfile://usr/cap1')).toEqual([]);
});

test('an unknown length is stopped when it passes the cap', async () => {
  fs.mkdirSync('wxfile://usr/cap2', true);
  const result = await download({ url: 'https://download.wxrun.test/bytes/5000?chunked=1&chunk=400', filePath: 'wxfile://usr/cap2/x' });
  expect(result).toEqual({ errMsg: 'downloadFile:fail exceed max file size', errno: 603301 });
  expect(fs.readdirSync('wxfile://usr/cap2')).toEqual([]);
});

test('at the cap is fine', async () => {
  const result = await download({ url: 'https://download.wxrun.test/bytes/1000' });
  expect(result.statusCode).toBe(200);
});
